/** GET /api/leaderboard: top 50 (public). */
import { Hono } from "hono";
import type { AppEnv } from "../auth/session";
import { createDb } from "../../db/client";
import { leaderboard } from "../../db/users";
import type { LeaderboardAnswer } from "../../shared/protocol/http";

export const leaderboardRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const body: LeaderboardAnswer = { players: await leaderboard(createDb(c.env.DB), 50) };
  return c.json(body);
});
