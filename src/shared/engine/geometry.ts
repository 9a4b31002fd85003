/**
 * Field geometry shared by the simulation, the AI and the renderers. All rectangles are
 * axis-aligned, in field pixels, origin top-left, y down.
 */
import { SIDES_BY_MODE, type Ball, type GameConfig, type Mode, type Paddle, type Side } from "./types";

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Which axis a side's paddle slides along, and which way is "into the field" from it. */
export interface SideInfo {
  /** true when the paddle slides along x (top/bottom) and its normal is y. */
  horizontal: boolean;
  /** +1 if the field lies towards growing coordinates from this side (left, top), else -1. */
  inward: 1 | -1;
}

export const SIDE_INFO: Readonly<Record<Side, SideInfo>> = {
  left: { horizontal: false, inward: 1 },
  right: { horizontal: false, inward: -1 },
  top: { horizontal: true, inward: 1 },
  bottom: { horizontal: true, inward: -1 },
};

export function sideOfSeat(mode: Mode, seat: number): Side {
  const side = SIDES_BY_MODE[mode][seat];
  if (side === undefined) throw new Error(`seat ${seat} does not exist in ${mode}`);
  return side;
}

/** Seat index for a side, or -1 if the mode has no paddle there (2P top/bottom). */
export function seatOfSide(mode: Mode, side: Side): number {
  return SIDES_BY_MODE[mode].indexOf(side);
}

export function seatCount(mode: Mode): number {
  return SIDES_BY_MODE[mode].length;
}

/** Field extent along the paddle's sliding axis (height for left/right, width for top/bottom). */
export function sideLength(config: GameConfig, side: Side): number {
  return SIDE_INFO[side].horizontal ? config.width : config.height;
}

/** Coordinate of the field edge (the goal line) of a side, on its normal axis. */
export function edgeCoord(config: GameConfig, side: Side): number {
  if (side === "left" || side === "top") return 0;
  return side === "right" ? config.width : config.height;
}

/**
 * Coordinate, on the side's normal axis, of the plane the ball bounces on: the paddle's front
 * face. In 4P an eliminated side becomes a wall on this same plane, so the ball stays in the
 * region the other paddles can reach.
 */
export function faceCoord(config: GameConfig, side: Side): number {
  const back = config.paddleInset + config.paddleThickness;
  return SIDE_INFO[side].inward === 1 ? back : edgeCoord(config, side) - back;
}

/**
 * Range of a paddle's centre. 2P: the whole side. 4P: between the planes of the two
 * perpendicular paddles, so paddles never overlap in the corners (the 30x30 corner squares behind
 * the paddle planes are out of play; a ball that gets there is already past a paddle).
 */
export function paddleRange(config: GameConfig, side: Side): { min: number; max: number } {
  const length = sideLength(config, side);
  const margin = config.mode === "4p" ? config.paddleInset + config.paddleThickness : 0;
  const min = margin + config.paddleLength / 2;
  const max = length - min;
  return min <= max ? { min, max } : { min: length / 2, max: length / 2 };
}

/** Clamps a paddle centre into `paddleRange` (allocation-free: used every tick). */
export function clampPaddlePos(config: GameConfig, side: Side, pos: number): number {
  const length = SIDE_INFO[side].horizontal ? config.width : config.height;
  const margin = config.mode === "4p" ? config.paddleInset + config.paddleThickness : 0;
  const min = margin + config.paddleLength / 2;
  const max = length - min;
  if (min > max) return length / 2;
  return pos < min ? min : pos > max ? max : pos;
}

/** Centre of the paddle range: where paddles start and where the AI rests. */
export function paddleHome(config: GameConfig, side: Side): number {
  return sideLength(config, side) / 2;
}

/** The paddle's rectangle (for drawing and collisions). */
export function paddleRect(config: GameConfig, paddle: Pick<Paddle, "side" | "pos">): Rect {
  const { paddleLength: len, paddleThickness: t, paddleInset: inset } = config;
  switch (paddle.side) {
    case "left":
      return { x: inset, y: paddle.pos - len / 2, w: t, h: len };
    case "right":
      return { x: config.width - inset - t, y: paddle.pos - len / 2, w: t, h: len };
    case "top":
      return { x: paddle.pos - len / 2, y: inset, w: len, h: t };
    case "bottom":
      return { x: paddle.pos - len / 2, y: config.height - inset - t, w: len, h: t };
  }
}

/**
 * Rectangle of an eliminated 4P side's wall: the whole side, from the field edge up to the plane
 * the ball bounces on (see `faceCoord`). Draw this for inactive paddles.
 */
export function sideWallRect(config: GameConfig, side: Side): Rect {
  const depth = config.paddleInset + config.paddleThickness;
  switch (side) {
    case "left":
      return { x: 0, y: 0, w: depth, h: config.height };
    case "right":
      return { x: config.width - depth, y: 0, w: depth, h: config.height };
    case "top":
      return { x: 0, y: 0, w: config.width, h: depth };
    case "bottom":
      return { x: 0, y: config.height - depth, w: config.width, h: depth };
  }
}

/** The ball's square. */
export function ballRect(config: GameConfig, ball: Pick<Ball, "x" | "y">): Rect {
  const s = config.ballSize;
  return { x: ball.x - s / 2, y: ball.y - s / 2, w: s, h: s };
}

/** Field centre, where the ball waits before a serve. */
export function fieldCentre(config: GameConfig): { x: number; y: number } {
  return { x: config.width / 2, y: config.height / 2 };
}
