/**
 * Typed wrapper over the accounts HTTP API (same origin, JSON, cookie session).
 * Every call resolves to an ApiResult: it never throws, so screens handle every outcome.
 */
import type { LeaderboardEntry } from "../shared/protocol/http";
import type { Mode, Side } from "../shared/engine/types";
import { showNotice } from "./notices";

export interface SessionUser {
  id: string;
  username: string;
}

export interface Me extends SessionUser {
  wins: number;
  losses: number;
  rating: number;
  createdAt: string | number;
}

export interface PublicUser {
  username: string;
  wins: number;
  losses: number;
  rating: number;
  createdAt: string | number;
}

export interface MatchPlayer {
  username: string;
  seat: number;
  side: Side;
  score: number;
  result: string; // "win" | "loss" | ... (server-defined)
}

export interface MatchSummary {
  id: string;
  mode: Mode;
  players: MatchPlayer[];
  winner: string | null;
  reason: string;
  startedAt: string | number;
  endedAt: string | number | null;
}

export interface Profile {
  user: PublicUser;
  matches: MatchSummary[];
}

export type { LeaderboardEntry };

export type ApiError =
  /** The server answered with an error status. `field` names the offending form field (400). */
  | { kind: "http"; status: number; code: string; message: string; field?: string; retryAfterSeconds?: number }
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
    code: typeof detail?.code === "string" ? detail.code : `http_${response.status}`,
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

export interface Credentials {
  username: string;
  password: string;
}

export type AuthResponse = { user: SessionUser; token: string };

export const api = {
  register: (credentials: Credentials) => request<AuthResponse>("POST", "/api/auth/register", credentials),
  login: (credentials: Credentials) => request<AuthResponse>("POST", "/api/auth/login", credentials),
  logout: () => request<void>("POST", "/api/auth/logout"),
  me: () => request<{ user: Me }>("GET", "/api/me"),
  profile: (username: string) => request<Profile>("GET", `/api/users/${encodeURIComponent(username)}`),
  leaderboard: () => request<{ players: LeaderboardEntry[] }>("GET", "/api/leaderboard"),
};
