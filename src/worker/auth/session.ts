/**
 * Sessions: an HS256 JWT (jose) carried in the `session` cookie or an
 * `Authorization: Bearer <token>` header. This file holds the ONLY verification routine;
 * WebSocket upgrades and HTTP routes both use readSession().
 *
 * Claims: sub (user id), name (username), iat, exp (iat + 7 days), iss, aud. Verification pins
 * the algorithm to HS256 (alg:none and every other alg are rejected) and checks iss/aud/exp.
 * Tokens are stateless: logout clears the cookie but does not revoke a copied token before exp.
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { parse as parseCookies } from "hono/utils/cookie";
import { SignJWT, jwtVerify } from "jose";
import { ApiError } from "../http/errors";
import { resolveJwtSecret } from "./secret";

export interface SessionUser {
  id: string;
  username: string;
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
  opts: { requestUrl?: string; now?: number } = {},
): Promise<string> {
  const key = keyFor(env, opts.requestUrl);
  const now = opts.now ?? Date.now();
  const iat = Math.floor(now / 1000);
  return new SignJWT({ name: user.username })
    .setProtectedHeader({ alg: JWT_ALG, typ: "JWT" })
    .setSubject(user.id)
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + SESSION_TTL_SECONDS)
    .sign(key);
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
 * expired, wrong-issuer/audience or non-HS256 token. Does not touch D1 (cheap enough for every
 * WebSocket upgrade); callers that need the account row must still look it up.
 * Throws ApiError 500 `server_misconfigured` when the server has no usable JWT_SECRET.
 */
export async function readSession(request: Request, env: Env): Promise<SessionUser | null> {
  const token = extractToken(request);
  if (token === null || token.length > MAX_TOKEN_LENGTH) return null;
  const key = keyFor(env, request.url);
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [JWT_ALG],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      requiredClaims: ["sub", "name", "iat", "exp"],
    });
    const { sub, name } = payload;
    if (typeof sub !== "string" || sub === "" || typeof name !== "string" || name === "") return null;
    return { id: sub, username: name };
  } catch {
    return null;
  }
}

export type AppEnv = { Bindings: Env; Variables: { user: SessionUser } };

/** Hono middleware: 401 `unauthorized` unless the request carries a valid session; sets c.var.user. */
export const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  const user = await readSession(c.req.raw, c.env);
  if (!user) throw new ApiError(401, "unauthorized", "Sign in to continue.");
  c.set("user", user);
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
