/** GET /api/users/:username: a public, read-only profile (no session needed; the leaderboard links here). */
import { Hono } from "hono";
import { createDb } from "../../db/client";
import { championships, findUserByUsername, iso, recentMatches } from "../../db/users";
import { isValidUsername } from "../../shared/protocol/account";
import type { ProfileAnswer } from "../../shared/protocol/http";
import type { AppEnv } from "../auth/session";
import { ApiError } from "../http/errors";

const noSuchUser = () => new ApiError(404, "user_not_found", "No player with that username.");

export const userRoutes = new Hono<AppEnv>().get("/:username", async (c) => {
  const name = c.req.param("username");
  if (!isValidUsername(name)) throw noSuchUser();
  const db = createDb(c.env.DB);
  const row = await findUserByUsername(db, name);
  if (!row) throw noSuchUser();
  const body: ProfileAnswer = {
    user: { username: row.username, wins: row.wins, losses: row.losses, rating: row.rating, createdAt: iso(row.createdAt) },
    matches: await recentMatches(db, row.id, 20),
    championships: await championships(db, row.id),
  };
  return c.json(body);
});
