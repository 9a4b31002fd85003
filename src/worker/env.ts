import type { GameEnv } from "../objects/env";
import type { RateLimiter } from "../objects/rate-limiter";
import type { LogShipper } from "../objects/log-shipper/log-shipper";
import type { Metrics } from "../objects/metrics/metrics-object";
import type { ObservabilityEnv } from "../objects/metrics/env";

/** Bindings and variables the Worker and its Durable Objects receive (see wrangler.toml). */
export interface Env extends GameEnv, ObservabilityEnv {
  /** Aggregates the metrics objects report; rendered by GET /metrics (src/objects/metrics/). */
  METRICS: DurableObjectNamespace<Metrics>;
  /** Buffers log events for Logstash (src/objects/log-shipper/); LOGSTASH_* vars in ObservabilityEnv. */
  LOG_SHIPPER: DurableObjectNamespace<LogShipper>;
  ASSETS: Fetcher;
  /** Extra origins (comma-separated) allowed to open game WebSockets besides the app's own. */
  ALLOWED_ORIGINS?: string;
  /** "production" (or anything else) | "development" | "test". Only development/test relax secret checks. */
  APP_ENV: string;
  /** Accounts, matches, tournaments (src/worker/db/schema.ts). */
  DB: D1Database;
  /** Login/registration rate limiting: one SQLite-backed object per key (idFromName). */
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  /**
   * HS256 key for session JWTs, at least 32 characters. A secret (`wrangler secret put`), never
   * a [vars] entry. Optional only when APP_ENV is "development"/"test" (see src/worker/auth/secret.ts).
   */
  JWT_SECRET?: string;
  /** Bearer token for /metrics (used by the observability work). */
  METRICS_TOKEN?: string;
  /** Login attempts allowed per window, per client IP and per username (default 10). */
  LOGIN_RATE_LIMIT?: string;
  /** Login rate-limit window in seconds (default 60; fractions allowed). */
  LOGIN_RATE_WINDOW_S?: string;
  /** Registrations allowed per window per client IP (default 30). */
  REGISTER_RATE_LIMIT?: string;
  /** Registration rate-limit window in seconds (default 3600). */
  REGISTER_RATE_WINDOW_S?: string;
}
