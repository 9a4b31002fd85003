/**
 * The Worker isolate's metrics: HTTP requests, logins/registrations, refused WebSocket upgrades.
 * Counted in memory per isolate and sent to the Metrics object at the end of a request (kept
 * alive with waitUntil, never delaying the response) when FLUSH_MS passed since the last report
 * or MAX_PENDING requests accumulated. GET /metrics flushes its own isolate first, so a single
 * `wrangler dev` isolate is always current; in production another isolate's last few seconds
 * arrive with its next request.
 */
import { MetricsBatch } from "../../observability/metrics/batch";
import { sendMetrics } from "../../observability/metrics/client";
import type { ObservabilityEnv } from "../../observability/env";
import { HTTP_METHODS, LOGIN_OUTCOMES, REGISTER_OUTCOMES, WS_KINDS, WS_REJECT_REASONS } from "../../observability/metrics/registry";

export const FLUSH_MS = 2_000;
export const MAX_PENDING = 100;

const batch = new MetricsBatch();
let pendingEvents = 0;
let lastFlush = 0;
let inflight: Promise<void> | null = null;
let source: string | null = null;

function sourceName(): string {
  // Random values cannot be made at module load in Workers: named on first use.
  source ??= `worker:${crypto.randomUUID().slice(0, 8)}`;
  return source;
}

function oneOf<T extends string>(values: readonly T[], v: string, fallback: T): T {
  return (values as readonly string[]).includes(v) ? (v as T) : fallback;
}

export function observeHttp(route: string, method: string, status: number, seconds: number): void {
  const m = oneOf(HTTP_METHODS, method.toUpperCase(), "other");
  batch.inc("pong_http_requests_total", { route, method: m, status: String(status) });
  batch.observe("pong_http_request_duration_seconds", { route, method: m }, seconds);
  pendingEvents += 1;
}

export function countWsRejected(reason: string, kind: string): void {
  batch.inc("pong_websocket_rejections_total", { reason: oneOf(WS_REJECT_REASONS, reason, "other"), kind: oneOf(WS_KINDS, kind, "other") });
  pendingEvents += 1;
}

export function countLogin(outcome: (typeof LOGIN_OUTCOMES)[number]): void {
  batch.inc("pong_auth_logins_total", { outcome });
  pendingEvents += 1;
}

export function countRegistration(outcome: (typeof REGISTER_OUTCOMES)[number]): void {
  batch.inc("pong_auth_registrations_total", { outcome });
  pendingEvents += 1;
}

/**
 * Sends what this isolate counted. Without `force`, only when due (returns null otherwise).
 * With `force`, waits for a report in flight and sends the rest (GET /metrics).
 */
export function flushWorkerMetrics(env: ObservabilityEnv, force = false): Promise<void> | null {
  const now = Date.now();
  if (!force && now - lastFlush < FLUSH_MS && pendingEvents < MAX_PENDING) return null;
  if (inflight) return force ? inflight.then(() => flushWorkerMetrics(env, true) ?? undefined) : null;
  if (batch.empty) return null;
  const report = batch.take(sourceName());
  pendingEvents = 0;
  lastFlush = now;
  const p = sendMetrics(env, report).then((ok) => {
    if (!ok) batch.restore(report);
    inflight = null;
  });
  inflight = p;
  return p;
}
