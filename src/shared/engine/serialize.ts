/**
 * Persisting and restoring a game. The state is already plain JSON-safe data, so the serialized
 * form is a deep copy of it. `restoreGame` accepts anything (storage, network) and checks the
 * whole shape before building a fresh state from the known fields only (extra fields are dropped).
 */
import { validateConfig } from "./config";
import { cloneState } from "./state";
import { SIDES_BY_MODE, type Ball, type Dir, type GameState, type Paddle, type Phase } from "./types";

/** A serialized game: the same shape as `GameState`, as plain data. */
export type SerializedGame = GameState;

export function serializeGame(state: GameState): SerializedGame {
  return cloneState(state);
}

const PHASES: readonly Phase[] = ["serving", "playing", "over"];

function fail(path: string, why: string): never {
  throw new Error(`restoreGame: ${path}: ${why}`);
}

function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(path, "expected an object");
  return v as Record<string, unknown>;
}

function num(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(path, "expected a finite number");
  return v;
}

function int(v: unknown, path: string, min: number, max: number): number {
  const n = num(v, path);
  if (!Number.isInteger(n) || n < min || n > max) fail(path, `expected an integer in [${min}, ${max}]`);
  return n;
}

/** Validates `value` as a GameState and returns an exact, independent copy. Throws on bad input. */
export function restoreGame(value: unknown): GameState {
  const o = obj(value, "state");
  try {
    validateConfig(o.config);
  } catch (e) {
    fail("config", (e as Error).message);
  }
  const config = { ...(o.config as GameState["config"]) };
  const sides = SIDES_BY_MODE[config.mode];
  const n = sides.length;

  const phase = o.phase as Phase;
  if (!PHASES.includes(phase)) fail("phase", `expected one of ${PHASES.join(", ")}`);

  const b = obj(o.ball, "ball");
  const ball: Ball = {
    x: num(b.x, "ball.x"),
    y: num(b.y, "ball.y"),
    vx: num(b.vx, "ball.vx"),
    vy: num(b.vy, "ball.vy"),
    speed: num(b.speed, "ball.speed"),
  };
  if (ball.speed < 0) fail("ball.speed", "must be >= 0");

  if (!Array.isArray(o.paddles) || o.paddles.length !== n) fail("paddles", `expected an array of ${n}`);
  const paddles: Paddle[] = o.paddles.map((raw: unknown, i: number) => {
    const p = obj(raw, `paddles[${i}]`);
    if (p.side !== sides[i]) fail(`paddles[${i}].side`, `expected ${JSON.stringify(sides[i])}`);
    if (p.dir !== -1 && p.dir !== 0 && p.dir !== 1) fail(`paddles[${i}].dir`, "expected -1, 0 or 1");
    if (typeof p.active !== "boolean") fail(`paddles[${i}].active`, "expected a boolean");
    return { side: sides[i], pos: num(p.pos, `paddles[${i}].pos`), dir: p.dir as Dir, active: p.active };
  });

  if (!Array.isArray(o.scores) || o.scores.length !== n) fail("scores", `expected an array of ${n}`);
  const scores = o.scores.map((s: unknown, i: number) => int(s, `scores[${i}]`, 0, Number.MAX_SAFE_INTEGER));

  return {
    config,
    tick: int(o.tick, "tick", 0, Number.MAX_SAFE_INTEGER),
    phase,
    serveIn: int(o.serveIn, "serveIn", 0, Number.MAX_SAFE_INTEGER),
    ball,
    paddles,
    scores,
    lastTouch: int(o.lastTouch, "lastTouch", -1, n - 1),
    winner: int(o.winner, "winner", -1, n - 1),
    rng: int(o.rng, "rng", 0, 0xffffffff),
    // Absent in states saved before the dead-ball rule: they read as "nothing untouched yet".
    deadBalls: o.deadBalls === undefined ? 0 : int(o.deadBalls, "deadBalls", 0, Number.MAX_SAFE_INTEGER),
    letThrough: o.letThrough === undefined ? scores.map(() => 0) : counts(o.letThrough, n, "letThrough"),
  };
}

function counts(v: unknown, n: number, path: string): number[] {
  if (!Array.isArray(v) || v.length !== n) fail(path, `expected an array of ${n}`);
  return v.map((x: unknown, i: number) => int(x, `${path}[${i}]`, 0, Number.MAX_SAFE_INTEGER));
}
