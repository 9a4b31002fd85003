/**
 * What reporting code sends to the Metrics object: increments accumulated since the last report
 * (counters, histogram bucket counts) and this reporter's gauge values. One report is one RPC, so
 * reporters aggregate in memory and send rarely (see reporter.ts). Pure data, no Workers imports.
 */
import { METRIC_BY_NAME } from "./registry";

export type Labels = Record<string, string>;

export interface CounterSample {
  n: string;
  l: Labels;
  v: number;
}

export interface HistogramSample {
  n: string;
  l: Labels;
  /** Per-bucket counts, NOT cumulative; length = buckets.length + 1 (the last one is +Inf). */
  b: number[];
  /** Sum of observed values. */
  s: number;
  /** Number of observations. */
  c: number;
}

export interface GaugeSample {
  n: string;
  l: Labels;
  v: number;
}

export interface MetricsReport {
  /**
   * Who reports: gauge values are kept per source ("game:ABCD2345", "log-shipper:0"), so the
   * aggregate is the sum of each live reporter's own value. Counter-only reporters may use any name.
   */
  source: string;
  /** Gauge lease: the source's gauge values count until this many seconds after the report. */
  ttlS?: number;
  counters?: CounterSample[];
  histograms?: HistogramSample[];
  /** Absolute values of the source's gauges (replace what the source reported before). */
  gaugeSet?: GaugeSample[];
  /** Changes to the source's gauges (added to what the source reported before). */
  gaugeAdd?: GaugeSample[];
}

/** Stable key of one series: name plus sorted labels. */
export function seriesKey(name: string, labels: Labels): string {
  const keys = Object.keys(labels).sort();
  let k = name;
  for (const key of keys) k += `\u0000${key}=${labels[key]}`;
  return k;
}

/** Index of the bucket a value falls in (the last index is +Inf). */
export function bucketIndex(buckets: readonly number[], value: number): number {
  for (let i = 0; i < buckets.length; i++) if (value <= buckets[i]) return i;
  return buckets.length;
}

/**
 * An in-memory accumulator for one reporter. Cheap enough for per-request use; the game loop's
 * hot path uses the specialised SessionMetrics instead and converts into one of these at flush.
 */
export class MetricsBatch {
  private counters = new Map<string, CounterSample>();
  private histograms = new Map<string, HistogramSample>();
  private sets = new Map<string, GaugeSample>();
  private adds = new Map<string, GaugeSample>();

  get empty(): boolean {
    return this.counters.size === 0 && this.histograms.size === 0 && this.sets.size === 0 && this.adds.size === 0;
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    if (!(by > 0)) return;
    const key = seriesKey(name, labels);
    const cur = this.counters.get(key);
    if (cur) cur.v += by;
    else this.counters.set(key, { n: name, l: { ...labels }, v: by });
  }

  observe(name: string, labels: Labels, value: number): void {
    const def = METRIC_BY_NAME.get(name);
    if (!def || def.type !== "histogram" || !def.buckets || !Number.isFinite(value)) return;
    const h = this.histogramFor(name, labels, def.buckets.length + 1);
    h.b[bucketIndex(def.buckets, value)] += 1;
    h.s += value;
    h.c += 1;
  }

  /** Adds pre-bucketed observations (per-bucket counts, not cumulative). */
  addHistogram(name: string, labels: Labels, buckets: ArrayLike<number>, sum: number, count: number): void {
    if (count <= 0) return;
    const h = this.histogramFor(name, labels, buckets.length);
    for (let i = 0; i < buckets.length; i++) h.b[i] += buckets[i];
    h.s += sum;
    h.c += count;
  }

  setGauge(name: string, labels: Labels, value: number): void {
    const key = seriesKey(name, labels);
    this.adds.delete(key);
    this.sets.set(key, { n: name, l: { ...labels }, v: value });
  }

  addGauge(name: string, labels: Labels, delta: number): void {
    if (delta === 0) return;
    const key = seriesKey(name, labels);
    const set = this.sets.get(key);
    if (set) {
      set.v += delta;
      return;
    }
    const cur = this.adds.get(key);
    if (cur) cur.v += delta;
    else this.adds.set(key, { n: name, l: { ...labels }, v: delta });
  }

  /** Everything accumulated, as a report; the batch is empty afterwards. */
  take(source: string, ttlS?: number): MetricsReport {
    const report: MetricsReport = { source };
    if (ttlS !== undefined) report.ttlS = ttlS;
    if (this.counters.size) report.counters = [...this.counters.values()];
    if (this.histograms.size) report.histograms = [...this.histograms.values()];
    if (this.sets.size) report.gaugeSet = [...this.sets.values()];
    if (this.adds.size) report.gaugeAdd = [...this.adds.values()];
    this.counters = new Map();
    this.histograms = new Map();
    this.sets = new Map();
    this.adds = new Map();
    return report;
  }

  /**
   * Puts back a report that could not be delivered, under anything accumulated since (counts
   * add up; a newer absolute gauge value wins over the old one).
   */
  restore(report: MetricsReport): void {
    for (const c of report.counters ?? []) this.inc(c.n, c.l, c.v);
    for (const h of report.histograms ?? []) this.addHistogram(h.n, h.l, h.b, h.s, h.c);
    for (const g of report.gaugeSet ?? []) {
      const key = seriesKey(g.n, g.l);
      if (this.sets.has(key)) continue;
      const delta = this.adds.get(key);
      this.adds.delete(key);
      this.sets.set(key, { n: g.n, l: { ...g.l }, v: g.v + (delta?.v ?? 0) });
    }
    for (const g of report.gaugeAdd ?? []) this.addGauge(g.n, g.l, g.v);
  }

  private histogramFor(name: string, labels: Labels, width: number): HistogramSample {
    const key = seriesKey(name, labels);
    let h = this.histograms.get(key);
    if (!h) {
      h = { n: name, l: { ...labels }, b: new Array<number>(width).fill(0), s: 0, c: 0 };
      this.histograms.set(key, h);
    }
    return h;
  }
}
