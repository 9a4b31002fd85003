/** Putting the ball back in play: re-centre, wait, then serve in a seeded random direction. */
import { aimBall } from "./velocity";
import { rngAdvance, rngFloat } from "./rng";
import { SIDES_BY_MODE, type GameEvent, type GameState, type Side } from "./types";

/**
 * Largest |slope| (along/normal) of a serve. 2P: tan(pi/4) = 1, i.e. within +-45 degrees. 4P: 0.5
 * (~27 degrees) so serves do not head straight into a corner. Slopes are drawn uniformly, so the
 * angle is not uniform (slightly favours the middle): fine for a serve, and sqrt-only.
 */
export const SERVE_MAX_SLOPE = { "2p": 1, "4p": 0.5 } as const;

/** Ball to the centre, stopped at serve speed; phase "serving" for `servePauseTicks`; touch cleared. */
export function resetForServe(state: GameState): void {
  const c = state.config;
  const b = state.ball;
  b.x = c.width / 2;
  b.y = c.height / 2;
  b.vx = 0;
  b.vy = 0;
  b.speed = c.ballSpeed;
  state.phase = "serving";
  state.serveIn = c.servePauseTicks;
  state.lastTouch = -1;
}

function nextFloat(state: GameState): number {
  state.rng = rngAdvance(state.rng);
  return rngFloat(state.rng);
}

/**
 * Serves now: 2P towards a random side, 4P towards a random active side (any side if, oddly, none
 * is active), at a random slope. Draws exactly two numbers from `state.rng`.
 */
export function serveBall(state: GameState, events: GameEvent[]): void {
  const c = state.config;
  const sides = SIDES_BY_MODE[c.mode];
  let activeCount = 0;
  for (const p of state.paddles) if (p.active) activeCount++;
  const pick = Math.floor(nextFloat(state) * (activeCount > 0 ? activeCount : sides.length));
  let target: Side = sides[0];
  let n = 0;
  for (let i = 0; i < sides.length; i++) {
    if (activeCount > 0 && !state.paddles[i].active) continue;
    if (n++ === pick) {
      target = sides[i];
      break;
    }
  }
  const slope = (nextFloat(state) * 2 - 1) * SERVE_MAX_SLOPE[c.mode];
  aimBall(state.ball, target, -1, slope, c.ballSpeed); // towards the target side
  state.phase = "playing";
  state.serveIn = 0;
  state.lastTouch = -1;
  events.push({ type: "serve" });
}
