/** GET /api/users/:username: a public profile with the 20 most recent matches. */
import { Hono } from "hono";
import { requireUser, type AppEnv } from "../auth/session";
import { isValidUsername } from "../auth/validation";
import { createDb } from "../db/client";
import { championships, findUserByUsername, iso, recentMatches } from "../db/users";
import { ApiError } from "../http/errors";

const noSuchUser = () => new ApiError(404, "user_not_found", "No player with that username.");

export const userRoutes = new Hono<AppEnv>().get("/:username", requireUser, async (c) => {
  const name = c.req.param("username");
  if (!isValidUsername(name)) throw noSuchUser();
  const db = createDb(c.env.DB);
  const row = await findUserByUsername(db, name);
  if (!row) throw noSuchUser();
  return c.json({
    user: { username: row.username, wins: row.wins, losses: row.losses, rating: row.rating, createdAt: iso(row.createdAt) },
    matches: await recentMatches(db, row.id, 20),
    championships: await championships(db, row.id),
  });
});
