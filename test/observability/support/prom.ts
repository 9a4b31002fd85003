/**
 * A strict little parser for the Prometheus text exposition format (0.0.4), enough to check
 * what GET /metrics serves: every line is a comment (# HELP / # TYPE) or a sample, every sample
 * belongs to a declared family, histograms are cumulative and end in +Inf == _count.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const SAMPLE = new RegExp(`^(${NAME})(\\{(.*)\\})? (\\S+)$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;

function parseLabels(text: string, line: string): Record<string, string> {
  const out: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const m = LABEL.exec(text);
    if (!m) throw new Error(`bad labels in: ${line}`);
    out[m[1]] = m[2].replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
  }
  return out;
}

function parseValue(v: string, line: string): number {
  if (v === "+Inf") return Infinity;
  if (v === "-Inf") return -Infinity;
  if (v === "NaN") return NaN;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`bad value in: ${line}`);
  return n;
}

export function parseExposition(text: string): Exposition {
  if (!text.endsWith("\n")) throw new Error("exposition must end with a newline");
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.slice(0, -1).split("\n")) {
    if (line.startsWith("# HELP ")) {
      const name = line.split(" ")[2];
      help.set(name, line.slice(`# HELP ${name} `.length));
      continue;
    }
    if (line.startsWith("# TYPE ")) {
      const [name, type] = line.slice(7).split(" ");
      if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(type)) throw new Error(`bad type: ${line}`);
      if (types.has(name)) throw new Error(`TYPE twice for ${name}`);
      types.set(name, type);
      continue;
    }
    if (line.startsWith("#") || line === "") throw new Error(`unexpected line: ${JSON.stringify(line)}`);
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`bad sample line: ${line}`);
    samples.push({ name: m[1], labels: m[3] ? parseLabels(m[3], line) : {}, value: parseValue(m[4], line) });
  }
  // Every sample belongs to a declared family; histogram series are consistent.
  const familyOf = (name: string) => {
    if (types.has(name)) return name;
    for (const suffix of ["_bucket", "_sum", "_count"]) {
      const base = name.endsWith(suffix) ? name.slice(0, -suffix.length) : null;
      if (base && types.get(base) === "histogram") return base;
    }
    throw new Error(`sample ${name} has no # TYPE`);
  };
  const hist = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const s of samples) {
    const fam = familyOf(s.name);
    if (types.get(fam) === "counter" && !(s.value >= 0)) throw new Error(`negative counter ${s.name}`);
    if (types.get(fam) !== "histogram") continue;
    const { le, ...rest } = s.labels;
    const key = `${fam}${JSON.stringify(Object.entries(rest).sort())}`;
    let h = hist.get(key);
    if (!h) hist.set(key, (h = { buckets: [] }));
    if (s.name.endsWith("_bucket")) h.buckets.push([le === "+Inf" ? Infinity : Number(le), s.value]);
    if (s.name.endsWith("_count")) h.count = s.value;
  }
  for (const [key, h] of hist) {
    const sorted = [...h.buckets].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) if (sorted[i][1] < sorted[i - 1][1]) throw new Error(`histogram ${key} not cumulative`);
    const inf = sorted[sorted.length - 1];
    if (!inf || inf[0] !== Infinity) throw new Error(`histogram ${key} lacks +Inf`);
    if (inf[1] !== h.count) throw new Error(`histogram ${key}: +Inf ${inf[1]} != _count ${h.count}`);
  }
  return { types, help, samples };
}

/** Sum of the samples named `name` whose labels include `match`. */
export function value(exp: Exposition, name: string, match: Record<string, string> = {}): number {
  return exp.samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);
}

/** How much each metric moved between two scrapes: `delta(before, after)(name, labels)`. */
export function delta(before: Exposition, after: Exposition) {
  return (name: string, match: Record<string, string> = {}): number => value(after, name, match) - value(before, name, match);
}
