/**
 * Puts the shared AI in a seat. The AI only sees the game through `observe` and acts only by
 * holding a direction on the SeatInput - the same path as a human's keys.
 */
import { AiPlayer, type AiLevel } from "../../shared/ai";
import type { GameState } from "../../shared/engine/types";
import type { InputDriver } from "./drivers";
import type { SeatInput } from "./input";

export { AI_LEVELS, isAiLevel, type AiLevel } from "./aiLevels";

export class AiDriver implements InputDriver {
  private ai: AiPlayer;

  constructor(
    private readonly level: AiLevel,
    private readonly seat: number,
    private seed: number,
  ) {
    this.ai = new AiPlayer(level, seat, seed);
  }

  beforeStep(state: GameState, input: SeatInput): void {
    this.ai.observe(state);
    input.hold(this.seat, this.ai.decide(state.tick), "ai");
  }

  release(input: SeatInput): void {
    input.release(this.seat, "ai");
  }

  restart(input: SeatInput): void {
    this.release(input);
    this.seed = (this.seed + 0x9e3779b9) >>> 0;
    this.ai = new AiPlayer(this.level, this.seat, this.seed);
  }
}
