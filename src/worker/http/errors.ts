/**
 * The one error shape of the HTTP API: `{ error: { code, message, field? } }` (schema and the
 * union of codes: src/shared/protocol/api-errors.ts).
 * Handlers throw ApiError; app.onError turns it into JSON. Anything else thrown is a bug and
 * becomes a 500 `internal_error` whose body says nothing about the cause (the log does).
 */
import type { Context } from "hono";
import { logEvent } from "../../observability/log";
import type { ApiErrorBody, ApiErrorCode } from "../../shared/protocol/api-errors";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export type ErrorBody = ApiErrorBody;

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }

  toBody(): ErrorBody {
    const error: ErrorBody["error"] = { code: this.code, message: this.message };
    if (this.field !== undefined) error.field = this.field;
    return { error };
  }
}

export function errorResponse(err: ApiError): Response {
  const headers = new Headers({
    "Content-Type": "application/json; charset=UTF-8",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  for (const [k, v] of Object.entries(err.headers ?? {})) headers.set(k, v);
  return new Response(JSON.stringify(err.toBody()), { status: err.status, headers });
}

export const notFoundError = () => new ApiError(404, "not_found", "No such API endpoint.");

/** app.onError: known errors -> their status; unknown -> logged, 500 without details. */
export function handleError(err: unknown, c: Context): Response {
  if (err instanceof ApiError) return errorResponse(err);
  if (err instanceof HTTPException && err.status < 500) {
    // A middleware that builds its own answer (bearerAuth's 401 with WWW-Authenticate) passes it on.
    if (err.res) return err.getResponse();
    // Raised by Hono itself (e.g. a malformed request it refused); keep its status, not its text.
    return errorResponse(new ApiError(err.status as ContentfulStatusCode, "bad_request", "The request could not be processed."));
  }
  const e = err instanceof Error ? err : new Error(String(err));
  logEvent("error", "http.unhandled_error", { method: c.req.method, path: new URL(c.req.url).pathname, error: e }, "worker");
  return errorResponse(new ApiError(500, "internal_error", "Something went wrong on our side. Please try again."));
}
