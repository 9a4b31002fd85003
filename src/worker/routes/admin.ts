/**
 * Operator endpoints, behind the same token and policy as /metrics (METRICS_TOKEN, at least 16
 * characters outside development; unconfigured: the routes do not exist).
 * `GET /api/admin/games/:gameId/stats`: a game's loop timing and billable units, read by the
 * benchmarks to compute tick lateness and cost per game-hour.
 */
import { Hono } from "hono";
import { isGameId } from "../../shared/ids";
import type { AppEnv } from "../auth/session";
import { ApiError, errorResponse } from "../http/errors";
import { operatorAuth } from "./metrics";

export const adminRoutes = new Hono<AppEnv>()
  // Unconfigured: the routes do not exist (404), rather than advertising an operator API.
  .use(operatorAuth("operator", () => errorResponse(new ApiError(404, "not_found", "Not found."))))
  .get("/games/:gameId/stats", async (c) => {
    const gameId = c.req.param("gameId").toUpperCase();
    if (!isGameId(gameId)) throw new ApiError(404, "not_found", "No such game.");
    return c.json(await c.env.GAME_SESSION.get(c.env.GAME_SESSION.idFromName(gameId)).loopStats());
  });
