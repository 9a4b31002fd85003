/**
 * The single input path: every source (keyboard, touch, on-screen buttons, the AI) only ever
 * "holds" or "releases" a direction for a seat. `SeatInput.dirFor(seat)` is the ONE place that
 * turns held directions into the Dir the engine receives. Nothing here touches paddle positions.
 */
import type { Dir } from "../../shared/engine/types";
import { listen } from "../dom";

/** A held direction for a seat, tagged with what holds it ("KeyW", "touch:3", "ai", ...). */
interface Hold {
  dir: -1 | 1;
  order: number;
}

export class SeatInput {
  private readonly holds: Array<Map<string, Hold>>;
  private counter = 0;

  constructor(readonly seats: number) {
    this.holds = Array.from({ length: seats }, () => new Map<string, Hold>());
  }

  /** Source `source` starts holding `dir` for `seat` (a key went down). Repeats are ignored. */
  press(seat: number, dir: -1 | 1, source: string): void {
    const holds = this.holds[seat];
    if (!holds) return;
    const existing = holds.get(source);
    if (existing && existing.dir === dir) return;
    holds.set(source, { dir, order: ++this.counter });
  }

  /** Source `source` lets go for `seat` (a key went up). */
  release(seat: number, source: string): void {
    this.holds[seat]?.delete(source);
  }

  /**
   * Convenience for continuous sources (AI, touch drag): make `source` hold exactly `dir`
   * (0 = release), as if it pressed/released a key.
   */
  hold(seat: number, dir: Dir, source: string): void {
    if (dir === 0) this.release(seat, source);
    else this.press(seat, dir, source);
  }

  /** The direction `seat` is steering: the most recently pressed still-held direction wins. */
  dirFor(seat: number): Dir {
    let best: Hold | null = null;
    for (const hold of this.holds[seat]?.values() ?? []) if (!best || hold.order > best.order) best = hold;
    return best ? best.dir : 0;
  }

  /** One Dir per seat, ready for the engine's `step(state, inputs)`. */
  dirs(): Dir[] {
    return this.holds.map((_, seat) => this.dirFor(seat));
  }

  /** Releases everything (pause, window blur: keys released elsewhere never arrive). */
  releaseAll(): void {
    for (const holds of this.holds) holds.clear();
  }
}

/** Key -> (seat, direction). Keys are `KeyboardEvent.code` values so layouts don't matter. */
export type KeyBindings = Readonly<Record<string, { seat: number; dir: -1 | 1 }>>;

/** Local 2 players on one keyboard: left = W/S, right = ArrowUp/ArrowDown. */
export const TWO_PLAYER_KEYS: KeyBindings = {
  KeyW: { seat: 0, dir: -1 },
  KeyS: { seat: 0, dir: 1 },
  ArrowUp: { seat: 1, dir: -1 },
  ArrowDown: { seat: 1, dir: 1 },
};

/** One human on the left: W/S and the arrows both work. */
export const SOLO_LEFT_KEYS: KeyBindings = {
  KeyW: { seat: 0, dir: -1 },
  KeyS: { seat: 0, dir: 1 },
  ArrowUp: { seat: 0, dir: -1 },
  ArrowDown: { seat: 0, dir: 1 },
};

/**
 * Feeds keyboard events into `input` through `bindings`, listening on the window so the game takes
 * keys without a click. Returns a function that detaches the listeners.
 */
export function attachKeyboard(input: SeatInput, bindings: KeyBindings, target: Window = window): () => void {
  const offs = [
    listen(target, "keydown", (event) => {
      const binding = bindings[event.code];
      if (!binding || event.ctrlKey || event.metaKey || event.altKey) return;
      event.preventDefault(); // arrows must not scroll the page
      input.press(binding.seat, binding.dir, event.code);
    }),
    listen(target, "keyup", (event) => {
      const binding = bindings[event.code];
      if (binding) input.release(binding.seat, event.code);
    }),
    listen(target, "blur", () => input.releaseAll()),
  ];
  return () => offs.forEach((off) => off());
}

/**
 * Turns a wanted paddle position into a held direction, like a player steering toward a point:
 * hold toward it, let go within `deadZone`. Used by touch drag; paddle state is only read.
 */
export function dirToward(current: number, target: number, deadZone: number): Dir {
  const delta = target - current;
  if (delta > deadZone) return 1;
  if (delta < -deadZone) return -1;
  return 0;
}
