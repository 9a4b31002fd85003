/** GET /api/me: the signed-in account. */
import { Hono } from "hono";
import { requireUser, type AppEnv } from "../auth/session";
import { createDb } from "../../db/client";
import { championships, findUserById, iso } from "../../db/users";
import type { MeAnswer } from "../../shared/protocol/http";
import { ApiError } from "../http/errors";

export const meRoutes = new Hono<AppEnv>().get("/", requireUser, async (c) => {
  const db = createDb(c.env.DB);
  const row = await findUserById(db, c.var.user.id);
  // A valid token for an account that no longer exists is no session.
  if (!row) throw new ApiError(401, "unauthorized", "Sign in to continue.");
  const body: MeAnswer = {
    user: { id: row.id, username: row.username, wins: row.wins, losses: row.losses, rating: row.rating, createdAt: iso(row.createdAt) },
    championships: await championships(db, row.id),
  };
  return c.json(body);
});
