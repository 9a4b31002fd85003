/** Decisions taken outside the simulation (by the server): eliminations and forfeits. */
import { resetForServe } from "./serve";
import { finishGame } from "./scoring";
import { cloneState } from "./state";
import type { GameState } from "./types";

function checkSeat(state: GameState, seat: number): void {
  if (!Number.isInteger(seat) || seat < 0 || seat >= state.paddles.length) throw new Error(`no seat ${seat} in this game`);
}

/**
 * Pure. Takes a player out (4P timeout): their paddle becomes inactive and their whole side a wall
 * (on the paddle face plane). If one active seat remains it wins (phase "over"; callers check
 * `phase`/`winner`, this returns a state, not events). Otherwise the current rally is interrupted
 * without a point and the ball is re-served: this keeps a ball from being trapped between two new
 * walls and denies points for shots the leaver last touched. No-op on a finished game or an
 * already inactive seat. Works in 2P too (the other seat wins).
 */
export function eliminateSeat(state: GameState, seat: number): GameState {
  checkSeat(state, seat);
  const next = cloneState(state);
  if (next.phase === "over" || !next.paddles[seat].active) return next;
  const p = next.paddles[seat];
  p.active = false;
  p.dir = 0;
  let remaining = -1;
  let count = 0;
  for (let i = 0; i < next.paddles.length; i++) {
    if (next.paddles[i].active) {
      count++;
      remaining = i;
    }
  }
  if (count <= 1) finishGame(next, remaining);
  else resetForServe(next);
  return next;
}

/** Pure. Ends the game with `seat` as winner (forfeit decided by the server). No-op if already over. */
export function declareWinner(state: GameState, seat: number): GameState {
  checkSeat(state, seat);
  const next = cloneState(state);
  if (next.phase === "over") return next;
  finishGame(next, seat);
  return next;
}
