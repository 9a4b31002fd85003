/**
 * LogShipper: the durable buffer between the game's log events and Logstash's `http` input.
 *
 *   logEvent() -> per-isolate outbox (outbox.ts) -> RPC ingest() -> SQLite buffer -> alarm ->
 *   POST LOGSTASH_URL (JSON array, basic auth) -> Logstash -> Elasticsearch data stream
 *
 * - Batching: a POST carries up to LOG_BATCH_SIZE events; it is sent as soon as a full batch is
 *   buffered, or when the oldest buffered event is LOG_BATCH_MAX_AGE_MS old.
 * - Retry: network errors, timeouts, 5xx, 429, 408, 401 and 403 keep the batch and retry it with
 *   exponential backoff (LOG_RETRY_BASE_MS doubling up to LOG_RETRY_MAX_MS, +/-20 % jitter).
 *   Other 4xx answers mean Logstash will never take the batch: it is dropped and counted as
 *   rejected (a poison batch must not block everything behind it).
 * - Bounded: at most LOG_BUFFER_MAX events are buffered; beyond, the oldest are dropped and
 *   counted (pong_log_forwarder_events_total{outcome="dropped"}).
 * - Off the game path: game objects never await this object (the outbox calls it from a
 *   microtask), and only this object holds timers (its alarm). It is a separate object, so its
 *   alarms never keep a game awake.
 *
 * Its own diagnostics go to the console only (logLocal), never back into the buffer.
 */
import { NON_AUDIT_SQL } from "../../observability/audit";
import { DurableObject } from "cloudflare:workers";
import { logLocal, type LogLine } from "../../observability/log";
import { MetricsBatch } from "../../observability/metrics/batch";
import { sendMetrics } from "../../observability/metrics/client";
import type { ObservabilityEnv } from "../../observability/env";

export interface ShipperConfig {
  url: string | null;
  user: string;
  password: string;
  batchSize: number;
  maxAgeMs: number;
  bufferMax: number;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
}

export interface ShipperStats {
  buffered: number;
  attempts: number;
  backoffUntil: number | null;
  alarmAt: number | null;
  sent: number;
  dropped: number;
  rejected: number;
  batchesSent: number;
  batchesFailed: number;
  batchesRejected: number;
}

function intVar(raw: string | undefined, fallback: number, min: number, max: number): number {
  const n = raw === undefined || raw.trim() === "" ? NaN : Number(raw);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.floor(n))) : fallback;
}

export function shipperConfig(env: ObservabilityEnv): ShipperConfig {
  const url = env.LOGSTASH_URL?.trim() ? env.LOGSTASH_URL.trim() : null;
  return {
    url,
    user: env.LOGSTASH_USER ?? "",
    password: env.LOGSTASH_PASSWORD ?? "",
    batchSize: intVar(env.LOG_BATCH_SIZE, 100, 1, 1_000),
    maxAgeMs: intVar(env.LOG_BATCH_MAX_AGE_MS, 5_000, 10, 600_000),
    bufferMax: intVar(env.LOG_BUFFER_MAX, 10_000, 1, 100_000),
    retryBaseMs: intVar(env.LOG_RETRY_BASE_MS, 1_000, 10, 600_000),
    retryMaxMs: intVar(env.LOG_RETRY_MAX_MS, 300_000, 10, 3_600_000),
    timeoutMs: intVar(env.LOG_REQUEST_TIMEOUT_MS, 10_000, 100, 60_000),
  };
}

/** Status codes worth retrying: the batch is fine, the receiver is not (yet). */
export function retryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408 || status === 401 || status === 403;
}

/** Backoff before attempt `attempt + 1` (attempt >= 1), with +/-20 % jitter. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.min(30, attempt - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

function base64(text: string): string {
  let bin = "";
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Where a URL points, without user-info, path or query (for logs). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "invalid-url";
  }
}

/** At most this many POSTs per alarm run (the rest follow in the next run, at once). */
const MAX_BATCHES_PER_RUN = 20;
/** Biggest POST body; a batch is cut short when it would be larger. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const METRICS_EVERY_MS = 5_000;

export class LogShipper extends DurableObject<ObservabilityEnv> {
  private readonly sql: SqlStorage;
  private buffered = 0;
  private oldestTs: number | null = null;
  private attempts = 0;
  private backoffUntil: number | null = null;
  private alarmAt: number | null = null;
  private totals = { sent: 0, dropped: 0, rejected: 0, batchesSent: 0, batchesFailed: 0, batchesRejected: 0 };
  private metrics = new MetricsBatch();
  private lastMetricsAt = 0;
  private delivering = false;

  constructor(ctx: DurableObjectState, env: ObservabilityEnv) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      this.sql.exec("CREATE TABLE IF NOT EXISTS buffer (id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, doc TEXT NOT NULL)");
      this.sql.exec("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER)");
      const row = this.sql.exec<{ n: number; oldest: number | null }>("SELECT COUNT(*) AS n, MIN(ts) AS oldest FROM buffer").one();
      this.buffered = row.n;
      this.oldestTs = row.oldest;
      for (const m of this.sql.exec<{ k: string; v: number }>("SELECT k, v FROM meta")) {
        if (m.k === "attempts") this.attempts = m.v;
        if (m.k === "backoffUntil") this.backoffUntil = m.v;
      }
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  /**
   * Buffers log lines (from the outboxes). `droppedAtSource`: lines an outbox had to drop.
   * Returns how many were buffered and how many old ones were dropped to make room.
   */
  async ingest(lines: LogLine[], droppedAtSource = 0): Promise<{ accepted: number; dropped: number }> {
    const cfg = shipperConfig(this.env);
    const now = Date.now();
    let accepted = 0;
    for (const line of Array.isArray(lines) ? lines : []) {
      if (!line || typeof line !== "object") continue;
      const ts = Date.parse(String(line["@timestamp"] ?? "")) || now;
      this.sql.exec("INSERT INTO buffer (ts, doc) VALUES (?, ?)", ts, JSON.stringify(line));
      accepted += 1;
      this.buffered += 1;
      this.oldestTs = this.oldestTs === null ? ts : Math.min(this.oldestTs, ts);
    }
    let dropped = Math.max(0, Math.floor(droppedAtSource) || 0);
    const over = this.buffered - cfg.bufferMax;
    if (over > 0) {
      // Oldest non-audit events first; audit events only when nothing else is left (observability/audit.ts).
      this.sql.exec(`DELETE FROM buffer WHERE id IN (SELECT id FROM buffer WHERE ${NON_AUDIT_SQL} ORDER BY id LIMIT ?)`, over);
      const cut = this.buffered - this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM buffer").one().n;
      if (cut < over) this.sql.exec("DELETE FROM buffer WHERE id IN (SELECT id FROM buffer ORDER BY id LIMIT ?)", over - cut);
      this.buffered -= over;
      dropped += over;
      this.refreshOldest();
    }
    if (dropped > 0) {
      this.totals.dropped += dropped;
      this.metrics.inc("pong_log_forwarder_events_total", { outcome: "dropped" }, dropped);
    }
    await this.schedule(now, cfg);
    if (dropped > 0 || now - this.lastMetricsAt >= METRICS_EVERY_MS) this.reportMetrics(now);
    return { accepted, dropped: over > 0 ? over : 0 };
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    await this.deliver();
  }

  /** Tests and operators: the buffer's state. */
  async stats(): Promise<ShipperStats> {
    return {
      buffered: this.buffered,
      attempts: this.attempts,
      backoffUntil: this.backoffUntil,
      alarmAt: this.alarmAt,
      ...this.totals,
    };
  }

  /** Tests: run a delivery pass now (as the alarm would), ignoring a pending backoff when `force`. */
  async flushNow(force = false): Promise<ShipperStats> {
    if (force) this.setBackoff(null);
    await this.deliver();
    return this.stats();
  }

  // ---------------------------------------------------------------- delivery

  private async deliver(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      const cfg = shipperConfig(this.env);
      let now = Date.now();
      if (!cfg.url) {
        // Forwarding switched off with events still buffered: keep them (bounded) until it is back.
        return;
      }
      if (this.backoffUntil !== null && this.backoffUntil > now) {
        await this.schedule(now, cfg);
        return;
      }
      for (let run = 0; run < MAX_BATCHES_PER_RUN && this.buffered > 0; run++) {
        now = Date.now();
        const due = this.buffered >= cfg.batchSize || (this.oldestTs !== null && now - this.oldestTs >= cfg.maxAgeMs);
        if (!due) break;
        const rows = this.sql
          .exec<{ id: number; doc: string }>("SELECT id, doc FROM buffer ORDER BY id LIMIT ?", cfg.batchSize)
          .toArray();
        if (rows.length === 0) break;
        let bytes = 2;
        let take = 0;
        while (take < rows.length && (take === 0 || bytes + rows[take].doc.length + 1 <= MAX_BODY_BYTES)) {
          bytes += rows[take].doc.length + 1;
          take += 1;
        }
        const batch = rows.slice(0, take);
        const outcome = await this.post(cfg, `[${batch.map((r) => r.doc).join(",")}]`);
        const lastId = batch[batch.length - 1].id;
        if (outcome === "sent" || outcome === "rejected") {
          this.sql.exec("DELETE FROM buffer WHERE id <= ?", lastId);
          this.buffered = Math.max(0, this.buffered - batch.length);
          this.refreshOldest();
          this.setAttempts(0);
          this.setBackoff(null);
          if (outcome === "sent") {
            this.totals.sent += batch.length;
            this.totals.batchesSent += 1;
            this.metrics.inc("pong_log_forwarder_batches_total", { outcome: "sent" });
            this.metrics.inc("pong_log_forwarder_events_total", { outcome: "sent" }, batch.length);
          } else {
            this.totals.rejected += batch.length;
            this.totals.batchesRejected += 1;
            this.metrics.inc("pong_log_forwarder_batches_total", { outcome: "rejected" });
            this.metrics.inc("pong_log_forwarder_events_total", { outcome: "rejected" }, batch.length);
          }
          continue;
        }
        // Failed: keep the batch, back off.
        this.totals.batchesFailed += 1;
        this.metrics.inc("pong_log_forwarder_batches_total", { outcome: "failed" });
        this.setAttempts(this.attempts + 1);
        this.setBackoff(Date.now() + backoffMs(this.attempts, cfg.retryBaseMs, cfg.retryMaxMs));
        break;
      }
      await this.schedule(Date.now(), cfg);
      this.reportMetrics(Date.now());
    } finally {
      this.delivering = false;
    }
  }

  /** One POST. "sent" (2xx), "failed" (retry later) or "rejected" (never acceptable). */
  private async post(cfg: ShipperConfig, body: string): Promise<"sent" | "failed" | "rejected"> {
    let url: URL;
    try {
      url = new URL(cfg.url!);
    } catch {
      logLocal("error", "log_forwarder.bad_url", { message: "LOGSTASH_URL is not a URL" });
      return "failed";
    }
    // Credentials in the URL would end up in logs and proxies: move them to the header.
    let user = cfg.user;
    let password = cfg.password;
    if (url.username || url.password) {
      user ||= decodeURIComponent(url.username);
      password ||= decodeURIComponent(url.password);
      url.username = "";
      url.password = "";
    }
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (user || password) headers.Authorization = `Basic ${base64(`${user}:${password}`)}`;
    try {
      const res = await fetch(url.toString(), { method: "POST", headers, body, signal: AbortSignal.timeout(cfg.timeoutMs) });
      // Drain the body so the connection can be reused.
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return "sent";
      if (retryable(res.status)) {
        logLocal("warn", "log_forwarder.post_failed", { status: res.status, message: `Logstash at ${hostOf(url.toString())} answered ${res.status}`, attempt: this.attempts + 1 });
        return "failed";
      }
      logLocal("error", "log_forwarder.batch_rejected", { status: res.status, message: `Logstash at ${hostOf(url.toString())} refused a batch with ${res.status}; dropped` });
      return "rejected";
    } catch (err) {
      logLocal("warn", "log_forwarder.post_failed", { message: `Logstash at ${hostOf(url.toString())} unreachable`, attempt: this.attempts + 1, error: err });
      return "failed";
    }
  }

  // ---------------------------------------------------------------- scheduling and bookkeeping

  /** Arms the alarm for the next delivery: backoff end, now (full batch), or the oldest's deadline. */
  private async schedule(now: number, cfg: ShipperConfig): Promise<void> {
    let at: number | null = null;
    if (this.buffered > 0 && cfg.url) {
      if (this.backoffUntil !== null && this.backoffUntil > now) at = this.backoffUntil;
      else if (this.buffered >= cfg.batchSize) at = now;
      else at = Math.max(now, (this.oldestTs ?? now) + cfg.maxAgeMs);
    }
    if (at === null) {
      if (this.alarmAt !== null) {
        await this.ctx.storage.deleteAlarm();
        this.alarmAt = null;
      }
      return;
    }
    // During a backoff nothing pulls the next attempt earlier; otherwise the earliest need wins.
    const inBackoff = this.backoffUntil !== null && this.backoffUntil > now;
    if (this.alarmAt !== null && !inBackoff && this.alarmAt <= at && this.alarmAt >= now) return;
    if (this.alarmAt === at) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  private refreshOldest(): void {
    this.oldestTs = this.buffered > 0 ? (this.sql.exec<{ ts: number | null }>("SELECT MIN(ts) AS ts FROM buffer").one().ts ?? null) : null;
  }

  private setAttempts(n: number): void {
    if (this.attempts === n) return;
    this.attempts = n;
    this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('attempts', ?)", n);
  }

  private setBackoff(until: number | null): void {
    if (this.backoffUntil === until) return;
    this.backoffUntil = until;
    if (until === null) this.sql.exec("DELETE FROM meta WHERE k = 'backoffUntil'");
    else this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('backoffUntil', ?)", until);
  }

  private reportMetrics(now: number): void {
    this.lastMetricsAt = now;
    this.metrics.setGauge("pong_log_forwarder_buffered_events", {}, this.buffered);
    this.metrics.setGauge("pong_log_forwarder_retry_attempt", {}, this.attempts);
    // Forwarding lag: how long the oldest unsent event has waited since it was logged (outbox included).
    this.metrics.setGauge("pong_log_forwarder_oldest_event_age_seconds", {}, this.oldestTs === null ? 0 : Math.max(0, now - this.oldestTs) / 1000);
    // One gauge source per shipper instance (production has one, "log-shipper-0").
    const report = this.metrics.take(`log-shipper:${this.ctx.id.name ?? this.ctx.id.toString().slice(0, 16)}`, 900);
    void sendMetrics(this.env, report).then((ok) => {
      if (!ok) this.metrics.restore(report);
    });
  }
}
