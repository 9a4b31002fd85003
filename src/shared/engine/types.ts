/**
 * The game engine's data model. Everything here is plain data (JSON-safe numbers, strings,
 * booleans, arrays): a state can be stored in Durable Object storage, sent to a client, and
 * restored exactly. The engine functions that act on it live beside this file and are pure and
 * deterministic: no I/O, no clock, no DOM, no Math.random (randomness comes from `rng`).
 *
 * Units: pixels and ticks. The simulation always advances one fixed tick (1/60 s) per step;
 * velocities are pixels per tick.
 */

/** Game modes the engine knows: two paddles on a 900x600 field, or four on a 600x600 square. */
export type Mode = "2p" | "4p";

/** Where a paddle lives. 2P uses left/right; 4P uses all four. */
export type Side = "left" | "right" | "top" | "bottom";

/** A held input direction: -1 (up / left), 0 (still), +1 (down / right), in field coordinates. */
export type Dir = -1 | 0 | 1;

/**
 * Seat index -> side. A seat is a player slot; seat order is join order.
 * 2P: seat 0 = left, seat 1 = right. 4P: 0 = left, 1 = right, 2 = top, 3 = bottom.
 */
export const SIDES_BY_MODE: Readonly<Record<Mode, readonly Side[]>> = {
  "2p": ["left", "right"],
  "4p": ["left", "right", "top", "bottom"],
};

/** Tunables of one game. Defaults per mode come from `defaultConfig(mode)`. */
export interface GameConfig {
  mode: Mode;
  width: number; // field width in px (2P 900, 4P 600)
  height: number; // field height in px (600)
  winScore: number; // first to this many points wins (2P default 5, 4P default 3)
  paddleLength: number; // along the side it moves on (100)
  paddleThickness: number; // (10)
  paddleInset: number; // gap between the field edge and the paddle's back face
  paddleSpeed: number; // px per tick while a direction is held
  ballSize: number; // the ball is a square of this side (2P 20 or 30, 4P 20)
  ballSpeed: number; // px per tick at serve
  ballSpeedMax: number; // cap after speed-ups
  ballSpeedup: number; // multiplier applied on every paddle hit (e.g. 1.05)
  maxBounceAngle: number; // radians from the paddle normal at the paddle's very end
  servePauseTicks: number; // ticks the ball waits at centre before a serve
}

export interface Ball {
  x: number; // centre
  y: number; // centre
  vx: number; // px per tick
  vy: number;
  speed: number; // current magnitude of (vx, vy)
}

export interface Paddle {
  side: Side;
  /** Centre of the paddle along its axis (y for left/right, x for top/bottom). */
  pos: number;
  /** Direction currently held (input is a direction held until changed). */
  dir: Dir;
  /** false once the player is out (4P timeout): the side becomes a solid wall. */
  active: boolean;
}

/** What happened during one step, for sounds, effects, logs and server checkpoints. */
export type GameEvent =
  | { type: "paddle_hit"; seat: number }
  | { type: "wall_bounce" }
  | { type: "point"; scorer: number | null; side: Side } // scorer null: nobody touched (4P) -> no point
  | { type: "serve" }
  | { type: "game_over"; winner: number };

/** Engine phases. Countdown, pause-while-away and lobbies are the caller's business, not the engine's. */
export type Phase = "serving" | "playing" | "over";

export interface GameState {
  config: GameConfig;
  tick: number; // steps taken since creation
  phase: Phase;
  /** Ticks left before the ball is served (phase "serving"). */
  serveIn: number;
  ball: Ball;
  /** One per seat, index = seat. */
  paddles: Paddle[];
  /** One per seat, index = seat. */
  scores: number[];
  /** Seat that touched the ball last since the serve, or -1. */
  lastTouch: number;
  /** Seat that won, or -1. */
  winner: number;
  /** PRNG state (uint32), advanced only by serves; carried so replays are exact. */
  rng: number;
  /**
   * 4P dead-ball rule (scoring.ts): serves in a row that left the field with no paddle touching them.
   * Optional so states built before the rule (stored checkpoints, wire snapshots) still read as 0.
   */
  deadBalls?: number;
  /** 4P: per seat, balls that left through that seat's side untouched, over the whole match (tie-break). */
  letThrough?: number[];
}

/** Inputs for one step, index = seat; undefined keeps the held direction. */
export type StepInputs = ReadonlyArray<Dir | undefined>;
