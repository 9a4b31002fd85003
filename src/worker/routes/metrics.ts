/**
 * GET /metrics: the Prometheus text exposition of everything the Metrics shards aggregated (merged).
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
import type { Context, MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { timingSafeEqual } from "hono/utils/buffer";
import { logEvent } from "../../observability/log";
import { renderAllShards } from "../../observability/metrics/fan-in";
import type { ObservabilityEnv } from "../../observability/env";
import { isLocalHost } from "../auth/secret";
import type { AppEnv } from "../auth/session";
import { ApiError, errorResponse } from "../http/errors";
import { flushWorkerMetrics } from "../instrumentation/worker-metrics";

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

/**
 * hono's bearerAuth over the operator token (GET /metrics, /api/admin/*), one policy for both:
 * `onUnconfigured` answers when this deployment has no usable token (a 503 for /metrics, a 404
 * for the admin routes); otherwise a missing, malformed or wrong token is a 401 JSON error with
 * the RFC 6750 WWW-Authenticate challenge, compared in constant time (hono's timingSafeEqual).
 * A malformed header is 401 too (bearerAuth's default is 400): a scraper cannot tell it apart.
 */
export function operatorAuth(realm: string, onUnconfigured: (c: Context<AppEnv>) => Response): MiddlewareHandler<AppEnv> {
  const refuse = () => errorResponse(new ApiError(401, "unauthorized", "A valid bearer token is required."));
  const check = bearerAuth<AppEnv>({
    realm,
    verifyToken: async (token, c) => {
      const expected = expectedMetricsToken(c.env, c.req.url);
      return expected !== null && (await timingSafeEqual(token, expected));
    },
    noAuthenticationHeader: { message: refuse },
    invalidAuthenticationHeader: { message: refuse },
    invalidToken: { message: refuse },
  });
  return async (c, next) => {
    if (expectedMetricsToken(c.env, c.req.url) === null) return onUnconfigured(c);
    return check(c, next);
  };
}

function json(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "Content-Type": "application/json; charset=UTF-8", "Cache-Control": "no-store", ...headers },
  });
}

/** The unconfigured answer of GET /metrics: 503, and a warning log once per isolate. */
function metricsNotConfigured(): Response {
  if (!warnedUnconfigured) {
    warnedUnconfigured = true;
    logEvent("warn", "metrics.not_configured", { message: "GET /metrics refused: set the METRICS_TOKEN secret (16+ characters)" }, "worker");
  }
  return json(503, "metrics_not_configured", "Metrics are not configured on this deployment.");
}

export const metricsAuth = operatorAuth("metrics", metricsNotConfigured);

export async function metricsHandler(c: Context<AppEnv>): Promise<Response> {
  const env = c.env;
  await flushWorkerMetrics(env, true);
  const body = await renderAllShards(env);
  return new Response(body, { status: 200, headers: { "Content-Type": PROMETHEUS_CONTENT_TYPE, "Cache-Control": "no-store" } });
}
