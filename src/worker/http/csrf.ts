/**
 * CSRF guard for the HTTP API. A state-changing request (POST/PUT/PATCH/DELETE, with or without a
 * body) that a browser could send with the session cookie must carry an Origin we trust: the
 * app's own or one of ALLOWED_ORIGINS (the same list WebSocket upgrades use, ws/origin.ts).
 * SameSite=Lax alone is not enough: sibling subdomains and other localhost apps are "same site".
 *
 * - Bearer requests (an Authorization header) are not cookie-authenticated: the session then
 *   comes from the header only (auth/session.ts ignores the cookie), so a foreign page cannot forge
 *   them. They pass.
 * - With the session cookie: Origin is required (every browser sends it on a cross-origin or
 *   same-origin POST; a cookie-carrying request without one is not a browser we can trust).
 * - Without either (sign-in, sign-up): a foreign Origin is refused too (no login CSRF into an
 *   attacker's account); no Origin at all is a script or curl and passes.
 */
import type { MiddlewareHandler } from "hono";
import { parse as parseCookies } from "hono/utils/cookie";
import { isTrustedOrigin } from "../ws/origin";
import { SESSION_COOKIE } from "../auth/session";
import { ApiError } from "./errors";
import { logEvent } from "../../observability/log";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const refused = (req: Request) => {
  // An audit event: kept through floods by the log buffers (observability/audit.ts).
  logEvent("warn", "security.csrf_refused", { origin: req.headers.get("Origin") ?? "(none)", method: req.method, path: new URL(req.url).pathname }, "worker");
  return new ApiError(403, "forbidden_origin", "This request came from a page of another site and was refused. Reload the game and try again.");
};

export const csrfGuard: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  const req = c.req.raw;
  if (!STATE_CHANGING.has(req.method) || req.headers.has("Authorization")) return next();
  const origin = req.headers.get("Origin");
  const cookieHeader = req.headers.get("Cookie");
  const hasSessionCookie = cookieHeader !== null && Boolean(parseCookies(cookieHeader, SESSION_COOKIE)[SESSION_COOKIE]);
  if (origin === null) {
    if (hasSessionCookie) throw refused(req);
    return next();
  }
  if (!isTrustedOrigin(origin, req, c.env.ALLOWED_ORIGINS)) throw refused(req);
  return next();
};
