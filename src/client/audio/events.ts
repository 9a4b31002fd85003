/**
 * Engine events -> cues. Shared by the local modes and (later) the online game view, so a hit
 * sounds the same everywhere.
 */
import type { GameEvent } from "../../shared/engine/types";
import { playCue } from "./synth";

export interface CueContext {
  /** The seat of the player at this screen, or undefined when everyone here plays (local 2P) or watches. */
  mySeat?: number;
}

export function onEngineEvents(events: readonly GameEvent[], context: CueContext = {}): void {
  for (const event of events) {
    switch (event.type) {
      case "paddle_hit":
        playCue("hit");
        break;
      case "wall_bounce":
        playCue("wall");
        break;
      case "point":
        playCue("score");
        break;
      case "game_over":
        playCue(context.mySeat === undefined || event.winner === context.mySeat ? "win" : "lose");
        break;
      case "serve":
        break; // the countdown / score cues already frame the serve
    }
  }
}
