/** Remote play and tournament routes (docs/protocol.md), on the app's never-throwing `request`. */
import type { Mode } from "../../shared/engine/types";
import type { PlayerInfo, SessionPhase } from "../../shared/protocol/messages";
import type { TournamentChart } from "../../shared/protocol/tournament";
import { request } from "../api";

export interface PlayAnswer {
  gameId: string;
  seat: number;
  status: "waiting" | "matched" | "existing";
}

export interface LiveGame {
  gameId: string;
  mode: Mode;
  phase: SessionPhase;
  players: string[];
  scores: number[];
  updatedAt: number;
}

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

export interface TournamentRow {
  id: string;
  name: string;
  status: "pending" | "running" | string;
  createdAt: number;
  players: number;
}

export interface TournamentJoin {
  tournamentId: string;
  position: number;
  outcome: "joined" | "already";
}

const code = (id: string) => encodeURIComponent(id.trim().toUpperCase());

export const onlineApi = {
  play: (mode: Mode) => request<PlayAnswer>("POST", "/api/play", { mode }),
  cancel: () => request<void>("DELETE", "/api/play"),
  createPrivate: (mode: Mode) => request<PlayAnswer>("POST", "/api/games", { mode }),
  join: (gameId: string) => request<PlayAnswer>("POST", `/api/games/${code(gameId)}/join`),
  live: () => request<{ games: LiveGame[] }>("GET", "/api/games/live"),
  status: (gameId: string) => request<GameStatus>("GET", `/api/games/${code(gameId)}`),
  tournaments: () => request<{ tournaments: TournamentRow[] }>("GET", "/api/tournaments"),
  createTournament: (name: string) => request<TournamentJoin>("POST", "/api/tournaments", name ? { name } : {}),
  quickJoin: () => request<TournamentJoin>("POST", "/api/tournaments/join", {}),
  joinTournament: (id: string) => request<TournamentJoin>("POST", `/api/tournaments/${code(id)}/join`, {}),
  leaveTournament: (id: string) => request<void>("POST", `/api/tournaments/${code(id)}/leave`, {}),
  chart: (id: string) => request<{ chart: TournamentChart }>("GET", `/api/tournaments/${code(id)}`),
};
