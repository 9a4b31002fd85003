/** Applies RateLimiter objects to a request: 429 with Retry-After when any key is over its limit. */
import { logEvent } from "../../observability/log";
import { ApiError } from "./errors";

export interface RateRule {
  /** Object name, e.g. "login:ip:203.0.113.7". */
  key: string;
  limit: number;
  windowMs: number;
}

/** The client address Cloudflare reports, or "local" (wrangler dev without the header, tests). */
export function clientIp(request: Request): string {
  const ip = request.headers.get("CF-Connecting-IP")?.trim();
  return ip ? ip.slice(0, 64) : "local";
}

/** A positive number from a var (string or number), else the default. */
export function numberVar(value: unknown, fallback: number): number {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function loginLimits(env: Env): { limit: number; windowMs: number } {
  return {
    limit: Math.floor(numberVar(env.LOGIN_RATE_LIMIT, 10)),
    windowMs: Math.round(numberVar(env.LOGIN_RATE_WINDOW_S, 60) * 1000),
  };
}

export function registerLimits(env: Env): { limit: number; windowMs: number } {
  return {
    limit: Math.floor(numberVar(env.REGISTER_RATE_LIMIT, 30)),
    windowMs: Math.round(numberVar(env.REGISTER_RATE_WINDOW_S, 3600) * 1000),
  };
}

/**
 * Counts one attempt against every rule (in parallel) and throws 429 `rate_limited` if any
 * refused it. If the limiter cannot be reached the request is refused with 503 (fail closed:
 * a password-guessing endpoint must not become unlimited because an object is unavailable).
 */
export async function enforceRateLimits(env: Env, rules: RateRule[]): Promise<void> {
  let results;
  try {
    results = await Promise.all(
      rules.map((r) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(r.key)).hit(r.limit, r.windowMs)),
    );
  } catch (err) {
    logEvent("error", "ratelimit.unavailable", { error: err }, "worker");
    throw new ApiError(503, "unavailable", "The service is busy. Please try again in a moment.", undefined, { "Retry-After": "5" });
  }
  const retryAfterMs = Math.max(0, ...results.filter((r) => !r.allowed).map((r) => r.retryAfterMs));
  if (results.some((r) => !r.allowed)) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    throw new ApiError(429, "rate_limited", `Too many attempts. Try again in ${seconds} s.`, undefined, {
      "Retry-After": String(seconds),
    });
  }
}
