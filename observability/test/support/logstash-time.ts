/**
 * How Logstash decides an event's time, modelled from its source so the pipeline's date handling
 * can be tested here without a JVM (Logstash cannot run on this machine):
 *
 * - the json codec builds each event with `new Event(map)`; org.logstash.Event (Logstash 9.5.2,
 *   lines 121-129 and parseTimestamp) parses a String "@timestamp" as ISO 8601 into a Timestamp
 *   object. Any other value, or a string that does not parse, gives the receive time, the tag
 *   `_timestampparsefailure` and the original value in `_@timestamp`;
 * - the date filter (logstash-filter-date 3.1.15's source; Logstash 9.5.2 bundles 3.2.1, whose
 *   source was not available here; DateFilter.executeParsers): an absent field is left
 *   alone (no tag); otherwise each format is tried in order. ISO8601 and Joda patterns go through
 *   TextParserExecutor, which throws for anything but a String (a Timestamp object included);
 *   UNIX / UNIX_MS through NumericParserExecutor (String, Long, Integer, Double, BigDecimal). The
 *   first success sets the target and runs the common actions (remove_field, remove_tag); if all
 *   fail, every `tag_on_failure` tag is added.
 *
 * The `date` blocks are read from observability/logstash/logstash.conf itself, so the tests follow
 * the real pipeline.
 */

/** The Java object a field holds after the codec: a Timestamp is not a String. */
export class LsTimestamp {
  constructor(readonly epochMs: number) {}
}

export type LsValue = LsTimestamp | string | number | boolean | null | LsValue[] | { [k: string]: LsValue };

export interface LsEvent {
  fields: Record<string, LsValue>;
  tags: string[];
}

export interface DateFilterConfig {
  source: string;
  formats: string[];
  target: string;
  tagOnFailure: string[];
  removeField: string[];
  removeTag: string[];
}

// java.time's lenient ISO date-time (Timestamp(String)) and Joda's ISO parser accept the same
// shapes for our purposes: a date, optionally T and a time with optional fraction and offset.
const ISO = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

function parseIso(s: string): number | null {
  if (!ISO.test(s)) return null;
  const ms = Date.parse(/[Zz]|[+-]\d{2}:?\d{2}$/.test(s) || !s.includes("T") ? s : `${s}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** The json codec's `new Event(map)`: the event time from "@timestamp", or the receive time. */
export function eventFromJson(doc: Record<string, unknown>, receivedAt: number): LsEvent {
  const fields = { ...(doc as Record<string, LsValue>) };
  const tags: string[] = Array.isArray(doc.tags) ? [...(doc.tags as string[])] : [];
  const provided = doc["@timestamp"];
  if (provided === undefined || provided === null) {
    fields["@timestamp"] = new LsTimestamp(receivedAt);
    return { fields, tags };
  }
  const parsed = typeof provided === "string" ? parseIso(provided) : null;
  if (parsed !== null) {
    fields["@timestamp"] = new LsTimestamp(parsed);
  } else {
    fields["@timestamp"] = new LsTimestamp(receivedAt);
    tags.push("_timestampparsefailure");
    fields["_@timestamp"] = provided as LsValue;
  }
  return { fields, tags };
}

function parseWith(format: string, value: LsValue): number | null {
  if (format === "ISO8601") return typeof value === "string" ? parseIso(value) : null;
  if (format === "UNIX_MS" || format === "UNIX") {
    const n = typeof value === "number" ? value : typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : null;
    if (n === null) return null;
    return format === "UNIX_MS" ? Math.trunc(n) : Math.trunc(n * 1000);
  }
  throw new Error(`the model does not know the date format ${format}`);
}

/** One date filter on one event (mutates it). */
export function applyDate(event: LsEvent, cfg: DateFilterConfig): "success" | "absent" | "fail" {
  const value = event.fields[cfg.source];
  if (value === undefined || value === null) return "absent";
  for (const format of cfg.formats) {
    const ms = parseWith(format, value);
    if (ms !== null) {
      event.fields[cfg.target] = new LsTimestamp(ms);
      for (const f of cfg.removeField) delete event.fields[f];
      event.tags = event.tags.filter((t) => !cfg.removeTag.includes(t));
      return "success";
    }
  }
  for (const t of cfg.tagOnFailure) if (!event.tags.includes(t)) event.tags.push(t);
  return "fail";
}

function stringList(block: string, key: string): string[] {
  const m = new RegExp(`${key}\\s*=>\\s*\\[([^\\]]*)\\]`).exec(block);
  return m ? [...m[1].matchAll(/"([^"]*)"/g)].map((x) => x[1]) : [];
}

/** Every `date { ... }` block of a Logstash pipeline, in order (comments ignored). */
export function dateFilters(conf: string): DateFilterConfig[] {
  const code = conf.replace(/#[^\n]*/g, "");
  const out: DateFilterConfig[] = [];
  for (const m of code.matchAll(/\bdate\s*\{([^{}]*)\}/g)) {
    const block = m[1];
    const [source, ...formats] = stringList(block, "match");
    if (!source || formats.length === 0) throw new Error(`date filter without a usable match: ${block}`);
    const target = /target\s*=>\s*"([^"]*)"/.exec(block)?.[1] ?? "@timestamp";
    const tagOnFailure = /tag_on_failure/.test(block) ? stringList(block, "tag_on_failure") : ["_dateparsefailure"];
    out.push({ source, formats, target, tagOnFailure, removeField: stringList(block, "remove_field"), removeTag: stringList(block, "remove_tag") });
  }
  return out;
}

/** A document through the codec and the pipeline's date filters, as Logstash would index it. */
export function ingest(conf: string, doc: Record<string, unknown>, receivedAt: number): LsEvent {
  const event = eventFromJson(doc, receivedAt);
  for (const cfg of dateFilters(conf)) applyDate(event, cfg);
  return event;
}
