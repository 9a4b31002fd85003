/**
 * Which key signs and verifies session JWTs.
 *
 * - JWT_SECRET set, at least 32 characters and not the dev-only value: used everywhere.
 * - Otherwise, when APP_ENV is "development" or "test": the secret is used if present, else
 *   DEV_ONLY_JWT_SECRET below, with a warning logged once per isolate. This is what makes
 *   `npm start` work on a fresh clone that has no `.dev.vars`.
 * - Otherwise (production or any other APP_ENV): refuse. Sessions cannot be issued or checked;
 *   the API answers 500 `server_misconfigured` and logs why (never the secret itself).
 */
import type { Env } from "../env";
import { ApiError } from "../http/errors";

/** Publicly known, hence only ever accepted when APP_ENV is development/test. */
export const DEV_ONLY_JWT_SECRET = "pong-edge-DEV-ONLY-jwt-secret--NOT-FOR-PRODUCTION--0000";
export const MIN_SECRET_LENGTH = 32;

let warnedDevFallback = false;
let warnedWeakDev = false;

export function isDevLike(env: Pick<Env, "APP_ENV">): boolean {
  return env.APP_ENV === "development" || env.APP_ENV === "test";
}

/** The reason JWT_SECRET is unusable outside development/test, or null when it is fine. */
export function secretProblem(secret: string | undefined): string | null {
  if (secret === undefined || secret.trim() === "") return "JWT_SECRET is not set";
  if (secret.length < MIN_SECRET_LENGTH) return `JWT_SECRET is shorter than ${MIN_SECRET_LENGTH} characters`;
  if (secret === DEV_ONLY_JWT_SECRET) return "JWT_SECRET is the documented development-only value";
  return null;
}

/** The HS256 key material, or throws ApiError(500, "server_misconfigured"). */
export function resolveJwtSecret(env: Pick<Env, "APP_ENV" | "JWT_SECRET">): string {
  const problem = secretProblem(env.JWT_SECRET);
  if (problem === null) return env.JWT_SECRET as string;
  if (isDevLike(env)) {
    if (env.JWT_SECRET === undefined || env.JWT_SECRET.trim() === "") {
      if (!warnedDevFallback) {
        warnedDevFallback = true;
        console.warn(
          `[auth] JWT_SECRET is not set: using the built-in DEV-ONLY secret because APP_ENV=${env.APP_ENV}. ` +
            "Sessions are forgeable by anyone who reads the source. Production refuses to run like this.",
        );
      }
      return DEV_ONLY_JWT_SECRET;
    }
    if (!warnedWeakDev) {
      warnedWeakDev = true;
      console.warn(`[auth] ${problem}; accepted only because APP_ENV=${env.APP_ENV}.`);
    }
    return env.JWT_SECRET;
  }
  console.error(
    JSON.stringify({ level: "error", msg: "server_misconfigured", reason: problem, appEnv: env.APP_ENV ?? null }),
  );
  throw new ApiError(500, "server_misconfigured", "The server is not configured correctly. Please try again later.");
}
