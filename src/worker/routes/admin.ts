/**
 * Operator endpoints behind the METRICS_TOKEN bearer token (absent token: the routes do not exist).
 * `GET /api/admin/games/:gameId/stats`: a game's loop timing and billable units, read by the
 * benchmarks to compute tick lateness and cost per game-hour.
 */
import { Hono } from "hono";
import { isGameId } from "../../shared/ids";
import type { AppEnv } from "../auth/session";
import { ApiError } from "../http/errors";

/** Compares two strings in time that does not depend on where they differ. */
export function timingSafeEqualText(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

export const adminRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    const token = c.env.METRICS_TOKEN;
    if (!token) throw new ApiError(404, "not_found", "Not found.");
    const auth = c.req.header("Authorization") ?? "";
    const given = /^Bearer\s+(\S+)$/i.exec(auth)?.[1] ?? "";
    if (!timingSafeEqualText(given, token)) throw new ApiError(401, "unauthorized", "A valid operator token is required.");
    await next();
  })
  .get("/games/:gameId/stats", async (c) => {
    const gameId = c.req.param("gameId").toUpperCase();
    if (!isGameId(gameId)) throw new ApiError(404, "not_found", "No such game.");
    return c.json(await c.env.GAME_SESSION.get(c.env.GAME_SESSION.idFromName(gameId)).loopStats());
  });
