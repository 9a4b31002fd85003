/**
 * Who scores when the ball leaves the field, and the end of the game.
 *
 * 2P: leaving through the left edge is a point for seat 1 (right), through the right edge a point
 * for seat 0. 4P: leaving through any side is a point for `lastTouch`, except
 *  - nobody touched the ball since the serve (lastTouch -1): no point, re-serve;
 *  - own goal (the ball leaves through the side of the player who touched it last): no point,
 *    re-serve - rewarding it would let a player farm points off their own side;
 *  - the last toucher has been eliminated since: no point.
 *
 * Dead-ball rule (4P only). Last-touch scoring alone never ends a match in which nobody touches the
 * ball (players parked or away but not yet timed out): every exit is "no point", forever. So a ball
 * that leaves untouched still gives no point, but it is counted: after DEAD_BALL_LIMIT serves in a
 * row leave untouched (about 12 s of nobody playing), the match is decided as it stands: the highest
 * score wins; a tie goes to the tied player who let the fewest untouched balls through their side
 * over the match (they at least defended); a tie after that goes to the earliest seat (join order).
 * Any touch resets the count, so a match someone is actually playing is never cut short by it.
 */
import { seatOfSide } from "./geometry";
import { resetForServe } from "./serve";
import type { GameEvent, GameState, Side } from "./types";

/** The seat that scores when the ball leaves through `side`, or null for no point. */
export function scorerForExit(state: GameState, side: Side): number | null {
  const mode = state.config.mode;
  if (mode === "2p") {
    if (side === "left") return 1;
    if (side === "right") return 0;
    return null; // unreachable in play: 2P top/bottom are walls (safety net for odd restored states)
  }
  const toucher = state.lastTouch;
  if (toucher < 0 || toucher >= state.paddles.length) return null;
  if (toucher === seatOfSide(mode, side)) return null; // own goal
  if (!state.paddles[toucher].active) return null;
  return toucher;
}

/** Ends the game now: phase "over", ball parked at the centre, `game_over` pushed if events given. */
export function finishGame(state: GameState, winner: number, events?: GameEvent[]): void {
  const c = state.config;
  const b = state.ball;
  state.phase = "over";
  state.winner = winner;
  state.serveIn = 0;
  b.x = c.width / 2;
  b.y = c.height / 2;
  b.vx = 0;
  b.vy = 0;
  b.speed = c.ballSpeed;
  if (events && winner >= 0) events.push({ type: "game_over", winner });
}

/** Consecutive untouched serves after which a 4P match is decided as it stands (see the header). */
export const DEAD_BALL_LIMIT = 6;

/** The ball left through `side`: emit `point`, update scores, then re-serve or end the game. */
export function ballOut(state: GameState, side: Side, events: GameEvent[]): void {
  const scorer = scorerForExit(state, side);
  events.push({ type: "point", scorer, side });
  if (state.config.mode === "4p") {
    if (state.lastTouch >= 0) state.deadBalls = 0;
    else if (countDeadBall(state, side) >= DEAD_BALL_LIMIT) {
      finishGame(state, decideStanding(state), events);
      return;
    }
  }
  if (scorer !== null) {
    state.scores[scorer]++;
    if (state.scores[scorer] >= state.config.winScore) {
      state.lastTouch = -1;
      finishGame(state, scorer, events);
      return;
    }
  }
  resetForServe(state);
}

/** Counts an untouched exit through `side`; returns the serves in a row that went untouched. */
function countDeadBall(state: GameState, side: Side): number {
  const seat = seatOfSide(state.config.mode, side);
  const letThrough = state.letThrough ?? state.scores.map(() => 0);
  if (seat >= 0 && seat < letThrough.length) letThrough[seat]++;
  state.letThrough = letThrough;
  state.deadBalls = (state.deadBalls ?? 0) + 1;
  return state.deadBalls;
}

/** The winner of a match decided by the dead-ball rule: score, then fewest let through, then seat. */
export function decideStanding(state: GameState): number {
  const letThrough = state.letThrough ?? [];
  let best = -1;
  for (let seat = 0; seat < state.paddles.length; seat++) {
    if (!state.paddles[seat].active) continue;
    if (best < 0) {
      best = seat;
      continue;
    }
    const byScore = state.scores[seat] - state.scores[best];
    const byDefence = (letThrough[best] ?? 0) - (letThrough[seat] ?? 0);
    if (byScore > 0 || (byScore === 0 && byDefence > 0)) best = seat;
  }
  return best;
}
