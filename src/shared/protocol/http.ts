/**
 * Every HTTP request and response body of the API (docs/protocol.md), one valibot schema each.
 * The Worker validates request bodies with them (hono's validator, src/worker/http/body.ts) and
 * builds responses typed by them; the client takes its types from them (src/client/api.ts,
 * src/client/online/api.ts); the objects that produce a body (GameSession's status, the
 * Matchmaker's live list) use the same types. Account bodies: account.ts; the error body: api-errors.ts.
 * Shapes the WebSocket protocol already defines (PlayerInfo, TournamentChart) are referenced, not
 * copied (v.custom with a shallow check).
 */
import * as v from "valibot";
import type { Mode } from "../engine/types";
import type { PlayerInfo, SessionPhase } from "./messages";
import type { TournamentChart } from "./tournament";

const isObject = (x: unknown): boolean => typeof x === "object" && x !== null;

export const ModeSchema = v.picklist(["2p", "4p"] satisfies Mode[], 'mode must be "2p" or "4p".');
export const SessionPhaseSchema = v.picklist(
  ["waiting", "countdown", "playing", "paused", "finished", "abandoned"] satisfies SessionPhase[],
);

// ---- Requests ----

/** `POST /api/play`, `POST /api/games`: the mode, 2P when absent. */
export const PlayBody = v.object({ mode: v.optional(ModeSchema, "2p") });
export type PlayBody = v.InferInput<typeof PlayBody>;

export const TOURNAMENT_NAME_MAX = 40;
/**
 * Characters a name shown to other players may not contain: control characters and the bidi
 * overrides/isolates/marks (U+202E "right-to-left override" turns "Cup evil.exe" into a name
 * that reads differently on every screen). Refused with a clear 400 rather than silently stripped,
 * so what the creator typed is what everyone sees. Zero-width joiners stay (emoji sequences).
 */
export const UNSAFE_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** `POST /api/tournaments`: an optional name, trimmed; see UNSAFE_NAME_CHARS. */
export const CreateTournamentBody = v.object({
  name: v.optional(
    v.pipe(
      v.string("name must be a string."),
      v.check((s) => !UNSAFE_NAME_CHARS.test(s), "name may not contain control or text-direction characters."),
      v.transform((s) => s.trim()),
      v.maxLength(TOURNAMENT_NAME_MAX, `name must be at most ${TOURNAMENT_NAME_MAX} characters.`),
    ),
    "",
  ),
});
export type CreateTournamentBody = v.InferInput<typeof CreateTournamentBody>;

// ---- Responses ----

/** `POST /api/play`, `POST /api/games`, `POST /api/games/:id/join`. */
export const PlayAnswer = v.object({
  gameId: v.string(),
  seat: v.number(),
  status: v.picklist(["waiting", "matched", "existing"]),
  /** The locationHint region the game runs in (wnam, enam, sam, weur, eeur, apac, oc, afr, me). */
  region: v.optional(v.string()),
});
export type PlayAnswer = v.InferOutput<typeof PlayAnswer>;

/** One row of `GET /api/games/live`. */
export const LiveGame = v.object({
  gameId: v.string(),
  mode: ModeSchema,
  phase: SessionPhaseSchema,
  players: v.array(v.string()),
  scores: v.array(v.number()),
  updatedAt: v.number(),
});
export type LiveGame = v.InferOutput<typeof LiveGame>;
export const LiveGamesAnswer = v.object({ games: v.array(LiveGame) });
export type LiveGamesAnswer = v.InferOutput<typeof LiveGamesAnswer>;

/** `GET /api/games/:gameId`. */
export const GameStatus = v.object({
  gameId: v.string(),
  mode: ModeSchema,
  phase: SessionPhaseSchema,
  isPrivate: v.boolean(),
  players: v.array(v.custom<PlayerInfo>(isObject)),
  scores: v.array(v.number()),
  seatsTotal: v.number(),
  seatsTaken: v.number(),
  spectators: v.number(),
  tournamentId: v.nullable(v.string()),
});
export type GameStatus = v.InferOutput<typeof GameStatus>;

/** One row of `GET /api/tournaments`. */
export const TournamentListItem = v.object({
  id: v.string(),
  name: v.string(),
  status: v.picklist(["open", "running"]),
  createdAt: v.number(),
  players: v.number(),
});
export type TournamentListItem = v.InferOutput<typeof TournamentListItem>;
export const TournamentListAnswer = v.object({ tournaments: v.array(TournamentListItem) });
export type TournamentListAnswer = v.InferOutput<typeof TournamentListAnswer>;

/** `POST /api/tournaments`, `/join`, `/:id/join`. */
export const TournamentJoinAnswer = v.object({
  tournamentId: v.string(),
  position: v.number(),
  outcome: v.picklist(["joined", "already"]),
});
export type TournamentJoinAnswer = v.InferOutput<typeof TournamentJoinAnswer>;

/** `GET /api/tournaments/:id` (public). */
export const TournamentChartAnswer = v.object({ chart: v.custom<TournamentChart>(isObject) });
export type TournamentChartAnswer = v.InferOutput<typeof TournamentChartAnswer>;

/** One row of `GET /api/leaderboard` (public). */
export const LeaderboardEntry = v.object({
  username: v.string(),
  wins: v.number(),
  losses: v.number(),
  rating: v.number(),
  winRate: v.number(),
});
export type LeaderboardEntry = v.InferOutput<typeof LeaderboardEntry>;
export const LeaderboardAnswer = v.object({ players: v.array(LeaderboardEntry) });
export type LeaderboardAnswer = v.InferOutput<typeof LeaderboardAnswer>;

/** `POST /api/auth/register` (201), `POST /api/auth/login` (200). */
export const SessionUser = v.object({ id: v.string(), username: v.string() });
export type SessionUser = v.InferOutput<typeof SessionUser>;
export const AuthAnswer = v.object({ user: SessionUser, token: v.string() });
export type AuthAnswer = v.InferOutput<typeof AuthAnswer>;

/** Tournaments a player won, newest first (at most 5 listed). */
export const Championships = v.object({
  count: v.number(),
  recent: v.array(v.object({ id: v.string(), name: v.string(), endedAt: v.nullable(v.string()) })),
});
export type Championships = v.InferOutput<typeof Championships>;

const AccountStats = {
  username: v.string(),
  wins: v.number(),
  losses: v.number(),
  rating: v.number(),
  /** ISO 8601. */
  createdAt: v.string(),
};

/** `GET /api/me` (signed in). */
export const MeAnswer = v.object({
  user: v.object({ id: v.string(), ...AccountStats }),
  championships: Championships,
});
export type MeAnswer = v.InferOutput<typeof MeAnswer>;

/** One match on a profile. Times are ISO 8601. */
export const MatchSummary = v.object({
  id: v.string(),
  mode: v.string(),
  players: v.array(v.object({ username: v.string(), seat: v.number(), side: v.string(), score: v.number(), result: v.string() })),
  /** Username of the winner, or null. */
  winner: v.nullable(v.string()),
  reason: v.string(),
  startedAt: v.string(),
  endedAt: v.string(),
  tournamentId: v.nullable(v.string()),
  /** A tournament match's round; null outside tournaments (and for matches recorded before rounds were). */
  round: v.nullable(v.picklist(["semi", "final"])),
});
export type MatchSummary = v.InferOutput<typeof MatchSummary>;

/** `GET /api/users/:username` (public, read-only): the account, its 20 latest matches, its titles. */
export const ProfileAnswer = v.object({
  user: v.object(AccountStats),
  matches: v.array(MatchSummary),
  championships: Championships,
});
export type ProfileAnswer = v.InferOutput<typeof ProfileAnswer>;

// ---- Answers of the objects' RPC methods the routes turn into HTTP (Matchmaker, Tournament) ----

export type PlayRefusal = "not_found" | "full" | "finished" | "reserved" | "already_playing";
export type PlayResult = ({ ok: true } & PlayAnswer) | { ok: false; reason: PlayRefusal };

export type TournamentJoinRefusal = "full" | "closed" | "in_another_tournament" | "not_found";
export type TournamentJoinResult =
  | { ok: true; outcome: TournamentJoinAnswer["outcome"]; position: number }
  | { ok: false; reason: TournamentJoinRefusal };
