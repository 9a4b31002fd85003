import type { LogLine } from "./log";
import type { MetricsReport } from "./metrics/batch";
import type { AggregateSnapshot } from "./metrics/aggregate";

/**
 * A Durable Object namespace seen only through what this library calls on it. Structural on
 * purpose: src/observability sits below src/objects and may not import the object classes; the
 * generated Env (worker-configuration.d.ts) types METRICS / LOG_SHIPPER with the real classes, and
 * those namespaces satisfy these interfaces.
 */
export interface NamedObjects<Stub> {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): Stub;
}

/** What the Metrics object (src/objects/metrics/metrics-object.ts) answers over RPC. */
export interface MetricsSink {
  report(report: MetricsReport): Promise<void>;
  snapshot(): Promise<AggregateSnapshot>;
}

/** What the LogShipper object (src/objects/log-shipper/log-shipper.ts) answers over RPC. */
export interface LogSink {
  ingest(lines: LogLine[], droppedAtSource?: number): Promise<unknown>;
}

/**
 * Bindings and variables of the observability code (wrangler.toml, .dev.vars); a structural slice
 * of the generated Env. All optional in the type: code that finds a binding missing does nothing
 * (e.g. a test environment without it).
 */
export interface ObservabilityEnv {
  /** The Metrics shards ("metrics-<i>", i < METRICS_SHARDS). */
  METRICS?: NamedObjects<MetricsSink>;
  /** The log forwarder's buffer shards ("log-shipper-<i>", i < LOG_SHARDS). */
  LOG_SHIPPER?: NamedObjects<LogSink>;
  /** Number of Metrics shards (default 8). */
  METRICS_SHARDS?: string;
  /** Number of LogShipper shards (default 4). */
  LOG_SHARDS?: string;
  /** Bearer token for GET /metrics (a secret). */
  METRICS_TOKEN?: string;
  /** Logstash `http` input, e.g. https://logs.example.com:8080/ (empty: forwarding off). */
  LOGSTASH_URL?: string;
  /** Basic-auth user for LOGSTASH_URL (a secret in production). */
  LOGSTASH_USER?: string;
  /** Basic-auth password for LOGSTASH_URL (a secret). */
  LOGSTASH_PASSWORD?: string;
  /** "off" disables forwarding even when LOGSTASH_URL is set. */
  LOG_FORWARDING?: string;
  /** Events per POST (default 100). */
  LOG_BATCH_SIZE?: string;
  /** Oldest buffered event's age that triggers a partial batch, ms (default 5000). */
  LOG_BATCH_MAX_AGE_MS?: string;
  /** Events buffered at most; beyond, the oldest are dropped and counted (default 10000). */
  LOG_BUFFER_MAX?: string;
  /** First retry delay after a failed POST, ms (default 1000); doubles per failure. */
  LOG_RETRY_BASE_MS?: string;
  /** Longest retry delay, ms (default 300000). */
  LOG_RETRY_MAX_MS?: string;
  /** Per-POST timeout, ms (default 10000). */
  LOG_REQUEST_TIMEOUT_MS?: string;
}
