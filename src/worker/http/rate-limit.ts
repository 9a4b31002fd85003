/** Applies RateLimiter objects to a request: 429 with Retry-After when any key is over its limit. */
import { logEvent } from "../../observability/log";
import { formatDuration } from "../../shared/format";
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

type Limits = { limit: number; windowMs: number };

function limits(limit: unknown, windowS: unknown, defLimit: number, defWindowS: number): Limits {
  return { limit: Math.floor(numberVar(limit, defLimit)), windowMs: Math.round(numberVar(windowS, defWindowS) * 1000) };
}

/** Login attempts per client address (every attempt counts). */
export function loginLimits(env: Env): Limits {
  return limits(env.LOGIN_RATE_LIMIT, env.LOGIN_RATE_WINDOW_S, 10, 60);
}

/**
 * WRONG passwords per (username, address): a guesser is stopped on the accounts it tries, while
 * the same name from any other address (the real user) is untouched (docs/security.md).
 */
export function loginFailureLimits(env: Env): Limits {
  return limits(env.LOGIN_FAILURE_LIMIT, env.LOGIN_FAILURE_WINDOW_S, 5, 900);
}

/** Sign-ups per address: a small burst that refills fast (a classroom behind one NAT gets through). */
export function registerLimits(env: Env): Limits {
  return limits(env.REGISTER_RATE_LIMIT, env.REGISTER_RATE_WINDOW_S, 5, 60);
}

/** Sign-ups from everyone together: the bound on account farming from many addresses. */
export function registerGlobalLimits(env: Env): Limits {
  return limits(env.REGISTER_GLOBAL_RATE_LIMIT, env.REGISTER_GLOBAL_RATE_WINDOW_S, 500, 3600);
}

/** Tournaments one user may create per window (leave-and-recreate spam of the open list). */
export function tournamentCreateLimits(env: Env): Limits {
  return limits(env.TOURNAMENT_CREATE_RATE_LIMIT, env.TOURNAMENT_CREATE_RATE_WINDOW_S, 5, 600);
}

function limiter(env: Env, key: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
}

function unavailable(err: unknown): ApiError {
  logEvent("error", "ratelimit.unavailable", { error: err }, "worker");
  return new ApiError(503, "unavailable", "The service is busy. Please try again in a moment.", undefined, { "Retry-After": "5" });
}

/** 429 `rate_limited` whose message says the wait in words ("Try again in 29 minutes."). */
export function rateLimited(retryAfterMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new ApiError(429, "rate_limited", `Too many attempts. Try again in ${formatDuration(seconds)}.`, undefined, {
    "Retry-After": String(seconds),
  });
}

/** Throws 429 when `rule` is already at its limit, without counting anything (see countFailure). */
export async function checkRateLimit(env: Env, rule: RateRule): Promise<void> {
  let r;
  try {
    r = await limiter(env, rule.key).peek(rule.limit, rule.windowMs);
  } catch (err) {
    throw unavailable(err);
  }
  if (!r.allowed) throw rateLimited(r.retryAfterMs);
}

/** Records one failure against `rule` (a wrong password); never throws for a full window. */
export async function countFailure(env: Env, rule: RateRule): Promise<void> {
  try {
    await limiter(env, rule.key).hit(rule.limit, rule.windowMs);
  } catch (err) {
    logEvent("error", "ratelimit.unavailable", { error: err }, "worker");
  }
}

/**
 * Counts one attempt against every rule (in parallel) and throws 429 `rate_limited` if any
 * refused it. If the limiter cannot be reached the request is refused with 503 (fail closed:
 * a password-guessing endpoint must not become unlimited because an object is unavailable).
 */
export async function enforceRateLimits(env: Env, rules: RateRule[]): Promise<void> {
  let results;
  try {
    results = await Promise.all(rules.map((r) => limiter(env, r.key).hit(r.limit, r.windowMs)));
  } catch (err) {
    throw unavailable(err);
  }
  if (results.some((r) => !r.allowed)) {
    throw rateLimited(Math.max(0, ...results.filter((r) => !r.allowed).map((r) => r.retryAfterMs)));
  }
}
