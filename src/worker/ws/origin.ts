/**
 * Origin check for WebSocket upgrades (against cross-site WebSocket hijacking: a foreign page
 * opening a socket that rides on the player's cookie). Allowed: the app's own origin and the
 * comma-separated ALLOWED_ORIGINS. A request without Origin is not from a browser; it is accepted
 * only when it authenticates with a bearer token, never with the cookie a browser would attach.
 */
export function originAllowed(request: Request, allowedOriginsVar: string | undefined): boolean {
  const origin = request.headers.get("Origin");
  if (origin === null) return request.headers.has("Authorization");
  return isTrustedOrigin(origin, request, allowedOriginsVar);
}

/** `origin` is the app's own (that of the request's URL) or one of the comma-separated ALLOWED_ORIGINS. */
export function isTrustedOrigin(origin: string, request: Request, allowedOriginsVar: string | undefined): boolean {
  const own = new URL(request.url).origin;
  if (origin === own) return true;
  const extra = (allowedOriginsVar ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return extra.includes(origin);
}
