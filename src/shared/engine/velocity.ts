/**
 * Setting the ball's velocity relative to a side: one place for the serve and the paddle bounce,
 * so the two cannot drift apart (the step is deterministic: same maths, same bits, everywhere).
 */
import { SIDE_INFO } from "./geometry";
import type { Ball, Side } from "./types";

/**
 * Sets the ball moving at `speed` along `side`'s normal, tilted by `slope` (along / normal).
 * `heading` +1 moves into the field from that side (a bounce off its paddle), -1 out through it
 * (a serve towards it). Direction normalised with sqrt only, no trigonometry (see math.ts).
 */
export function aimBall(ball: Pick<Ball, "vx" | "vy" | "speed">, side: Side, heading: 1 | -1, slope: number, speed: number): void {
  const info = SIDE_INFO[side];
  const unit = speed / Math.sqrt(1 + slope * slope);
  const normal = heading * info.inward * unit;
  const along = slope * unit;
  ball.speed = speed;
  if (info.horizontal) {
    ball.vx = along;
    ball.vy = normal;
  } else {
    ball.vx = normal;
    ball.vy = along;
  }
}
