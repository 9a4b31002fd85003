import type { GameVars } from "./game-session/config";
import type { ObservabilityEnv } from "./metrics/env";
import type { GameSession } from "./game-session/game-session";
import type { Matchmaker } from "./matchmaker/matchmaker";
import type { Tournament } from "./tournament/tournament";

/** The bindings the game objects need (the Worker's Env extends this). */
export interface GameEnv extends GameVars, ObservabilityEnv {
  DB: D1Database;
  GAME_SESSION: DurableObjectNamespace<GameSession>;
  MATCHMAKER: DurableObjectNamespace<Matchmaker>;
  TOURNAMENT: DurableObjectNamespace<Tournament>;
}
