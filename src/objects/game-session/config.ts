import type { Mode } from "../../shared/engine/types";

/** Server-side rules of one game, frozen into its storage at creation (a deploy never changes a live game's rules). */
export interface SessionConfig {
  winScore: number;
  rejoinTimeoutS: number;
  /**
   * Total seconds a player may be away across all drops of one started match (issue 12.7): each
   * drop's window is the rest of this budget, capped by rejoinTimeoutS; spent, the player forfeits
   * (2P) or becomes a wall (4P). Absent in records written before it existed: no budget.
   */
  awayBudgetS?: number;
  /** Seconds of play that make a match real without a point scored (rules.realMatch; absent: MIN_PLAYED_S). */
  realMatchS?: number;
  /** Spectator sockets one game accepts; past it an upgrade gets 503 (issue 12.11). Absent: the default. */
  maxSpectators?: number;
  countdownS: number;
  tickHz: number;
  /** Seconds a finished game keeps its storage before deleting it. */
  cleanupGraceS: number;
  /** Seconds a lobby may wait with nobody connected before it is abandoned. */
  lobbyIdleS: number;
  /**
   * Seconds a player who disconnects from a lobby that has not started keeps their seat (a page
   * reload); after that the seat is freed so matchmaking does not pair others with an empty chair.
   */
  lobbyGraceS: number;
  /** A player socket that has pinged before and is silent this long is treated as gone. */
  heartbeatTimeoutS: number;
}

/** The variables wrangler.toml [vars] / .dev.vars may set. */
export interface GameVars {
  WIN_SCORE?: string;
  WIN_SCORE_4P?: string;
  REJOIN_TIMEOUT_S?: string;
  AWAY_BUDGET_S?: string;
  REAL_MATCH_S?: string;
  MAX_SPECTATORS?: string;
  COUNTDOWN_S?: string;
  TICK_HZ?: string;
}

export const DEFAULT_MAX_SPECTATORS = 200;

function intVar(raw: string | undefined, fallback: number, min: number, max: number): number {
  const n = raw === undefined || raw === "" ? NaN : Number(raw);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

export function sessionConfigFromVars(vars: GameVars, mode: Mode): SessionConfig {
  return {
    winScore: mode === "4p" ? intVar(vars.WIN_SCORE_4P, 3, 1, 99) : intVar(vars.WIN_SCORE, 5, 1, 99),
    rejoinTimeoutS: intVar(vars.REJOIN_TIMEOUT_S, 30, 1, 600),
    awayBudgetS: intVar(vars.AWAY_BUDGET_S, 60, 1, 3600),
    realMatchS: intVar(vars.REAL_MATCH_S, 10, 0, 600),
    maxSpectators: intVar(vars.MAX_SPECTATORS, DEFAULT_MAX_SPECTATORS, 0, 10_000),
    countdownS: intVar(vars.COUNTDOWN_S, 3, 0, 10),
    // The engine's speeds are per tick and tuned for 60; other rates exist for tests and benches.
    tickHz: intVar(vars.TICK_HZ, 60, 10, 120),
    cleanupGraceS: 60,
    lobbyIdleS: 600,
    lobbyGraceS: 10,
    // Game clients ping every 2 s: three missed pings pause the match for everyone within ~7 s of a
    // silent drop (it was 15 s, long enough for points to be lost to an opponent nobody could see).
    heartbeatTimeoutS: 6,
  };
}
