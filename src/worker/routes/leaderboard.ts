/** GET /api/leaderboard: top 50 (public). */
import { Hono } from "hono";
import type { AppEnv } from "../auth/session";
import { createDb } from "../db/client";
import { leaderboard } from "../db/users";

export const leaderboardRoutes = new Hono<AppEnv>().get("/", async (c) => {
  return c.json({ players: await leaderboard(createDb(c.env.DB), 50) });
});
