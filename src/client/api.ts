/**
 * Typed wrapper over the accounts HTTP API (same origin, JSON, cookie session).
 * Every call resolves to an ApiResult: it never throws, so screens handle every outcome.
 * Body types come from the shared schemas (src/shared/protocol/http.ts, account.ts); error codes
 * from the shared union (api-errors.ts).
 */
import type { ChangePasswordBody, Credentials } from "../shared/protocol/account";
import type { ApiErrorCode } from "../shared/protocol/api-errors";
import type { AuthAnswer, LeaderboardAnswer, MatchSummary, MeAnswer, ProfileAnswer, SessionUser } from "../shared/protocol/http";
import { showNotice } from "./notices";

export type { AuthAnswer, Credentials, MatchSummary, SessionUser };
export type Me = MeAnswer["user"];
export type Profile = ProfileAnswer;

export type ApiError =
  /**
   * The server answered with an error status. `code` is one of the API's codes, or `http_<status>`
   * when something in front of the API answered (no JSON error body). `field` names the offending form field (400).
   */
  | { kind: "http"; status: number; code: ApiErrorCode | `http_${number}`; message: string; field?: string; retryAfterSeconds?: number }
  /** No answer: offline, DNS, connection reset, or a response that was not the API's JSON. */
  | { kind: "network"; message: string };

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; error: ApiError };

const NETWORK_MESSAGE = "Can't reach the server. Check your connection and try again.";

export async function request<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    showNotice("network", "error", NETWORK_MESSAGE);
    return { ok: false, error: { kind: "network", message: NETWORK_MESSAGE } };
  }

  if (response.status === 204) return { ok: true, status: 204, data: undefined as T };

  const isJson = (response.headers.get("Content-Type") ?? "").includes("application/json");
  let payload: unknown = null;
  if (isJson) {
    try {
      payload = await response.json();
    } catch {
      payload = null;
    }
  }

  if (response.ok) {
    if (payload === null) {
      // E.g. the SPA fallback answered with index.html: the API is not there.
      const message = "The server sent an unexpected answer. Try again in a moment.";
      return { ok: false, error: { kind: "network", message } };
    }
    return { ok: true, status: response.status, data: payload as T };
  }

  const detail = (payload as { error?: { code?: unknown; message?: unknown; field?: unknown } } | null)?.error;
  const error: ApiError = {
    kind: "http",
    status: response.status,
    // Trusted as the API's union: the Worker can only send its codes (src/worker/http/errors.ts).
    code: typeof detail?.code === "string" ? (detail.code as ApiErrorCode) : `http_${response.status}`,
    message: typeof detail?.message === "string" ? detail.message : defaultMessage(response.status),
  };
  if (typeof detail?.field === "string") error.field = detail.field;
  if (response.status === 429) error.retryAfterSeconds = parseRetryAfter(response.headers.get("Retry-After"));
  return { ok: false, error };
}

function defaultMessage(status: number): string {
  if (status === 401) return "You need to sign in.";
  if (status === 404) return "Not found.";
  if (status === 429) return "Too many attempts.";
  if (status >= 500) return "The server had a problem. Try again in a moment.";
  return "Something went wrong.";
}

/** Retry-After in seconds (the API sends delta-seconds); 60 when missing or unreadable. */
export function parseRetryAfter(value: string | null): number {
  const seconds = Math.ceil(Number(value));
  return seconds > 0 ? seconds : 60;
}

export const api = {
  register: (credentials: Credentials) => request<AuthAnswer>("POST", "/api/auth/register", credentials),
  login: (credentials: Credentials) => request<AuthAnswer>("POST", "/api/auth/login", credentials),
  logout: () => request<void>("POST", "/api/auth/logout"),
  me: () => request<MeAnswer>("GET", "/api/me"),
  changePassword: (body: ChangePasswordBody) => request<void>("POST", "/api/me/password", body),
  profile: (username: string) => request<ProfileAnswer>("GET", `/api/users/${encodeURIComponent(username)}`),
  leaderboard: () => request<LeaderboardAnswer>("GET", "/api/leaderboard"),
};
