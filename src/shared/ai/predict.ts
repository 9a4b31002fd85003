/**
 * Where will the ball cross a side? Follows the ball's straight path segment by segment, exactly
 * like the engine's swept motion (collide.ts) but in continuous time: walls reflect it, other
 * paddles (taken as static at the positions given) return it with the engine's own bounce rule,
 * and the first time its leading face reaches the target side's paddle plane gives the answer.
 */
import {
  SIDE_INFO,
  bounceVelocity,
  edgeCoord,
  faceCoord,
  hitOffset,
  spedUp,
  type Ball,
  type GameConfig,
  type Paddle,
  type Side,
} from "../engine";

export interface Crossing {
  /** Ball centre along the target side's axis (y for left/right, x for top/bottom) at the crossing. */
  pos: number;
  /** Ticks from now until the crossing (fractional). */
  ticks: number;
  /** Number of wall bounces on the way. */
  wallBounces: number;
  /** Number of returns by other paddles on the way (each one assumes that paddle stays put). */
  paddleBounces: number;
}

export interface PredictOptions {
  /**
   * Paddles, index = seat, at the positions to assume (static). Without them every side other than
   * the target and the 2P walls counts as open: a ball heading there gives null.
   */
  paddles?: readonly Pick<Paddle, "side" | "pos" | "active">[];
  /** Stop after this many bounces (walls + paddles); default 32. */
  maxBounces?: number;
}

const ALL_SIDES: readonly Side[] = ["left", "right", "top", "bottom"];

type Kind = "target" | "wall" | "paddle" | "lost";

/**
 * Predicts the crossing of `target`'s paddle plane, or null if the ball is not in play (stopped),
 * already behind that plane, will leave the field elsewhere first, or bounces more than allowed.
 */
export function predictCrossing(
  config: GameConfig,
  ball: Pick<Ball, "x" | "y" | "vx" | "vy"> & { speed?: number },
  target: Side,
  options: PredictOptions = {},
): Crossing | null {
  const half = config.ballSize / 2;
  const reach = config.paddleLength / 2 + half;
  const maxBounces = options.maxBounces ?? 32;
  const paddles = options.paddles;
  let { x, y, vx, vy } = ball;
  let speed = ball.speed ?? Math.sqrt(vx * vx + vy * vy);
  let time = 0;
  let wallBounces = 0;
  let paddleBounces = 0;
  if (vx === 0 && vy === 0) return null;

  for (let bounce = 0; bounce <= maxBounces; bounce++) {
    let bestT = Infinity;
    let bestSide: Side | null = null;
    let bestKind = "lost" as Kind;
    let bestPlane = 0;
    for (const side of ALL_SIDES) {
      const info = SIDE_INFO[side];
      const vn = info.horizontal ? vy : vx;
      if (vn * info.inward >= 0) continue;
      const seat = config.mode === "2p" ? (side === "left" ? 0 : side === "right" ? 1 : -1) : ALL_SIDES.indexOf(side);
      const plane = seat < 0 ? edgeCoord(config, side) : faceCoord(config, side);
      const lead = (info.horizontal ? y : x) - info.inward * half;
      if ((lead - plane) * info.inward < -1e-9) {
        if (side === target) return null; // already behind the target plane
        // Behind another side's plane and heading out: lost there unless the target comes first.
        const trail = (info.horizontal ? y : x) + info.inward * half;
        const tOut = Math.max(0, (edgeCoord(config, side) - trail) / vn);
        if (tOut < bestT) {
          bestT = tOut;
          bestSide = side;
          bestKind = "lost";
        }
        continue;
      }
      const t = Math.max(0, (plane - lead) / vn);
      if (t >= bestT) continue;
      let kind: Kind;
      if (side === target) kind = "target";
      else if (seat < 0) kind = "wall";
      else if (!paddles) kind = "lost";
      else if (!paddles[seat].active) kind = "wall";
      else {
        const along = info.horizontal ? x + vx * t : y + vy * t;
        kind = Math.abs(along - paddles[seat].pos) <= reach ? "paddle" : "lost";
      }
      bestT = t;
      bestSide = side;
      bestKind = kind;
      bestPlane = plane;
    }
    if (bestSide === null) return null;
    x += vx * bestT;
    y += vy * bestT;
    time += bestT;
    const info = SIDE_INFO[bestSide];
    if (bestKind === "target") return { pos: info.horizontal ? x : y, ticks: time, wallBounces, paddleBounces };
    if (bestKind === "lost") return null;
    const snapped = bestPlane + info.inward * half;
    if (bestKind === "wall") {
      wallBounces++;
      if (info.horizontal) {
        y = snapped;
        vy = -vy;
      } else {
        x = snapped;
        vx = -vx;
      }
    } else {
      paddleBounces++;
      const seat = config.mode === "2p" ? (bestSide === "left" ? 0 : 1) : ALL_SIDES.indexOf(bestSide);
      const along = info.horizontal ? x : y;
      if (info.horizontal) y = snapped;
      else x = snapped;
      speed = spedUp(config, speed);
      const v = bounceVelocity(config, bestSide, hitOffset(config, paddles![seat].pos, along), speed);
      vx = v.vx;
      vy = v.vy;
    }
  }
  return null;
}
