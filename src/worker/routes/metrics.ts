/**
 * GET /metrics: the Prometheus text exposition of everything the Metrics object aggregated.
 *
 * Protected by `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time); a wrong or
 * missing token is 401. Without a METRICS_TOKEN secret:
 * - APP_ENV "development" on a local host (localhost, 127.x, LAN addresses, or
 *   host.docker.internal, the name the local Prometheus container uses) and APP_ENV "test":
 *   the publicly known DEV_METRICS_TOKEN is accepted, so `npm start` plus the local stack work
 *   with no setup. A deployed Worker is never reached under those host names.
 * - anywhere else: 503 `metrics_not_configured` (and a warning log), never an open endpoint.
 * A METRICS_TOKEN shorter than 16 characters counts as missing outside development/test.
 */
import type { Context } from "hono";
import { logEvent } from "../../objects/log";
import { metricsStub } from "../../objects/metrics/client";
import type { ObservabilityEnv } from "../../objects/metrics/env";
import { isLocalHost } from "../auth/secret";
import { flushWorkerMetrics } from "../observability/worker-metrics";

/** Publicly known: accepted only in development on a local host, and in tests. */
export const DEV_METRICS_TOKEN = "pong-DEV-ONLY-metrics-token";
export const MIN_METRICS_TOKEN_LENGTH = 16;
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type MetricsEnv = ObservabilityEnv & { APP_ENV?: string };

let warnedUnconfigured = false;

function relaxed(env: MetricsEnv, requestUrl: string): boolean {
  if (env.APP_ENV === "test") return true;
  if (env.APP_ENV !== "development") return false;
  try {
    const host = new URL(requestUrl).hostname.toLowerCase();
    return isLocalHost(host) || host === "host.docker.internal";
  } catch {
    return false;
  }
}

/** The token a scrape must present, or null when /metrics is not configured here. */
export function expectedMetricsToken(env: MetricsEnv, requestUrl: string): string | null {
  const token = env.METRICS_TOKEN?.trim() ?? "";
  const isRelaxed = relaxed(env, requestUrl);
  if (token !== "" && (token.length >= MIN_METRICS_TOKEN_LENGTH || isRelaxed)) return token;
  return isRelaxed && token === "" ? DEV_METRICS_TOKEN : null;
}

/** Constant-time comparison (of SHA-256 digests, so lengths never leak either). */
export async function tokensEqual(given: string, expected: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([crypto.subtle.digest("SHA-256", enc.encode(given)), crypto.subtle.digest("SHA-256", enc.encode(expected))]);
  // workerd's crypto.subtle.timingSafeEqual (the DOM typings in this project do not declare it).
  const subtle = crypto.subtle as unknown as { timingSafeEqual?: (x: ArrayBuffer, y: ArrayBuffer) => boolean };
  if (subtle.timingSafeEqual) return subtle.timingSafeEqual(a, b);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

function json(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "Content-Type": "application/json; charset=UTF-8", "Cache-Control": "no-store", ...headers },
  });
}

export async function metricsHandler(c: Context<{ Bindings: MetricsEnv }>): Promise<Response> {
  const env = c.env;
  const expected = expectedMetricsToken(env, c.req.url);
  if (expected === null || !env.METRICS) {
    if (!warnedUnconfigured) {
      warnedUnconfigured = true;
      logEvent("warn", "metrics.not_configured", { message: "GET /metrics refused: set the METRICS_TOKEN secret (16+ characters)" }, "worker");
    }
    return json(503, "metrics_not_configured", "Metrics are not configured on this deployment.");
  }
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(c.req.header("Authorization") ?? "");
  if (!match || !(await tokensEqual(match[1], expected))) {
    return json(401, "unauthorized", "A valid bearer token is required.", { "WWW-Authenticate": 'Bearer realm="metrics"' });
  }
  await flushWorkerMetrics(env, true);
  const body = await metricsStub(env)!.render();
  return new Response(body, { status: 200, headers: { "Content-Type": PROMETHEUS_CONTENT_TYPE, "Cache-Control": "no-store" } });
}
