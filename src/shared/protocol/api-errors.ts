/**
 * The HTTP API's one error shape, `{ error: { code, message, field? } }`, and every code it uses.
 * The Worker can only throw these codes (src/worker/http/errors.ts takes an ApiErrorCode); the
 * client switches on them (src/client/api.ts).
 */
import * as v from "valibot";

export const API_ERROR_CODES = [
  // 400: the request itself
  "invalid_body", // not JSON, not an object, not UTF-8
  "invalid_field", // a field breaks its schema; `field` names it
  "bad_request", // refused by the HTTP layer (e.g. a malformed Authorization header)
  // 401 / 403
  "unauthorized",
  "invalid_credentials",
  "seat_reserved",
  "forbidden_origin", // a cookie-authenticated state change from a page of another origin (CSRF)
  // 404
  "not_found",
  "user_not_found",
  // 409
  "username_taken",
  "already_in_tournament",
  "already_matched",
  "already_playing",
  "cannot_leave",
  "game_finished",
  "game_full",
  "tournament_closed",
  "tournament_full",
  // 413 / 415 / 429
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  // 5xx
  "internal_error",
  "server_misconfigured",
  "unavailable",
  "metrics_not_configured",
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const ApiErrorBody = v.object({
  error: v.object({
    code: v.picklist(API_ERROR_CODES),
    message: v.string(),
    field: v.optional(v.string()),
  }),
});
export type ApiErrorBody = v.InferOutput<typeof ApiErrorBody>;
