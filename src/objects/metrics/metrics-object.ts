/**
 * Metrics: one shard (named "metrics-<i>", i < METRICS_SHARDS) of the aggregate that game objects,
 * the Worker and the log forwarder report to, in batches, over RPC. A reporter's shard is a hash of
 * its source id (src/observability/metrics/client.ts); `GET /metrics` merges every shard's
 * snapshot (src/observability/metrics/fan-in.ts).
 *
 * Reports are merged in memory; the aggregate is persisted to SQLite at most every PERSIST_MS
 * (alarm-debounced, only the series that changed), so a restart loses at most a few seconds of
 * increments. This object is not on any game's path: reporters never await it on a tick.
 */
import { DurableObject } from "cloudflare:workers";
import type { MetricsReport } from "../../observability/metrics/batch";
import { MetricsAggregate, type AggregateSnapshot, type CounterState, type HistogramState, type ReporterState } from "../../observability/metrics/aggregate";
import { METRIC_BY_NAME } from "../../observability/metrics/registry";

const PERSIST_MS = 5_000;

export class Metrics extends DurableObject {
  private agg = new MetricsAggregate();
  private alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    ctx.blockConcurrencyWhile(async () => {
      this.load();
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  /** One batch from one reporter. Never throws on bad samples (they are counted and dropped). */
  async report(report: MetricsReport): Promise<void> {
    if (!report || typeof report !== "object" || typeof report.source !== "string") {
      this.agg.rejectedSamples += 1;
      return;
    }
    this.agg.apply(report, Date.now());
    await this.schedulePersist();
  }

  /** Several batches at once (the Worker's reporter may hold more than one after failures). */
  async reportMany(reports: MetricsReport[]): Promise<void> {
    for (const r of reports) await this.report(r);
  }

  /** This shard's aggregate, for the fan-in of GET /metrics (expired reporters pruned first). */
  async snapshot(): Promise<AggregateSnapshot> {
    const now = Date.now();
    const gone = this.agg.prune(now);
    if (gone.length) {
      for (const source of gone) this.agg.dirty.add(`r:${source}`);
      await this.schedulePersist();
    }
    return this.agg.snapshot(now);
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    for (const source of this.agg.prune(Date.now())) this.agg.dirty.add(`r:${source}`);
    this.persist();
  }

  // ---------------------------------------------------------------- storage

  private sql(): SqlStorage {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS series (key TEXT PRIMARY KEY, kind TEXT NOT NULL, data TEXT NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS reporters (source TEXT PRIMARY KEY, expires INTEGER NOT NULL, data TEXT NOT NULL)");
    return sql;
  }

  private load(): void {
    const sql = this.sql();
    for (const row of sql.exec<{ key: string; kind: string; data: string }>("SELECT key, kind, data FROM series")) {
      try {
        if (row.kind === "meta") {
          const meta = JSON.parse(row.data) as { reports: number; rejected: number };
          this.agg.reportsTotal = meta.reports;
          this.agg.rejectedSamples = meta.rejected;
        } else if (row.kind === "counter") {
          const c = JSON.parse(row.data) as CounterState;
          const def = METRIC_BY_NAME.get(c.n);
          if (!def) continue;
          this.agg.counters.set(row.key, c);
          this.agg.noteLoadedLabels(def, c.l);
        } else if (row.kind === "histogram") {
          const h = JSON.parse(row.data) as HistogramState;
          const def = METRIC_BY_NAME.get(h.n);
          // A bucket layout changed by a deploy: the old counts cannot be mapped, start over.
          if (!def || !def.buckets || h.b.length !== def.buckets.length + 1) continue;
          this.agg.histograms.set(row.key, h);
          this.agg.noteLoadedLabels(def, h.l);
        }
      } catch {
        // A row this version cannot read is skipped.
      }
    }
    const now = Date.now();
    for (const row of sql.exec<{ source: string; expires: number; data: string }>("SELECT source, expires, data FROM reporters")) {
      if (row.expires <= now) continue;
      try {
        this.agg.reporters.set(row.source, { expires: row.expires, values: JSON.parse(row.data) as ReporterState["values"] });
      } catch {
        // skipped
      }
    }
  }

  private async schedulePersist(): Promise<void> {
    if (this.agg.dirty.size === 0 || this.alarmAt !== null) return;
    this.alarmAt = Date.now() + PERSIST_MS;
    await this.ctx.storage.setAlarm(this.alarmAt);
  }

  private persist(): void {
    const sql = this.sql();
    for (const key of this.agg.dirty) {
      if (key === "meta") {
        sql.exec(
          "INSERT OR REPLACE INTO series (key, kind, data) VALUES (?, 'meta', ?)",
          "meta",
          JSON.stringify({ reports: this.agg.reportsTotal, rejected: this.agg.rejectedSamples }),
        );
      } else if (key.startsWith("r:")) {
        const source = key.slice(2);
        const rep = this.agg.reporters.get(source);
        if (rep) sql.exec("INSERT OR REPLACE INTO reporters (source, expires, data) VALUES (?, ?, ?)", source, rep.expires, JSON.stringify(rep.values));
        else sql.exec("DELETE FROM reporters WHERE source = ?", source);
      } else if (this.agg.counters.has(key)) {
        sql.exec("INSERT OR REPLACE INTO series (key, kind, data) VALUES (?, 'counter', ?)", key, JSON.stringify(this.agg.counters.get(key)));
      } else if (this.agg.histograms.has(key)) {
        sql.exec("INSERT OR REPLACE INTO series (key, kind, data) VALUES (?, 'histogram', ?)", key, JSON.stringify(this.agg.histograms.get(key)));
      }
    }
    this.agg.dirty.clear();
  }
}
