/** Remote play and tournament routes (docs/protocol.md), on the app's never-throwing `request`. */
import type { Mode } from "../../shared/engine/types";
import type {
  GameStatus,
  LiveGamesAnswer,
  PlayAnswer,
  TournamentChartAnswer,
  TournamentJoinAnswer,
  TournamentListAnswer,
} from "../../shared/protocol/http";
import { request } from "../api";

export type {
  GameStatus,
  LiveGame,
  PlayAnswer,
  TournamentJoinAnswer as TournamentJoin,
  TournamentListItem as TournamentRow,
} from "../../shared/protocol/http";

const code = (id: string) => encodeURIComponent(id.trim().toUpperCase());

export const onlineApi = {
  play: (mode: Mode) => request<PlayAnswer>("POST", "/api/play", { mode }),
  cancel: () => request<void>("DELETE", "/api/play"),
  createPrivate: (mode: Mode) => request<PlayAnswer>("POST", "/api/games", { mode }),
  join: (gameId: string) => request<PlayAnswer>("POST", `/api/games/${code(gameId)}/join`),
  live: () => request<LiveGamesAnswer>("GET", "/api/games/live"),
  status: (gameId: string) => request<GameStatus>("GET", `/api/games/${code(gameId)}`),
  tournaments: () => request<TournamentListAnswer>("GET", "/api/tournaments"),
  createTournament: (name: string) => request<TournamentJoinAnswer>("POST", "/api/tournaments", name ? { name } : {}),
  quickJoin: () => request<TournamentJoinAnswer>("POST", "/api/tournaments/join", {}),
  joinTournament: (id: string) => request<TournamentJoinAnswer>("POST", `/api/tournaments/${code(id)}/join`, {}),
  leaveTournament: (id: string) => request<void>("POST", `/api/tournaments/${code(id)}/leave`, {}),
  chart: (id: string) => request<TournamentChartAnswer>("GET", `/api/tournaments/${code(id)}`),
};
