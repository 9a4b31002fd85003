/**
 * Request metrics, an access log (`http.request`, API and socket upgrades) and error logs
 * (`http.error`) for every Worker route (mounted first in app.ts):
 * pong_http_requests_total{route,method,status} and pong_http_request_duration_seconds{route,method},
 * where `route` is the Hono route pattern that answered ("/api/games/:gameId", never the raw
 * path: bounded label values), "/*" for static assets.
 */
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { logEvent } from "../../observability/log";
import type { ObservabilityEnv } from "../../observability/env";
import { flushWorkerMetrics, observeHttp } from "./worker-metrics";

/** The pattern of the route that produced the response; "unmatched" when only middleware ran. */
export function routeLabel(c: Context): string {
  try {
    const routes = matchedRoutes(c);
    const r = routes[c.req.routeIndex] ?? routes[routes.length - 1];
    if (!r || r.handler === requestMetrics) return "unmatched";
    return r.path === "*" ? "/*" : r.path;
  } catch {
    return "unmatched";
  }
}

export const requestMetrics: MiddlewareHandler<{ Bindings: ObservabilityEnv }> = async (c, next) => {
  const start = Date.now();
  await next();
  try {
    const route = routeLabel(c);
    const status = c.res.status;
    observeHttp(route, c.req.method, status, (Date.now() - start) / 1000);
    const durationMs = Date.now() - start;
    if (c.error && status >= 500) {
      logEvent("error", "http.error", { route, method: c.req.method, status, durationMs, message: "unhandled error in a route", error: c.error }, "worker");
    } else if (route.startsWith("/api/") || route.startsWith("/ws/")) {
      // Access log of the API and socket upgrades (not /metrics, /healthz or static assets).
      const user = (c.get as (key: string) => unknown)("user") as { id?: unknown } | undefined;
      logEvent(status >= 500 ? "error" : "info", "http.request", {
        route,
        method: c.req.method,
        status,
        durationMs,
        userId: typeof user?.id === "string" ? user.id : undefined,
      }, "worker");
    }
    const p = flushWorkerMetrics(c.env);
    if (p) c.executionCtx.waitUntil(p);
  } catch {
    // Metrics never break a response (e.g. no execution context in a unit test).
  }
};
