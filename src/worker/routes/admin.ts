/**
 * Operator endpoints, behind the same token and policy as /metrics (METRICS_TOKEN, at least 16
 * characters outside development; unconfigured: the routes do not exist).
 * `GET /api/admin/games/:gameId/stats`: a game's loop timing and billable units, read by the
 * benchmarks to compute tick lateness and cost per game-hour.
 */
import { Hono } from "hono";
import { isGameId } from "../../shared/ids";
import type { AppEnv } from "../auth/session";
import { ApiError } from "../http/errors";
import { expectedMetricsToken, tokensEqual } from "./metrics";

export const adminRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    const expected = expectedMetricsToken(c.env, c.req.url);
    if (expected === null) throw new ApiError(404, "not_found", "Not found.");
    const given = /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "")?.[1] ?? "";
    if (!(await tokensEqual(given, expected))) throw new ApiError(401, "unauthorized", "A valid operator token is required.");
    await next();
  })
  .get("/games/:gameId/stats", async (c) => {
    const gameId = c.req.param("gameId").toUpperCase();
    if (!isGameId(gameId)) throw new ApiError(404, "not_found", "No such game.");
    return c.json(await c.env.GAME_SESSION.get(c.env.GAME_SESSION.idFromName(gameId)).loopStats());
  });
