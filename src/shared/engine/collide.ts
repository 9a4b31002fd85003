/**
 * Swept ball motion for one tick. The ball is a square moving in a straight line; the tick is cut
 * at every time of impact (TOI) so a fast ball can never skip a paddle or a wall, and one tick can
 * contain several impacts (paddle then wall, a corner, ...), each using the velocity left by the
 * previous one.
 *
 * What the ball can meet, per side (always tested in the order left, right, top, bottom):
 *  - an active paddle: its front face (the plane returned by `faceCoord`), only while the ball
 *    moves towards it and its leading face has not yet passed that plane, and only if the ball's
 *    extent along the side overlaps the paddle at that instant. Paddle ends are not solid: a ball
 *    that missed the face is behind the paddle and is lost.
 *  - a wall: 2P top/bottom at the field edge; 4P eliminated sides on the paddle face plane.
 *    Walls are infinite planes, so the ball can never leave through them.
 *  - the goal line (field edge): when the ball's trailing face reaches it the ball is fully out
 *    and `ballOut` decides the point. Remaining time in the tick is dropped.
 * Paddles have already moved for this tick; they are static during the ball's sweep.
 */
import { applyPaddleBounce, hitOffset } from "./bounce";
import { edgeCoord, faceCoord, SIDE_INFO } from "./geometry";
import { ballOut } from "./scoring";
import type { GameEvent, GameState, Side } from "./types";

const ALL_SIDES: readonly Side[] = ["left", "right", "top", "bottom"];
/** Seat per entry of ALL_SIDES, per mode (-1: no paddle, i.e. a 2P wall). */
const SEAT_OF = { "2p": [0, 1, -1, -1], "4p": [0, 1, 2, 3] } as const;
/** Tolerance for "the leading face is exactly on the plane" after a snap or float rounding. */
const EPS = 1e-9;
/** More impacts than this in one tick cannot happen in sane geometry; guards against loops. */
const MAX_IMPACTS = 16;

const NONE = 0;
const PADDLE = 1;
const WALL = 2;
const EXIT = 3;

export function advanceBall(state: GameState, events: GameEvent[]): void {
  const c = state.config;
  const b = state.ball;
  const half = c.ballSize / 2;
  const reach = c.paddleLength / 2 + half;
  const seats = SEAT_OF[c.mode];
  let remaining = 1;

  for (let impact = 0; impact < MAX_IMPACTS; impact++) {
    let bestT = Infinity;
    let bestKind = NONE;
    let bestIdx = -1;
    let bestPlane = 0;

    for (let i = 0; i < 4; i++) {
      const side = ALL_SIDES[i];
      const info = SIDE_INFO[side];
      const vn = info.horizontal ? b.vy : b.vx;
      if (vn * info.inward >= 0) continue; // not moving towards this side
      const cn = info.horizontal ? b.y : b.x;
      const seat = seats[i];
      const isWall = seat < 0 || !state.paddles[seat].active;
      const plane = seat < 0 ? edgeCoord(c, side) : faceCoord(c, side);

      const lead = cn - info.inward * half;
      if ((lead - plane) * info.inward >= -EPS) {
        let t = (plane - lead) / vn;
        if (t < 0) t = 0;
        if (t < bestT && t <= remaining) {
          if (isWall) {
            bestT = t;
            bestKind = WALL;
            bestIdx = i;
            bestPlane = plane;
          } else {
            const along = info.horizontal ? b.x + b.vx * t : b.y + b.vy * t;
            const d = along - state.paddles[seat].pos;
            if (d <= reach && d >= -reach) {
              bestT = t;
              bestKind = PADDLE;
              bestIdx = i;
              bestPlane = plane;
            }
          }
        }
      }

      const trail = cn + info.inward * half;
      let t = (edgeCoord(c, side) - trail) / vn;
      if (t < 0) t = 0;
      if (t < bestT && t <= remaining) {
        bestT = t;
        bestKind = EXIT;
        bestIdx = i;
      }
    }

    if (bestKind === NONE) break;

    b.x += b.vx * bestT;
    b.y += b.vy * bestT;
    remaining -= bestT;
    const side = ALL_SIDES[bestIdx];
    const info = SIDE_INFO[side];

    if (bestKind === EXIT) {
      ballOut(state, side, events);
      return;
    }
    // Snap exactly onto the plane so rounding never lets the ball creep through it.
    const snapped = bestPlane + info.inward * half;
    if (bestKind === WALL) {
      if (info.horizontal) {
        b.y = snapped;
        b.vy = -b.vy;
      } else {
        b.x = snapped;
        b.vx = -b.vx;
      }
      events.push({ type: "wall_bounce" });
    } else {
      const seat = seats[bestIdx];
      const along = info.horizontal ? b.x : b.y;
      if (info.horizontal) b.y = snapped;
      else b.x = snapped;
      applyPaddleBounce(c, b, side, hitOffset(c, state.paddles[seat].pos, along));
      state.lastTouch = seat;
      events.push({ type: "paddle_hit", seat });
    }
    if (remaining <= 0) return;
  }

  b.x += b.vx * remaining;
  b.y += b.vy * remaining;
}
