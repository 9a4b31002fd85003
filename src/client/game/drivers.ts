/**
 * Input drivers: things that, once per tick before the engine steps, look at the game (read-only)
 * and hold/release directions on the SeatInput - exactly like a player pressing keys.
 */
import type { GameState } from "../../shared/engine/types";
import { listen } from "../dom";
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

/**
 * Wires pointer drags on `canvas` to `steering`: each pointer picks its seat where it first
 * touches (`seatAt`, in field coordinates) and then aims that seat's paddle at the pointer.
 * `toField` maps client coordinates to the field (Renderer.toField, so rotation is handled).
 */
export function attachPointerSteering(
  canvas: HTMLElement,
  toField: (clientX: number, clientY: number) => { x: number; y: number } | null,
  steering: PointerSteering,
  input: SeatInput,
  seatAt: (x: number, y: number) => number,
): () => void {
  const seats = new Map<number, number>();
  const aim = (event: PointerEvent) => {
    const at = toField(event.clientX, event.clientY);
    if (!at) return;
    const seat = seats.get(event.pointerId) ?? seatAt(at.x, at.y);
    seats.set(event.pointerId, seat);
    // A left/right paddle follows the pointer's y, a top/bottom one its x.
    steering.aim(event.pointerId, seat, seat < 2 ? at.y : at.x);
  };
  const lift = (event: PointerEvent) => {
    seats.delete(event.pointerId);
    steering.lift(event.pointerId, input);
  };
  const offs = [
    listen(canvas, "pointerdown", (event) => {
      event.preventDefault();
      canvas.setPointerCapture?.(event.pointerId);
      aim(event);
    }),
    listen(canvas, "pointermove", (event) => {
      if (seats.has(event.pointerId)) aim(event);
    }),
    listen(canvas, "pointerup", lift),
    listen(canvas, "pointercancel", lift),
  ];
  return () => offs.forEach((off) => off());
}
