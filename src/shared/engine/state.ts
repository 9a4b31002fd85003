/** Creating and copying game states. */
import { validateConfig } from "./config";
import { paddleHome } from "./geometry";
import { SIDES_BY_MODE, type GameConfig, type GameState } from "./types";

/**
 * A new game in phase "serving": ball at the centre, paddles centred, the first serve after
 * `servePauseTicks`. `seed` is reduced to a uint32 (`seed >>> 0`) and seeds the serve PRNG.
 */
export function createGame(config: GameConfig, seed: number): GameState {
  validateConfig(config);
  const sides = SIDES_BY_MODE[config.mode];
  return {
    config: { ...config },
    tick: 0,
    phase: "serving",
    serveIn: config.servePauseTicks,
    ball: { x: config.width / 2, y: config.height / 2, vx: 0, vy: 0, speed: config.ballSpeed },
    paddles: sides.map((side) => ({ side, pos: paddleHome(config, side), dir: 0 as const, active: true })),
    scores: sides.map(() => 0),
    lastTouch: -1,
    winner: -1,
    rng: seed >>> 0,
    deadBalls: 0,
    letThrough: sides.map(() => 0),
  };
}

/** Deep copy, written out by hand (faster than structuredClone, and works everywhere). */
export function cloneState(s: GameState): GameState {
  const paddles = new Array(s.paddles.length);
  for (let i = 0; i < s.paddles.length; i++) {
    const p = s.paddles[i];
    paddles[i] = { side: p.side, pos: p.pos, dir: p.dir, active: p.active };
  }
  const b = s.ball;
  return {
    config: { ...s.config },
    tick: s.tick,
    phase: s.phase,
    serveIn: s.serveIn,
    ball: { x: b.x, y: b.y, vx: b.vx, vy: b.vy, speed: b.speed },
    paddles,
    scores: s.scores.slice(),
    lastTouch: s.lastTouch,
    winner: s.winner,
    rng: s.rng,
    deadBalls: s.deadBalls ?? 0,
    letThrough: s.letThrough ? s.letThrough.slice() : s.scores.map(() => 0),
  };
}
