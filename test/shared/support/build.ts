/** Helpers to set up exact situations for engine tests. */
import { createGame, defaultConfig, type ConfigOverrides, type GameEvent, type GameState, type Mode, type StepInputs, step } from "../../../src/shared/engine";

/** A game already in play (serve skipped), with the ball placed and aimed as given. */
export function playing(
  mode: Mode,
  ball: { x: number; y: number; vx: number; vy: number },
  overrides: ConfigOverrides = {},
  seed = 1,
): GameState {
  const s = createGame(defaultConfig(mode, overrides), seed);
  s.phase = "playing";
  s.serveIn = 0;
  s.ball = { ...ball, speed: Math.hypot(ball.vx, ball.vy) };
  return s;
}

/** Steps until `until(event)` matches or `maxTicks` pass; returns the final state and all events. */
export function runUntil(
  state: GameState,
  until: (e: GameEvent) => boolean,
  maxTicks = 1000,
  inputs?: StepInputs,
): { state: GameState; events: GameEvent[]; ticks: number; found: GameEvent | undefined } {
  let s = state;
  const all: GameEvent[] = [];
  for (let t = 1; t <= maxTicks; t++) {
    const r = step(s, inputs);
    s = r.state;
    all.push(...r.events);
    const found = r.events.find(until);
    if (found) return { state: s, events: all, ticks: t, found };
  }
  return { state: s, events: all, ticks: maxTicks, found: undefined };
}

/** Angle of a velocity from the +x axis (for left/right paddles: from the paddle normal). */
export function angleOf(vx: number, vy: number): number {
  return Math.atan2(vy, vx);
}
