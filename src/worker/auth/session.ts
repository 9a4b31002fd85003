/**
 * Sessions: an HS256 JWT (jose) carried in the `session` cookie or an
 * `Authorization: Bearer <token>` header. This file holds the ONLY verification routine;
 * WebSocket upgrades and HTTP routes both use readSession().
 *
 * Claims: sub (user id), name (username), sid (session id), iat, exp (iat + 7 days), iss, aud.
 * Verification pins the algorithm to HS256 (alg:none and every other alg are rejected) and checks
 * iss/aud/exp; then the session's row in D1 (src/db/sessions.ts) must still exist: logout deletes
 * it and a password change deletes the user's others, so a copied token stops working at once.
 * That one indexed read per use (HTTP and WebSocket upgrade alike) is the price of revocation.
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { parse as parseCookies } from "hono/utils/cookie";
import { SignJWT, jwtVerify } from "jose";
import { ApiError } from "../http/errors";
import { resolveJwtSecret } from "./secret";
import { insertSession, sessionActive } from "../../db/sessions";

export interface SessionUser {
  id: string;
  username: string;
}

/** A verified session: who, and which server-side handle (for logout / password change). */
export interface Session extends SessionUser {
  sessionId: string;
}

export const SESSION_COOKIE = "session";
export const SESSION_TTL_SECONDS = 7 * 24 * 60 * 60;
export const JWT_ISSUER = "pong-edge";
export const JWT_AUDIENCE = "pong-edge:session";
const JWT_ALG = "HS256";
/** Longer strings are not our tokens; refuse them before any crypto. */
const MAX_TOKEN_LENGTH = 4096;

function keyFor(env: Env, requestUrl?: string): Uint8Array {
  return new TextEncoder().encode(resolveJwtSecret(env, requestUrl));
}

/**
 * Signs a session token. `requestUrl` (the request being answered) lets local development run
 * without a JWT_SECRET (see secret.ts). Throws ApiError 500 `server_misconfigured` when there is
 * no usable secret.
 */
export async function signSession(
  user: SessionUser,
  env: Env,
  opts: { requestUrl?: string; now?: number; sessionId?: string } = {},
): Promise<string> {
  const key = keyFor(env, opts.requestUrl);
  const now = opts.now ?? Date.now();
  const iat = Math.floor(now / 1000);
  return new SignJWT({ name: user.username, sid: opts.sessionId ?? crypto.randomUUID() })
    .setProtectedHeader({ alg: JWT_ALG, typ: "JWT" })
    .setSubject(user.id)
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + SESSION_TTL_SECONDS)
    .sign(key);
}

/** Signs a token AND records its server-side handle: the only way the app hands out a session. */
export async function startSession(user: SessionUser, env: Env, opts: { requestUrl?: string } = {}): Promise<string> {
  const now = Date.now();
  const sessionId = crypto.randomUUID();
  // Sign first: a misconfigured secret fails before any row is written.
  const token = await signSession(user, env, { requestUrl: opts.requestUrl, now, sessionId });
  await insertSession(env.DB, { id: sessionId, userId: user.id, createdAt: now, expiresAt: now + SESSION_TTL_SECONDS * 1000 });
  return token;
}

/**
 * The raw token: the Bearer header when present (then the cookie is ignored), else the cookie.
 * Not hono's bearerAuth (used for the operator token, routes/metrics.ts): a session may come from
 * either place, a missing one is not an error here (public routes, WebSocket upgrades read it
 * outside any middleware), and the token is a JWT verified below, not compared to a known value.
 */
export function extractToken(request: Request): string | null {
  const auth = request.headers.get("Authorization");
  if (auth !== null) {
    const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(auth);
    return match ? match[1] : null;
  }
  const cookieHeader = request.headers.get("Cookie");
  if (!cookieHeader) return null;
  const value = parseCookies(cookieHeader, SESSION_COOKIE)[SESSION_COOKIE];
  return value ? value : null;
}

/**
 * Who sent this request: the verified session user, or null for a missing, malformed, forged,
 * expired, wrong-issuer/audience or non-HS256 token, and for a revoked one (its D1 session row
 * is gone); callers that need the account row must still look it up.
 * Throws ApiError 500 `server_misconfigured` when the server has no usable JWT_SECRET.
 */
export async function readSession(request: Request, env: Env): Promise<Session | null> {
  const token = extractToken(request);
  if (token === null || token.length > MAX_TOKEN_LENGTH) return null;
  const key = keyFor(env, request.url);
  let session: Session;
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [JWT_ALG],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      requiredClaims: ["sub", "name", "sid", "iat", "exp"],
    });
    const { sub, name, sid } = payload;
    if (typeof sub !== "string" || sub === "" || typeof name !== "string" || name === "") return null;
    if (typeof sid !== "string" || sid === "" || sid.length > 64) return null;
    session = { id: sub, username: name, sessionId: sid };
  } catch {
    return null;
  }
  // Revoked (logout, password change) or unknown: not a session any more.
  return (await sessionActive(env.DB, session.sessionId, session.id)) ? session : null;
}

/**
 * `user` is only {id, username}: it is handed to objects (matchmaking, tournaments) and may reach
 * other players; the session id, a revocation handle, stays in `sessionId` inside the Worker.
 */
export type AppEnv = { Bindings: Env; Variables: { user: SessionUser; sessionId: string } };

/** Hono middleware: 401 `unauthorized` unless the request carries a valid session; sets c.var.user. */
export const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  const session = await readSession(c.req.raw, c.env);
  if (!session) throw new ApiError(401, "unauthorized", "Sign in to continue.");
  c.set("user", { id: session.id, username: session.username });
  c.set("sessionId", session.sessionId);
  await next();
};

function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === "https:";
}

export function setSessionCookie(c: Context, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: isHttps(c),
    maxAge: SESSION_TTL_SECONDS,
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { httpOnly: true, sameSite: "Lax", path: "/", secure: isHttps(c) });
}
