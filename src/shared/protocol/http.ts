/**
 * Response bodies of the remote-play and tournament HTTP routes (docs/protocol.md), shared by the
 * Worker and its objects that produce them and the client that reads them.
 */
import type { Mode } from "../engine/types";
import type { PlayerInfo, SessionPhase } from "./messages";

/** `POST /api/play`, `POST /api/games`, `POST /api/games/:id/join`. */
export interface PlayAnswer {
  gameId: string;
  seat: number;
  status: "waiting" | "matched" | "existing";
}

/** One row of `GET /api/games/live`. */
export interface LiveGame {
  gameId: string;
  mode: Mode;
  phase: SessionPhase;
  players: string[];
  scores: number[];
  updatedAt: number;
}

/** `GET /api/games/:gameId`. */
export interface GameStatus {
  gameId: string;
  mode: Mode;
  phase: SessionPhase;
  isPrivate: boolean;
  players: PlayerInfo[];
  scores: number[];
  seatsTotal: number;
  seatsTaken: number;
  spectators: number;
  tournamentId: string | null;
}

/** One row of `GET /api/tournaments`. */
export interface TournamentListItem {
  id: string;
  name: string;
  status: "open" | "running";
  createdAt: number;
  players: number;
}

/** `POST /api/tournaments`, `/join`, `/:id/join`. */
export interface TournamentJoinAnswer {
  tournamentId: string;
  position: number;
  outcome: "joined" | "already";
}

/** One row of `GET /api/leaderboard`. */
export interface LeaderboardEntry {
  username: string;
  wins: number;
  losses: number;
  rating: number;
  winRate: number;
}
