/**
 * One fixed tick of the simulation. Order inside a tick:
 *  1. inputs: each defined entry replaces that seat's held direction (anything > 0 is +1, < 0 is
 *     -1, else 0). Inactive seats ignore input.
 *  2. paddles move `paddleSpeed * dir`, clamped to `paddleRange`. Speed is per tick, so sending
 *     more inputs never moves a paddle faster.
 *  3. phase "serving": count down `serveIn`; at 0 the ball is served (it starts moving next tick).
 *     phase "playing": the ball sweeps one tick (collide.ts), possibly scoring.
 * A state in phase "over" is left untouched (tick included).
 */
import { advanceBall } from "./collide";
import { clampPaddlePos } from "./geometry";
import { serveBall } from "./serve";
import { cloneState } from "./state";
import type { Dir, GameEvent, GameState, StepInputs } from "./types";

export interface StepResult {
  state: GameState;
  events: GameEvent[];
}

/** Pure step: returns a new state and this tick's events; `state` is not modified. */
export function step(state: GameState, inputs?: StepInputs): StepResult {
  const next = cloneState(state);
  const events: GameEvent[] = [];
  stepInPlace(next, inputs, events);
  return { state: next, events };
}

/** Mutating step for hot loops: advances `state` by one tick and appends events to `events`. */
export function stepInPlace(state: GameState, inputs: StepInputs | undefined, events: GameEvent[]): void {
  if (state.phase === "over") return;
  state.tick++;
  movePaddles(state, inputs);
  if (state.phase === "serving") {
    state.serveIn--;
    if (state.serveIn <= 0) serveBall(state, events);
    return;
  }
  advanceBall(state, events);
}

export function toDir(value: unknown): Dir {
  return typeof value === "number" ? (value > 0 ? 1 : value < 0 ? -1 : 0) : 0;
}

function movePaddles(state: GameState, inputs: StepInputs | undefined): void {
  const c = state.config;
  const paddles = state.paddles;
  for (let seat = 0; seat < paddles.length; seat++) {
    const p = paddles[seat];
    if (!p.active) continue;
    const input = inputs ? inputs[seat] : undefined;
    if (input !== undefined) p.dir = toDir(input);
    if (p.dir !== 0) p.pos = clampPaddlePos(c, p.side, p.pos + p.dir * c.paddleSpeed);
  }
}
