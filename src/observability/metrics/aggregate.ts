/**
 * The aggregate the Metrics object keeps: counters and histograms summed over every report, and
 * gauges summed (or, for the registry's "max" gauges, maxed) over the reporters whose lease has not expired. Renders the Prometheus text
 * exposition format (version 0.0.4). Pure logic, no Workers imports.
 *
 * Gauges and vanishing reporters: a game object reports its own gauge values (games active,
 * sockets open, players connected) under its own source key, as absolute values or as deltas
 * to what it reported before. The exported gauge is the sum over sources. A source that stops
 * reporting (crashed, evicted for good) stops counting when its lease expires, so the sum heals
 * itself instead of drifting forever as a global sum of +1/-1 would. Negative per-source values
 * (a close counted twice) are clamped to 0.
 *
 * Sharding: every Metrics shard keeps one of these for the reporters hashed to it; GET /metrics
 * merges the shards' snapshots (absorb) into a fresh aggregate and renders that. Reporters never
 * span shards while the shard count is unchanged (a reporter's shard is a hash of its source).
 */
import type { GaugeSample, Labels, MetricsReport } from "./batch";
import { seriesKey } from "./batch";
import { MAX_LABEL_VALUE_LENGTH, MAX_OPEN_LABEL_VALUES, METRICS, METRIC_BY_NAME, type MetricDef } from "./registry";

export interface CounterState {
  n: string;
  l: Labels;
  v: number;
}

export interface HistogramState {
  n: string;
  l: Labels;
  /** Per-bucket counts (not cumulative), last is +Inf. */
  b: number[];
  s: number;
  c: number;
}

export interface ReporterState {
  /** Epoch ms after which this source's gauges no longer count. */
  expires: number;
  values: Record<string, GaugeSample>;
}

/** Default gauge lease when a report names none. */
export const DEFAULT_TTL_S = 600;
export const MAX_TTL_S = 3600;
/** Reporters tracked at most; the ones expiring soonest are dropped beyond this. */
export const MAX_REPORTERS = 20_000;

/** Label value escaping per the exposition format. */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabel(labels[k])}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

/** Every combination of a metric's labels when all of them are enumerated (and few). */
function enumeratedCombos(def: MetricDef): Labels[] {
  const names = Object.keys(def.labels);
  let combos: Labels[] = [{}];
  for (const name of names) {
    const values = def.labels[name].values;
    if (values === null) return [];
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
    if (combos.length > 64) return [];
  }
  return combos;
}

/** What a shard hands to the fan-in (plain data, structured-clone friendly). */
export interface AggregateSnapshot {
  counters: CounterState[];
  histograms: HistogramState[];
  reporters: (ReporterState & { source: string })[];
  reportsTotal: number;
  rejectedSamples: number;
}

export class MetricsAggregate {
  readonly counters = new Map<string, CounterState>();
  readonly histograms = new Map<string, HistogramState>();
  readonly reporters = new Map<string, ReporterState>();
  /** Values seen per open label, to bound their number. */
  private openValues = new Map<string, Set<string>>();
  reportsTotal = 0;
  rejectedSamples = 0;
  /** Keys changed since the last persistence (series keys; reporters as "r:" + source). */
  readonly dirty = new Set<string>();

  /** Merges one report. Unknown metrics or labels are counted as rejected, never thrown. */
  apply(report: MetricsReport, now: number): void {
    this.reportsTotal += 1;
    this.dirty.add("meta");
    for (const c of report.counters ?? []) {
      const def = METRIC_BY_NAME.get(c.n);
      const labels = def && def.type === "counter" ? this.cleanLabels(def, c.l) : null;
      if (!def || !labels || !(c.v >= 0) || !Number.isFinite(c.v)) {
        this.rejectedSamples += 1;
        continue;
      }
      const key = seriesKey(c.n, labels);
      const cur = this.counters.get(key);
      if (cur) cur.v += c.v;
      else this.counters.set(key, { n: c.n, l: labels, v: c.v });
      this.dirty.add(key);
    }
    for (const h of report.histograms ?? []) {
      const def = METRIC_BY_NAME.get(h.n);
      const labels = def && def.type === "histogram" ? this.cleanLabels(def, h.l) : null;
      const width = (def?.buckets?.length ?? -1) + 1;
      if (!def || !labels || !Array.isArray(h.b) || h.b.length !== width || h.b.some((x) => !(x >= 0)) || !(h.c >= 0) || !Number.isFinite(h.s)) {
        this.rejectedSamples += 1;
        continue;
      }
      const key = seriesKey(h.n, labels);
      let cur = this.histograms.get(key);
      if (!cur) this.histograms.set(key, (cur = { n: h.n, l: labels, b: new Array<number>(width).fill(0), s: 0, c: 0 }));
      for (let i = 0; i < width; i++) cur.b[i] += h.b[i];
      cur.s += h.s;
      cur.c += h.c;
      this.dirty.add(key);
    }
    const sets = report.gaugeSet ?? [];
    const adds = report.gaugeAdd ?? [];
    if (sets.length || adds.length) {
      const ttl = Math.min(MAX_TTL_S, Math.max(1, report.ttlS ?? DEFAULT_TTL_S));
      let rep = this.reporters.get(report.source);
      if (!rep || rep.expires <= now) rep = { expires: 0, values: {} };
      rep.expires = now + ttl * 1000;
      for (const [list, mode] of [
        [sets, "set"],
        [adds, "add"],
      ] as const) {
        for (const g of list) {
          const def = METRIC_BY_NAME.get(g.n);
          const labels = def && def.type === "gauge" ? this.cleanLabels(def, g.l) : null;
          if (!def || !labels || !Number.isFinite(g.v)) {
            this.rejectedSamples += 1;
            continue;
          }
          const key = seriesKey(g.n, labels);
          const prev = rep.values[key]?.v ?? 0;
          rep.values[key] = { n: g.n, l: labels, v: mode === "set" ? g.v : prev + g.v };
        }
      }
      // A reporter whose gauges are all back to zero holds nothing worth keeping.
      if (Object.values(rep.values).every((g) => g.v === 0)) this.reporters.delete(report.source);
      else this.reporters.set(report.source, rep);
      this.dirty.add(`r:${report.source}`);
      if (this.reporters.size > MAX_REPORTERS) this.evictReporters();
    }
  }

  /** Everything this aggregate holds, reporters with a live lease only. */
  snapshot(now: number): AggregateSnapshot {
    return {
      counters: [...this.counters.values()],
      histograms: [...this.histograms.values()],
      reporters: [...this.reporters.entries()].filter(([, r]) => r.expires > now).map(([source, r]) => ({ source, expires: r.expires, values: r.values })),
      reportsTotal: this.reportsTotal,
      rejectedSamples: this.rejectedSamples,
    };
  }

  /**
   * Adds a shard's snapshot: counters and histograms sum, reporters are taken as they are (a source
   * found in two shards, possible right after the shard count changed, keeps the later lease).
   * Series with a metric or bucket layout this version does not know are skipped.
   */
  absorb(snap: AggregateSnapshot): void {
    this.reportsTotal += snap.reportsTotal;
    this.rejectedSamples += snap.rejectedSamples;
    for (const c of snap.counters) {
      if (METRIC_BY_NAME.get(c.n)?.type !== "counter") continue;
      const key = seriesKey(c.n, c.l);
      const cur = this.counters.get(key);
      if (cur) cur.v += c.v;
      else this.counters.set(key, { n: c.n, l: c.l, v: c.v });
    }
    for (const h of snap.histograms) {
      const def = METRIC_BY_NAME.get(h.n);
      if (def?.type !== "histogram" || h.b.length !== (def.buckets?.length ?? -1) + 1) continue;
      const key = seriesKey(h.n, h.l);
      const cur = this.histograms.get(key);
      if (!cur) this.histograms.set(key, { n: h.n, l: h.l, b: [...h.b], s: h.s, c: h.c });
      else {
        for (let i = 0; i < cur.b.length; i++) cur.b[i] += h.b[i];
        cur.s += h.s;
        cur.c += h.c;
      }
    }
    for (const { source, expires, values } of snap.reporters) {
      const cur = this.reporters.get(source);
      if (!cur || cur.expires < expires) this.reporters.set(source, { expires, values });
    }
  }

  /** Drops reporters whose lease expired; returns their sources (to delete from storage). */
  prune(now: number): string[] {
    const gone: string[] = [];
    for (const [source, rep] of this.reporters) {
      if (rep.expires <= now) {
        this.reporters.delete(source);
        gone.push(source);
      }
    }
    return gone;
  }

  /** The Prometheus text exposition of everything, with zero series for known label sets. */
  render(now: number): string {
    const gauges = new Map<string, GaugeSample>();
    let liveReporters = 0;
    for (const rep of this.reporters.values()) {
      if (rep.expires <= now) continue;
      liveReporters += 1;
      for (const [key, g] of Object.entries(rep.values)) {
        const cur = gauges.get(key);
        const v = Math.max(0, g.v);
        if (cur) cur.v = METRIC_BY_NAME.get(g.n)?.aggregation === "max" ? Math.max(cur.v, v) : cur.v + v;
        else gauges.set(key, { n: g.n, l: g.l, v });
      }
    }
    const out: string[] = [];
    for (const def of METRICS) {
      out.push(`# HELP ${def.name} ${def.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
      out.push(`# TYPE ${def.name} ${def.type}`);
      if (def.name === "pong_metrics_reporters") {
        out.push(`${def.name} ${liveReporters}`);
        continue;
      }
      if (def.name === "pong_metrics_reports_total") {
        out.push(`${def.name} ${this.reportsTotal}`);
        continue;
      }
      if (def.name === "pong_metrics_rejected_samples_total") {
        out.push(`${def.name} ${this.rejectedSamples}`);
        continue;
      }
      const series = new Map<string, { l: Labels; value?: number; h?: HistogramState }>();
      for (const l of enumeratedCombos(def)) series.set(seriesKey(def.name, l), { l });
      if (def.type === "counter") {
        for (const [k, c] of this.counters) if (c.n === def.name) series.set(k, { l: c.l, value: c.v });
      } else if (def.type === "gauge") {
        for (const [k, g] of gauges) if (g.n === def.name) series.set(k, { l: g.l, value: g.v });
      } else {
        for (const [k, h] of this.histograms) if (h.n === def.name) series.set(k, { l: h.l, h });
      }
      const keys = [...series.keys()].sort();
      for (const k of keys) {
        const s = series.get(k)!;
        if (def.type !== "histogram") {
          out.push(`${def.name}${labelText(s.l)} ${formatNumber(s.value ?? 0)}`);
          continue;
        }
        const buckets = def.buckets!;
        const counts = s.h?.b ?? new Array<number>(buckets.length + 1).fill(0);
        let cumulative = 0;
        for (let i = 0; i < buckets.length; i++) {
          cumulative += counts[i];
          out.push(`${def.name}_bucket${labelText(s.l, ["le", formatNumber(buckets[i])])} ${cumulative}`);
        }
        cumulative += counts[buckets.length];
        out.push(`${def.name}_bucket${labelText(s.l, ["le", "+Inf"])} ${cumulative}`);
        out.push(`${def.name}_sum${labelText(s.l)} ${formatNumber(s.h?.s ?? 0)}`);
        out.push(`${def.name}_count${labelText(s.l)} ${s.h?.c ?? 0}`);
      }
    }
    return out.join("\n") + "\n";
  }

  /** Label set as declared: exact names, bounded values; null when the names do not match. */
  private cleanLabels(def: MetricDef, labels: Labels | undefined): Labels | null {
    const given = labels ?? {};
    const names = Object.keys(def.labels);
    if (Object.keys(given).length !== names.length) return null;
    const out: Labels = {};
    for (const name of names) {
      const raw = given[name];
      if (typeof raw !== "string") return null;
      let value = raw.slice(0, MAX_LABEL_VALUE_LENGTH);
      const allowed = def.labels[name].values;
      if (allowed) {
        if (!allowed.includes(value)) value = "other";
      } else {
        const seenKey = `${def.name}\u0000${name}`;
        let seen = this.openValues.get(seenKey);
        if (!seen) this.openValues.set(seenKey, (seen = new Set()));
        if (!seen.has(value)) {
          if (seen.size >= MAX_OPEN_LABEL_VALUES) value = "other";
          else seen.add(value);
        }
      }
      out[name] = value;
    }
    return out;
  }

  /** Rebuilds the open-label bookkeeping after loading persisted series. */
  noteLoadedLabels(def: MetricDef, labels: Labels): void {
    for (const [name, spec] of Object.entries(def.labels)) {
      if (spec.values !== null) continue;
      const seenKey = `${def.name}\u0000${name}`;
      let seen = this.openValues.get(seenKey);
      if (!seen) this.openValues.set(seenKey, (seen = new Set()));
      if (labels[name] !== undefined) seen.add(labels[name]);
    }
  }

  private evictReporters(): void {
    const sorted = [...this.reporters.entries()].sort((a, b) => a[1].expires - b[1].expires);
    for (const [source] of sorted.slice(0, this.reporters.size - MAX_REPORTERS)) {
      this.reporters.delete(source);
      this.dirty.add(`r:${source}`);
    }
  }
}
