/**
 * Which key signs and verifies session JWTs.
 *
 * - JWT_SECRET set, at least 32 characters and not the dev-only value: used everywhere.
 * - APP_ENV "test": a weak or missing secret is tolerated (missing -> DEV_ONLY_JWT_SECRET).
 * - APP_ENV "development" AND the request is addressed to a local host (localhost, *.localhost,
 *   127.x, ::1, 10.x, 172.16-31.x, 192.168.x): same tolerance, with a warning logged once per
 *   isolate. This is what makes `npm start` work on a fresh clone that has no `.dev.vars`.
 *   wrangler.toml ships APP_ENV = "production" and only `npm start` passes "development"; the
 *   host check is a second guard should a deploy ever carry "development": a deployed Worker is
 *   never reached under a local host name, so it still refuses a missing/weak secret.
 * - Otherwise: refuse. Sessions cannot be issued or checked; the API answers 500
 *   `server_misconfigured` and logs why (never the secret itself).
 */
import { ApiError } from "../http/errors";
import { logEvent } from "../../observability/log";

/** Publicly known, hence only ever accepted in tests and local development. */
export const DEV_ONLY_JWT_SECRET = "pong-edge-DEV-ONLY-jwt-secret--NOT-FOR-PRODUCTION--0000";
export const MIN_SECRET_LENGTH = 32;

let warnedDevFallback = false;
let warnedWeakDev = false;

/** True for host names that only exist on the developer's machine or LAN. */
export function isLocalHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost" || h.endsWith(".localhost") || h === "::1") return true;
  const m = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(h);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a === 127 || a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31);
}

/** Whether a missing or weak JWT_SECRET may be tolerated for this request. */
export function relaxedSecretAllowed(env: { APP_ENV: string }, requestUrl?: string): boolean {
  if (env.APP_ENV === "test") return true;
  if (env.APP_ENV !== "development" || requestUrl === undefined) return false;
  try {
    return isLocalHost(new URL(requestUrl).hostname);
  } catch {
    return false;
  }
}

/** The reason JWT_SECRET is unusable in production, or null when it is fine. */
export function secretProblem(secret: string | undefined): string | null {
  if (secret === undefined || secret.trim() === "") return "JWT_SECRET is not set";
  if (secret.length < MIN_SECRET_LENGTH) return `JWT_SECRET is shorter than ${MIN_SECRET_LENGTH} characters`;
  if (secret === DEV_ONLY_JWT_SECRET) return "JWT_SECRET is the documented development-only value";
  return null;
}

/**
 * The HS256 key material for a request to `requestUrl`, or throws
 * ApiError(500, "server_misconfigured"). Without `requestUrl` only a proper secret (or
 * APP_ENV "test") is accepted.
 */
export function resolveJwtSecret(env: { APP_ENV: string; JWT_SECRET?: string }, requestUrl?: string): string {
  const problem = secretProblem(env.JWT_SECRET);
  if (problem === null) return env.JWT_SECRET as string;
  if (relaxedSecretAllowed(env, requestUrl)) {
    if (env.JWT_SECRET === undefined || env.JWT_SECRET.trim() === "") {
      if (!warnedDevFallback) {
        warnedDevFallback = true;
        console.warn(
          `[auth] JWT_SECRET is not set: using the built-in DEV-ONLY secret because APP_ENV=${env.APP_ENV} ` +
            "(and, in development, the request is to a local host). Sessions are forgeable by anyone who reads " +
            "the source. A deployed Worker refuses to run like this: `wrangler secret put JWT_SECRET`.",
        );
      }
      return DEV_ONLY_JWT_SECRET;
    }
    if (!warnedWeakDev) {
      warnedWeakDev = true;
      console.warn(`[auth] ${problem}; accepted only because APP_ENV=${env.APP_ENV} on a local host.`);
    }
    return env.JWT_SECRET;
  }
  logEvent("error", "server.misconfigured", { reason: problem, appEnv: env.APP_ENV ?? null }, "worker");
  throw new ApiError(500, "server_misconfigured", "The server is not configured correctly. Please try again later.");
}
