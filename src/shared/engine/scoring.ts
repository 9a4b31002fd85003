/**
 * Who scores when the ball leaves the field, and the end of the game.
 *
 * 2P: leaving through the left edge is a point for seat 1 (right), through the right edge a point
 * for seat 0. 4P: leaving through any side is a point for `lastTouch`, except
 *  - nobody touched the ball since the serve (lastTouch -1): no point, re-serve;
 *  - own goal (the ball leaves through the side of the player who touched it last): no point,
 *    re-serve - rewarding it would let a player farm points off their own side;
 *  - the last toucher has been eliminated since: no point.
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

/** The ball left through `side`: emit `point`, update scores, then re-serve or end the game. */
export function ballOut(state: GameState, side: Side, events: GameEvent[]): void {
  const scorer = scorerForExit(state, side);
  events.push({ type: "point", scorer, side });
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
