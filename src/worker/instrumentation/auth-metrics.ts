/**
 * Login and registration outcomes, counted and logged from the response status (mounted on the
 * two routes in routes/auth.ts, so every path out of them is covered: success, wrong
 * credentials, rate limiting, bad input, server errors). Logs carry the user id on success only;
 * never the submitted username (people type passwords into it) or password.
 */
import type { MiddlewareHandler } from "hono";
import { logEvent } from "../../observability/log";
import { countLogin, countRegistration } from "./worker-metrics";

type Outcome = "success" | "invalid_credentials" | "username_taken" | "rate_limited" | "bad_request" | "error";

function outcomeOf(status: number, kind: "login" | "register"): Outcome {
  if (status === 200 || status === 201) return "success";
  if (status === 401 && kind === "login") return "invalid_credentials";
  if (status === 409 && kind === "register") return "username_taken";
  if (status === 429) return "rate_limited";
  if (status >= 400 && status < 500) return "bad_request";
  return "error";
}

async function userIdOf(res: Response): Promise<string | undefined> {
  try {
    const body = (await res.clone().json()) as { user?: { id?: unknown } };
    return typeof body.user?.id === "string" ? body.user.id : undefined;
  } catch {
    return undefined;
  }
}

export function observeAuth(kind: "login" | "register"): MiddlewareHandler {
  return async (c, next) => {
    const start = Date.now();
    await next();
    try {
      const status = c.res.status;
      const outcome = outcomeOf(status, kind);
      const durationMs = Date.now() - start;
      if (kind === "login") countLogin(outcome as Parameters<typeof countLogin>[0]);
      else countRegistration(outcome as Parameters<typeof countRegistration>[0]);
      if (outcome === "success") {
        logEvent("info", kind === "login" ? "auth.login_succeeded" : "auth.registered", { userId: await userIdOf(c.res), durationMs }, "worker");
      } else {
        logEvent(outcome === "error" ? "error" : "warn", kind === "login" ? "auth.login_failed" : "auth.register_failed", { reason: outcome, status, durationMs }, "worker");
      }
    } catch {
      // never break the response
    }
  };
}
