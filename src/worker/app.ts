import { Hono } from "hono";
import { requestMetrics } from "./instrumentation/http-metrics";
import { metricsAuth, metricsHandler } from "./routes/metrics";
import type { AppEnv } from "./auth/session";
import { handleError, notFoundError, errorResponse } from "./http/errors";
import { csrfGuard } from "./http/csrf";
import { authRoutes } from "./routes/auth";
import { leaderboardRoutes } from "./routes/leaderboard";
import { meRoutes } from "./routes/me";
import { userRoutes } from "./routes/users";
import { gameRoutes, gameSocket, playRoutes } from "./routes/games";
import { tournamentRoutes, tournamentSocket } from "./routes/tournaments";
import { adminRoutes } from "./routes/admin";

/** The Hono application: API routes and health. Static assets are served by the assets binding. */
export function createApp() {
  const app = new Hono<AppEnv>();
  app.onError(handleError);
  app.notFound(() => errorResponse(notFoundError()));
  // First: request counts/latency by route pattern and status for every route below.
  app.use("*", requestMetrics);

  app.get("/healthz", (c) => c.json({ ok: true, service: "pong-edge" }));

  // API responses are per-user and never cached.
  app.use("/api/*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
    c.header("X-Content-Type-Options", "nosniff");
  });
  // Before any route: a cookie-authenticated state change needs a trusted Origin (http/csrf.ts).
  app.use("/api/*", csrfGuard);
  app.route("/api/auth", authRoutes);
  app.route("/api/me", meRoutes);
  app.route("/api/users", userRoutes);
  app.route("/api/leaderboard", leaderboardRoutes);
  app.route("/api/play", playRoutes);
  app.route("/api/games", gameRoutes);
  app.route("/api/tournaments", tournamentRoutes);
  app.route("/api/admin", adminRoutes);
  app.get("/ws/game/:gameId", (c) => gameSocket(c.req.raw, c.env, c.req.param("gameId")));
  app.get("/ws/tournament/:id", (c) => tournamentSocket(c.req.raw, c.env, c.req.param("id")));
  // Unknown /api/* paths (and wrong methods): JSON 404, never the SPA's index.html.
  app.all("/api/*", () => errorResponse(notFoundError()));

  // Prometheus scrape (bearer token, see routes/metrics.ts).
  app.get("/metrics", metricsAuth, metricsHandler);

  // Anything not handled above: static client (SPA fallback is configured on the assets binding).
  app.all("*", (c) => c.env.ASSETS.fetch(c.req.raw));
  return app;
}
