/**
 * Paddle bounce: where the ball meets the paddle sets the outgoing angle. The offset of the ball's
 * centre from the paddle's centre, normalised to [-1, 1] over the reach (half paddle + half ball),
 * maps to a slope `offset * tan(maxBounceAngle)` relative to the paddle normal: a centre hit goes
 * straight back, a hit on the very end leaves at exactly maxBounceAngle, and a hit below the centre
 * of a left paddle goes down (towards the side of the paddle it touched). The direction is
 * normalised with sqrt (no sin/cos: see math.ts) and the speed grows by `ballSpeedup` up to
 * `ballSpeedMax`.
 */
import { clamp, detTan } from "./math";
import { aimBall } from "./velocity";
import type { Ball, GameConfig, Side } from "./types";

/** Normalised hit offset in [-1, 1]: ball centre vs paddle centre, along the paddle. */
export function hitOffset(config: GameConfig, paddlePos: number, ballAlong: number): number {
  const reach = config.paddleLength / 2 + config.ballSize / 2;
  return clamp((ballAlong - paddlePos) / reach, -1, 1);
}

/** Ball speed after one more paddle hit. */
export function spedUp(config: GameConfig, speed: number): number {
  const next = speed * config.ballSpeedup;
  return next > config.ballSpeedMax ? config.ballSpeedMax : next;
}

/**
 * Velocity leaving a paddle on `side` after a hit at `offset`, at magnitude `speed` (already sped
 * up). Pure; `applyPaddleBounce` is the in-place twin the simulation uses.
 */
export function bounceVelocity(config: GameConfig, side: Side, offset: number, speed: number): { vx: number; vy: number } {
  const out = { vx: 0, vy: 0, speed: 0 };
  aimBall(out, side, 1, offset * detTan(config.maxBounceAngle), speed);
  return { vx: out.vx, vy: out.vy };
}

/** Angle of the outgoing ball from the paddle normal, in radians (for tests and tooling only). */
export function bounceAngle(config: GameConfig, offset: number): number {
  return Math.atan(offset * detTan(config.maxBounceAngle));
}

/** In-place bounce: speeds the ball up and sets its velocity for a hit at `offset`. */
export function applyPaddleBounce(config: GameConfig, ball: Ball, side: Side, offset: number): void {
  aimBall(ball, side, 1, offset * detTan(config.maxBounceAngle), spedUp(config, ball.speed));
}
