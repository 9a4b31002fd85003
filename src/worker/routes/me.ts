/** GET /api/me: the signed-in account. POST /api/me/password: change it (ends the other sessions). */
import { Hono } from "hono";
import { requireUser, type AppEnv } from "../auth/session";
import { createDb } from "../../db/client";
import { championships, findUserById, iso } from "../../db/users";
import type { MeAnswer } from "../../shared/protocol/http";
import { ApiError } from "../http/errors";
import { ChangePasswordBody } from "../../shared/protocol/account";
import { hashPassword, verifyPassword } from "../auth/password";
import { changePasswordKeepingSession } from "../../db/sessions";
import { jsonBody, validJson } from "../http/body";
import { checkRateLimit, clientIp, countFailure, loginFailureLimits } from "../http/rate-limit";

export const meRoutes = new Hono<AppEnv>()
.get("/", requireUser, async (c) => {
  const db = createDb(c.env.DB);
  const row = await findUserById(db, c.var.user.id);
  // A valid token for an account that no longer exists is no session.
  if (!row) throw new ApiError(401, "unauthorized", "Sign in to continue.");
  const body: MeAnswer = {
    user: { id: row.id, username: row.username, wins: row.wins, losses: row.losses, rating: row.rating, createdAt: iso(row.createdAt) },
    championships: await championships(db, row.id),
  };
  return c.json(body);
})
.post("/password", requireUser, jsonBody, validJson(ChangePasswordBody), async (c) => {
  const { currentPassword, newPassword } = c.req.valid("json");
  const me = c.var.user;
  // A stolen session must not turn into password guessing: wrong current passwords count like
  // wrong logins for this account from this address.
  const failures = { key: `login:fail:${me.username.toLowerCase()}:${clientIp(c.req.raw)}`, ...loginFailureLimits(c.env) };
  await checkRateLimit(c.env, failures);
  const row = await findUserById(createDb(c.env.DB), me.id);
  if (!row) throw new ApiError(401, "unauthorized", "Sign in to continue.");
  const ok = await verifyPassword(currentPassword, { hash: row.passwordHash, salt: row.salt, iterations: row.iterations, algorithm: row.algorithm });
  if (!ok) {
    await countFailure(c.env, failures);
    throw new ApiError(401, "invalid_credentials", "Your current password is not right.", "currentPassword");
  }
  // New hash and the end of every other session in one batch; this session stays signed in.
  await changePasswordKeepingSession(c.env.DB, me.id, await hashPassword(newPassword), c.var.sessionId);
  return c.body(null, 204);
});
