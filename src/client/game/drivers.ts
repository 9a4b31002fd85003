/**
 * Input drivers: things that, once per tick before the engine steps, look at the game (read-only)
 * and hold/release directions on the SeatInput - exactly like a player pressing keys.
 */
import type { GameState } from "../../shared/engine/types";
import { dirToward, type SeatInput } from "./input";

export interface InputDriver {
  /** Called once per fixed tick, before the input is read for the engine step. */
  beforeStep(state: GameState, input: SeatInput): void;
  /** The match paused: let go of everything held. */
  release?(input: SeatInput): void;
  /** The match starts over (a new game state, tick back to 0). */
  restart?(input: SeatInput): void;
}

/**
 * Touch / pointer drag: while a finger is down, the seat holds the direction toward the finger
 * (like steering with keys), releasing within a dead zone so the paddle does not jitter.
 */
export class PointerSteering implements InputDriver {
  private readonly targets = new Map<number, { seat: number; target: number }>();

  /** A pointer is down or moved: `target` is the wanted paddle centre along its axis (field px). */
  aim(pointerId: number, seat: number, target: number): void {
    this.targets.set(pointerId, { seat, target });
  }

  /** The pointer went up / was cancelled. */
  lift(pointerId: number, input: SeatInput): void {
    const aim = this.targets.get(pointerId);
    if (aim) input.release(aim.seat, `pointer:${pointerId}`);
    this.targets.delete(pointerId);
  }

  beforeStep(state: GameState, input: SeatInput): void {
    for (const [pointerId, { seat, target }] of this.targets) {
      const paddle = state.paddles[seat];
      if (!paddle) continue;
      input.hold(seat, dirToward(paddle.pos, target, state.config.paddleSpeed), `pointer:${pointerId}`);
    }
  }

  release(input: SeatInput): void {
    for (const pointerId of [...this.targets.keys()]) this.lift(pointerId, input);
  }
}
