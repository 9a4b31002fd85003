/** POST /api/auth/register, /api/auth/login, /api/auth/logout. */
import { Hono, type Context } from "hono";
import { burnPasswordCheck, hashPassword, verifyPassword } from "../auth/password";
import { clearSessionCookie, readSession, setSessionCookie, startSession, type AppEnv, type SessionUser } from "../auth/session";
import { deleteSession } from "../../db/sessions";
import { resolveJwtSecret } from "../auth/secret";
import { createDb, isUniqueViolation } from "../../db/client";
import { findUserByUsername, insertUser } from "../../db/users";
import { LoginBody, RegisterBody } from "../../shared/protocol/account";
import type { AuthAnswer } from "../../shared/protocol/http";
import { jsonBody, validJson } from "../http/body";
import { ApiError } from "../http/errors";
import { checkRateLimit, clientIp, countFailure, enforceRateLimits, loginFailureLimits, loginLimits, registerGlobalLimits, registerLimits } from "../http/rate-limit";
import { observeAuth } from "../instrumentation/auth-metrics";

const usernameTaken = () => new ApiError(409, "username_taken", "That username is already taken.", "username");
/** Same message for an unknown user and a wrong password. */
const badCredentials = () => new ApiError(401, "invalid_credentials", "Wrong username or password.");

async function issueSession(c: Context<AppEnv>, user: SessionUser, status: 200 | 201) {
  const token = await startSession(user, c.env, { requestUrl: c.req.url });
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
    // A burst per address that refills within minutes (a classroom behind one NAT signs up in a
    // few minutes, not an hour) plus one budget for everyone (farming from many addresses).
    await enforceRateLimits(c.env, [
      { key: `register:ip:${clientIp(c.req.raw)}`, ...registerLimits(c.env) },
      { key: "register:all", ...registerGlobalLimits(c.env) },
    ]);

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
    const ip = clientIp(c.req.raw);
    // Every attempt counts per address; wrong passwords also count per (username, address), so a
    // guesser is stopped on that name while the real user, from another address, is not (a
    // per-username limit over all addresses would let anyone lock anyone out: docs/security.md).
    const failures = { key: `login:fail:${username.toLowerCase()}:${ip}`, ...loginFailureLimits(c.env) };
    await enforceRateLimits(c.env, [{ key: `login:ip:${ip}`, ...loginLimits(c.env) }]);
    await checkRateLimit(c.env, failures);

    const user = await findUserByUsername(createDb(c.env.DB), username);
    const ok = user
      ? await verifyPassword(password, {
          hash: user.passwordHash,
          salt: user.salt,
          iterations: user.iterations,
          algorithm: user.algorithm,
        })
      : await burnPasswordCheck(password);
    if (!user || !ok) {
      await countFailure(c.env, failures);
      throw badCredentials();
    }
    return issueSession(c, { id: user.id, username: user.username }, 200);
  })
  .post("/logout", async (c) => {
    // Ends the session server-side: a copy of this token (cookie or bearer) stops working too.
    const session = await readSession(c.req.raw, c.env);
    if (session) await deleteSession(c.env.DB, session.sessionId);
    clearSessionCookie(c);
    return c.body(null, 204);
  });
