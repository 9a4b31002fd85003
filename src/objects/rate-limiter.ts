/**
 * RateLimiter: a sliding-window counter shared by every Worker instance. One object per key
 * (`env.RATE_LIMITER.idFromName("login:ip:203.0.113.7")`), SQLite-backed, called over RPC:
 *
 *   const r = await env.RATE_LIMITER.get(id).hit(limit, windowMs);
 *   if (!r.allowed) -> 429, Retry-After = ceil(r.retryAfterMs / 1000)
 *
 * A hit is allowed when fewer than `limit` hits were recorded in the last `windowMs`; allowed
 * hits are recorded, refused ones are not (a locked-out client regains access one window after
 * its oldest counted attempt, however often it keeps trying). An alarm deletes the object's
 * storage once a full window has passed without hits, so idle keys cost nothing.
 */
import { DurableObject } from "cloudflare:workers";

export interface RateLimitResult {
  allowed: boolean;
  /** Hits still allowed in the current window after this one. */
  remaining: number;
  /** 0 when allowed; otherwise how long until the next hit would be allowed. */
  retryAfterMs: number;
}

/** Hard cap on `limit`, which bounds the rows one object stores. */
const MAX_LIMIT = 10_000;
const DAY_MS = 86_400_000;

const clamp = (v: number, lo: number, hi: number) => (Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : lo);

export class RateLimiter extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private tableReady = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
  }

  /**
   * Counts one attempt. `now` defaults to the clock; tests pass their own timestamps to step
   * through windows without waiting.
   */
  async hit(limit: number, windowMs: number, now: number = Date.now()): Promise<RateLimitResult> {
    const w = this.window(limit, windowMs, now);
    if (w.blocked) return w.blocked;
    this.sql.exec("INSERT INTO hits (ts) VALUES (?)", w.now);
    await this.ctx.storage.setAlarm(Math.max(w.now, Date.now()) + w.windowMs);
    return { allowed: true, remaining: w.cap - w.count - 1, retryAfterMs: 0 };
  }

  /**
   * Would a hit be allowed now? Counts nothing: callers that only count failures (wrong passwords)
   * check first, then hit() when the attempt failed.
   */
  async peek(limit: number, windowMs: number, now: number = Date.now()): Promise<RateLimitResult> {
    const w = this.window(limit, windowMs, now);
    return w.blocked ?? { allowed: true, remaining: w.cap - w.count, retryAfterMs: 0 };
  }

  /**
   * The window as it stands: expired hits dropped, the live ones counted, and the refusal when the
   * cap is reached. Out-of-range arguments are clamped rather than thrown (a throw here would
   * surface as an uncaught exception inside the object): limit 1..MAX_LIMIT, window 1 ms..1 day.
   */
  private window(limit: number, windowMs: number, now: number) {
    const cap = clamp(Math.floor(limit), 1, MAX_LIMIT);
    windowMs = clamp(windowMs, 1, DAY_MS);
    if (!Number.isFinite(now)) now = Date.now();
    if (!this.tableReady) {
      this.sql.exec("CREATE TABLE IF NOT EXISTS hits (ts INTEGER NOT NULL)");
      this.tableReady = true;
    }
    this.sql.exec("DELETE FROM hits WHERE ts <= ?", now - windowMs);
    const count = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM hits").one().n;
    let blocked: RateLimitResult | null = null;
    if (count >= cap) {
      // The (count - cap + 1)-th oldest hit has to leave the window before a new one fits.
      const unblock = this.sql.exec<{ ts: number }>("SELECT ts FROM hits ORDER BY ts ASC LIMIT 1 OFFSET ?", count - cap).one().ts;
      blocked = { allowed: false, remaining: 0, retryAfterMs: Math.max(1, unblock + windowMs - now) };
    }
    return { cap, windowMs, now, count, blocked };
  }

  /** Fires a window after the latest hit: nothing in storage still counts, so drop it all. */
  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
    this.tableReady = false; // deleteAll() also drops the table
  }
}
