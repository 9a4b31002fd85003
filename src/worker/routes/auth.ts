/** POST /api/auth/register, /api/auth/login, /api/auth/logout. */
import { Hono, type Context } from "hono";
import { burnPasswordCheck, hashPassword, verifyPassword } from "../auth/password";
import { clearSessionCookie, setSessionCookie, signSession, type AppEnv, type SessionUser } from "../auth/session";
import { resolveJwtSecret } from "../auth/secret";
import { createDb, isUniqueViolation } from "../../db/client";
import { findUserByUsername, insertUser } from "../../db/users";
import { LoginBody, RegisterBody } from "../../shared/protocol/account";
import type { AuthAnswer } from "../../shared/protocol/http";
import { jsonBody, validJson } from "../http/body";
import { ApiError } from "../http/errors";
import { clientIp, enforceRateLimits, loginLimits, registerLimits } from "../http/rate-limit";
import { observeAuth } from "../instrumentation/auth-metrics";

const usernameTaken = () => new ApiError(409, "username_taken", "That username is already taken.", "username");
/** Same message for an unknown user and a wrong password. */
const badCredentials = () => new ApiError(401, "invalid_credentials", "Wrong username or password.");

async function issueSession(c: Context<AppEnv>, user: SessionUser, status: 200 | 201) {
  const token = await signSession(user, c.env, { requestUrl: c.req.url });
  setSessionCookie(c, token);
  return c.json({ user: { id: user.id, username: user.username }, token } satisfies AuthAnswer, status);
}

export const authRoutes = new Hono<AppEnv>()
  // Counts and logs every outcome (auth.login_failed etc.) from the status; never the password.
  .use("/register", observeAuth("register"))
  .use("/login", observeAuth("login"))
  .post("/register", jsonBody, validJson(RegisterBody), async (c) => {
    const { username, password } = c.req.valid("json");
    // Fail fast on misconfiguration before doing any work or writing a row.
    resolveJwtSecret(c.env, c.req.url);
    const { limit, windowMs } = registerLimits(c.env);
    await enforceRateLimits(c.env, [{ key: `register:ip:${clientIp(c.req.raw)}`, limit, windowMs }]);

    const db = createDb(c.env.DB);
    if (await findUserByUsername(db, username)) throw usernameTaken();
    const hash = await hashPassword(password);
    let row;
    try {
      row = await insertUser(db, username, hash);
    } catch (err) {
      // Two registrations of the same name racing past the check above: the unique index decides.
      if (isUniqueViolation(err)) throw usernameTaken();
      throw err;
    }
    return issueSession(c, { id: row.id, username: row.username }, 201);
  })
  .post("/login", jsonBody, validJson(LoginBody), async (c) => {
    const { username, password } = c.req.valid("json");
    resolveJwtSecret(c.env, c.req.url);
    const { limit, windowMs } = loginLimits(c.env);
    await enforceRateLimits(c.env, [
      { key: `login:ip:${clientIp(c.req.raw)}`, limit, windowMs },
      { key: `login:user:${username.toLowerCase()}`, limit, windowMs },
    ]);

    const user = await findUserByUsername(createDb(c.env.DB), username);
    const ok = user
      ? await verifyPassword(password, {
          hash: user.passwordHash,
          salt: user.salt,
          iterations: user.iterations,
          algorithm: user.algorithm,
        })
      : await burnPasswordCheck(password);
    if (!user || !ok) throw badCredentials();
    return issueSession(c, { id: user.id, username: user.username }, 200);
  })
  .post("/logout", (c) => {
    clearSessionCookie(c);
    return c.body(null, 204);
  });
