/**
 * What the screen shows of a simulation that rewinds: the state at the current tick, moved on by
 * the fraction of a tick elapsed (so motion is continuous between ticks, and a key press shows on
 * the very next frame), plus a visual error per object that blends corrections in.
 *
 * When a rewind changes where a paddle or the ball is now, the object does not jump: the shown
 * position keeps where it was (the error = before - after) and the error then shrinks every tick
 * by a share of itself, but never by more than `maxBallStepPx` (ball) or `maxPaddleStepPx`
 * (paddle) per tick. So the ball never moves more than its own speed plus a few pixels per tick,
 * and a small correction is gone in a few frames. A correction across a point or a serve (the
 * scores or the engine phase differ) is a new rally, not a path to blend into: the ball starts
 * from the corrected place. Pure: time is a parameter.
 */
import { clampPaddlePos } from "../engine/geometry";
import type { GameConfig, GameState } from "../engine/types";

export interface SmootherOptions {
  tickMs: number;
  /** Share of an error kept per tick. Default 0.7 (90% gone in ~6 ticks). */
  keep?: number;
  /** Largest shrink of the ball's error per tick (px). Default 3. */
  maxBallStepPx?: number;
  /** Largest shrink of a paddle's error per tick (px). Default: the paddle speed. */
  maxPaddleStepPx?: number;
}

export class RenderSmoother {
  private readonly keep: number;
  private readonly maxBall: number;
  private readonly maxPaddle: number;
  private readonly tickMs: number;
  private paddleErr: number[] = [];
  private ballErr = { x: 0, y: 0 };
  private lastNow: number | null = null;
  /** Largest error taken on (px), for the stats. */
  maxBallError = 0;
  maxPaddleError = 0;
  corrections = 0;

  constructor(
    private readonly config: GameConfig,
    options: SmootherOptions,
  ) {
    this.tickMs = options.tickMs;
    this.keep = options.keep ?? 0.7;
    this.maxBall = options.maxBallStepPx ?? 3;
    this.maxPaddle = options.maxPaddleStepPx ?? config.paddleSpeed;
  }

  /** A rewind replaced `before` by `after` (the states of the current tick). */
  correct(before: Readonly<GameState>, after: Readonly<GameState>): void {
    let changed = false;
    after.paddles.forEach((p, i) => {
      const q = before.paddles[i];
      if (!q || !q.active || !p.active) {
        this.paddleErr[i] = 0;
        return;
      }
      const d = q.pos - p.pos;
      if (d !== 0) changed = true;
      this.paddleErr[i] = (this.paddleErr[i] ?? 0) + d;
      this.maxPaddleError = Math.max(this.maxPaddleError, Math.abs(this.paddleErr[i]));
    });
    const sameRally = before.phase === after.phase && before.scores.every((s, i) => s === after.scores[i]);
    if (!sameRally) {
      this.ballErr = { x: 0, y: 0 };
    } else {
      const dx = before.ball.x - after.ball.x;
      const dy = before.ball.y - after.ball.y;
      if (dx !== 0 || dy !== 0) changed = true;
      this.ballErr = { x: this.ballErr.x + dx, y: this.ballErr.y + dy };
      this.maxBallError = Math.max(this.maxBallError, Math.hypot(this.ballErr.x, this.ballErr.y));
    }
    if (changed) this.corrections++;
  }

  /** Forget every error (a new match, a full sync shown as is). */
  reset(): void {
    this.paddleErr = [];
    this.ballErr = { x: 0, y: 0 };
  }

  /** Is anything still being blended in? */
  get settled(): boolean {
    return this.ballErr.x === 0 && this.ballErr.y === 0 && this.paddleErr.every((e) => e === 0);
  }

  /**
   * The state to draw at `now`: `state` moved on by `alpha` (0..1) of a tick, plus what is left of
   * the errors. Returns a new object; `state` is untouched.
   */
  frame(state: Readonly<GameState>, alpha: number, now: number): GameState {
    const dt = this.lastNow === null ? 0 : Math.max(0, Math.min(10, (now - this.lastNow) / this.tickMs));
    this.lastNow = now;
    if (dt > 0) {
      const share = 1 - Math.pow(this.keep, dt);
      this.ballErr = shrink2(this.ballErr, share, this.maxBall * dt);
      this.paddleErr = this.paddleErr.map((e) => shrink(e, share, this.maxPaddle * dt));
    }
    const c = this.config;
    const a = state.phase === "over" ? 0 : Math.max(0, Math.min(1, alpha));
    const half = c.ballSize / 2;
    const ball = { ...state.ball };
    if (state.phase === "playing") {
      ball.x = clamp(ball.x + ball.vx * a + this.ballErr.x, half, c.width - half);
      ball.y = clamp(ball.y + ball.vy * a + this.ballErr.y, half, c.height - half);
    }
    const paddles = state.paddles.map((p, i) => {
      if (!p.active) return { ...p };
      const pos = clampPaddlePos(c, p.side, p.pos + p.dir * c.paddleSpeed * a + (this.paddleErr[i] ?? 0));
      return { ...p, pos };
    });
    return { ...state, ball, paddles, scores: state.scores.slice() };
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function shrink(e: number, share: number, max: number): number {
  if (e === 0) return 0;
  const step = Math.min(Math.abs(e) * share, max);
  const left = Math.abs(e) - Math.max(step, Math.min(Math.abs(e), 0.05));
  return left <= 0.05 ? 0 : Math.sign(e) * left;
}

function shrink2(e: { x: number; y: number }, share: number, max: number): { x: number; y: number } {
  const len = Math.hypot(e.x, e.y);
  if (len === 0) return e;
  const left = len - Math.min(len * share, max);
  if (left <= 0.05) return { x: 0, y: 0 };
  return { x: (e.x * left) / len, y: (e.y * left) / len };
}
