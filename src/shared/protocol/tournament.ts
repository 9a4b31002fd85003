/**
 * Messages of the tournament hall WebSocket (`/ws/tournament/:id`). The hall is server -> client
 * only: clients send nothing but the literal "ping" (answered "pong" by the runtime); any other
 * frame gets an `error` and is otherwise ignored.
 */
import * as v from "valibot";

export type TournamentStatus = "open" | "running" | "finished" | "cancelled";
export type ChartMatchStatus = "waiting" | "ready" | "done";

export interface ChartPlayer {
  userId: string;
  username: string;
  /** Has a hall socket open right now. */
  present: boolean;
  /** Lost a match. */
  eliminated: boolean;
}

export interface ChartMatch {
  id: "sf1" | "sf2" | "final";
  round: "semi" | "final";
  players: ({ userId: string; username: string } | null)[];
  gameId: string | null;
  status: ChartMatchStatus;
  winner: string | null;
  scores: number[] | null;
  reason: "normal" | "forfeit" | "no_show" | "walkover" | "abandoned" | null;
  /** While the match's game runs: its score (by seat) and phase; null before it starts and once done. */
  live: LiveScore | null;
}

/** A running match's score in the hall; `match_score` carries it on every change. */
export const LiveScore = v.object({
  scores: v.array(v.pipe(v.number(), v.integer(), v.minValue(0))),
  phase: v.picklist(["countdown", "playing", "paused"]),
});
export type LiveScore = v.InferOutput<typeof LiveScore>;

/** `match_score`: a live match's score or phase changed (a point, a pause, the start). */
export const TournamentMatchScoreMsg = v.object({
  type: v.literal("match_score"),
  matchId: v.picklist(["sf1", "sf2", "final"]),
  gameId: v.string(),
  ...LiveScore.entries,
});
export type TournamentMatchScoreMsg = v.InferOutput<typeof TournamentMatchScoreMsg>;

/** Validates a `match_score` on arrival (the client): the message, or null for a malformed one. */
export function parseMatchScore(msg: unknown): TournamentMatchScoreMsg | null {
  const parsed = v.safeParse(TournamentMatchScoreMsg, msg);
  return parsed.success ? parsed.output : null;
}

export interface TournamentChart {
  id: string;
  name: string;
  status: TournamentStatus;
  createdAt: number;
  players: ChartPlayer[];
  matches: ChartMatch[];
  champion: { userId: string; username: string } | null;
  /** Who is in the hall, participants and spectators alike. */
  spectators: number;
}

export interface TournamentChartMsg { type: "tournament_chart"; chart: TournamentChart; you: { userId: string; role: "player" | "spectator" } }
export interface PresenceMsg { type: "presence"; present: string[]; spectators: number }
export interface TournamentMatchReadyMsg {
  type: "match_ready";
  matchId: "sf1" | "sf2" | "final";
  gameId: string;
  opponent: { userId: string; username: string };
  /** Epoch ms by which the seat must be taken, or the match is lost by no-show. */
  seatDeadline: number;
}
export interface TournamentOverMsg { type: "tournament_over"; champion: { userId: string; username: string } | null }
export interface TournamentErrorMsg { type: "error"; code: "read_only" | "too_large"; message: string }

export type TournamentServerMessage = TournamentChartMsg | PresenceMsg | TournamentMatchReadyMsg | TournamentMatchScoreMsg | TournamentOverMsg | TournamentErrorMsg;
