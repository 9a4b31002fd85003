/**
 * Interpolation buffer for what the client does not predict: the ball and the other paddles.
 *
 * Pure and deterministic: arrival times and the render time are passed in (ms on any monotonic
 * clock). Snapshots are shown a little in the past - the render delay - so that there is usually
 * a snapshot on each side of the render time to blend between.
 *
 * Clock. Each arrival gives a sample `arrival - tick * tickMs`: the server's tick clock seen
 * through the network. The smallest recent sample (the fastest delivery) is the base; how much
 * later the others came (the 95th percentile of `sample - base` over the window) is the jitter.
 * The target render delay is one snapshot period + jitter + a small margin, kept within
 * [minDelayMs, maxDelayMs]. The render clock follows the target smoothly: it slows down by at
 * most 25% when the delay must grow and speeds up by at most 10% when it can shrink, so the
 * picture never jumps or runs backwards.
 *
 * When a snapshot is late (render time past the newest one) the ball and paddles are
 * extrapolated with the newest snapshot's velocity / held direction, for at most
 * `maxExtrapolateMs`; after that the picture holds still until data arrives.
 */
import { clampPaddlePos } from "../engine/geometry";
import { SIDES_BY_MODE, type GameConfig } from "../engine/types";
import type { SnapshotView } from "../protocol/snapshot";

export interface InterpolationOptions {
  config: GameConfig;
  /** Server simulation rate (welcome.config.tickHz). */
  tickHz: number;
  /** Snapshot rate (welcome.config.snapshotHz). */
  snapshotHz: number;
  /** Longest extrapolation past the newest snapshot. Default 100 ms. */
  maxExtrapolateMs?: number;
  /** Render delay bounds. Defaults: one snapshot period .. 300 ms. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Arrival samples kept for the clock and jitter estimates. Default 90 (3 s at 30 Hz). */
  window?: number;
}

/** What to draw at one moment. */
export interface InterpolatedFrame {
  /** Render time in server ticks (fractional). */
  tick: number;
  /** The snapshot at or before the render time: scores, phase and other discrete fields come from it. */
  base: SnapshotView;
  ball: { x: number; y: number };
  /** Paddle centres per seat. */
  paddles: number[];
  /** How far past the newest snapshot this frame was extrapolated (ms; 0 when interpolated). */
  extrapolatedMs: number;
}

const MARGIN_MS = 4;
const MAX_SNAPSHOTS = 64;

export class InterpolationBuffer {
  private readonly config: GameConfig;
  private readonly tickMs: number;
  private readonly periodMs: number;
  private readonly maxExtrapolateTicks: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly windowSize: number;

  private snaps: SnapshotView[] = [];
  private samples: number[] = [];
  private base = Infinity;
  private jitter = 0;
  /** Current render lag: render time = (now - lag) / tickMs, in ticks. */
  private lag: number | null = null;
  private lastNow: number | null = null;
  private lastTick = -Infinity;

  constructor(options: InterpolationOptions) {
    this.config = options.config;
    this.tickMs = 1000 / options.tickHz;
    this.periodMs = 1000 / options.snapshotHz;
    this.maxExtrapolateTicks = (options.maxExtrapolateMs ?? 100) / this.tickMs;
    this.minDelayMs = options.minDelayMs ?? this.periodMs;
    this.maxDelayMs = options.maxDelayMs ?? 300;
    this.windowSize = options.window ?? 90;
  }

  /** The render delay the buffer aims at now (period + jitter + margin, bounded). */
  get targetDelayMs(): number {
    return Math.min(this.maxDelayMs, Math.max(this.minDelayMs, this.periodMs + this.jitter + MARGIN_MS));
  }

  /** The render delay in use (follows the target smoothly). */
  get delayMs(): number {
    return this.lag === null ? this.targetDelayMs : this.lag - this.base;
  }

  /** Measured jitter (ms): how much later than the fastest recent snapshot a typical one arrives (p95). */
  get jitterMs(): number {
    return this.jitter;
  }

  get newest(): SnapshotView | null {
    return this.snaps.length ? this.snaps[this.snaps.length - 1] : null;
  }

  /**
   * Adds a snapshot that arrived at `arrivalMs`. Returns false for a duplicate or an older tick
   * (ignored). A tick far in the past of the newest means a new simulation: the buffer restarts.
   * `timing: false` keeps it out of the clock estimate (e.g. the catch-up snapshot a server sends
   * on connect, which is older than its arrival suggests).
   */
  push(view: SnapshotView, arrivalMs: number, timing = true): boolean {
    const newest = this.newest;
    if (newest && view.tick <= newest.tick) {
      if (newest.tick - view.tick < 600) return false;
      this.clear();
    }
    this.snaps.push(view);
    if (this.snaps.length > MAX_SNAPSHOTS) this.snaps.shift();
    if (!timing) return true;
    const sample = arrivalMs - view.tick * this.tickMs;
    // A sample a second later than the base means the server stood still (pause) without us
    // being told: the old clock no longer applies.
    if (sample - this.base > 1000) this.resetClock();
    this.samples.push(sample);
    if (this.samples.length > this.windowSize) this.samples.shift();
    this.updateClock();
    return true;
  }

  /**
   * Forgets the clock (keeps the snapshots, so the last picture stays up). Call when the server
   * pauses or resumes, or on a reconnect: ticks stop while time goes on.
   */
  resetClock(): void {
    this.samples = [];
    this.base = Infinity;
    this.jitter = 0;
    this.lag = null;
    this.lastNow = null;
    this.lastTick = -Infinity;
  }

  /** Forgets everything (a different game). */
  clear(): void {
    this.snaps = [];
    this.resetClock();
  }

  private updateClock(): void {
    let min = Infinity;
    for (const s of this.samples) if (s < min) min = s;
    this.base = min;
    const devs = this.samples.map((s) => s - min).sort((a, b) => a - b);
    this.jitter = devs.length ? devs[Math.min(devs.length - 1, Math.floor(devs.length * 0.95))] : 0;
  }

  /** Render time (server ticks, fractional) at `nowMs`, advancing the smoothed render clock. */
  renderTick(nowMs: number): number | null {
    if (!this.samples.length) return null;
    const target = this.base + this.targetDelayMs;
    if (this.lag === null || this.lastNow === null || Math.abs(target - this.lag) > 500) {
      this.lag = target;
    } else {
      const dt = Math.max(0, Math.min(100, nowMs - this.lastNow));
      const diff = target - this.lag;
      // Growing the lag = render clock runs slower (<= 25%); shrinking = faster (<= 10%).
      this.lag += diff > 0 ? Math.min(diff, dt * 0.25) : Math.max(diff, -dt * 0.1);
    }
    this.lastNow = nowMs;
    const tick = Math.max(this.lastTick, (nowMs - this.lag) / this.tickMs);
    this.lastTick = tick;
    return tick;
  }

  /** What to draw at `nowMs`, or null before the first snapshot. */
  sample(nowMs: number): InterpolatedFrame | null {
    const snaps = this.snaps;
    if (!snaps.length) return null;
    const tick = this.renderTick(nowMs);
    const newest = snaps[snaps.length - 1];
    if (tick === null) return this.frame(newest.tick, newest, newest.ball, newest.paddles.map((p) => p.pos), 0);

    // Drop what is too old to be needed again (keep one snapshot at or before the render time).
    while (snaps.length > 2 && snaps[1].tick <= tick) snaps.shift();
    const a = snaps[0];
    if (tick <= a.tick) return this.frame(tick, a, a.ball, a.paddles.map((p) => p.pos), 0);
    if (tick >= newest.tick) return this.extrapolate(tick, newest);

    let i = 0;
    while (i + 1 < snaps.length && snaps[i + 1].tick <= tick) i++;
    const from = snaps[i];
    const to = snaps[i + 1];
    const alpha = (tick - from.tick) / (to.tick - from.tick);
    const ball = this.continuous(from, to) ? { x: lerp(from.ball.x, to.ball.x, alpha), y: lerp(from.ball.y, to.ball.y, alpha) } : from.ball;
    const paddles = from.paddles.map((p, seat) => {
      const q = to.paddles[seat];
      return q && q.active === p.active ? lerp(p.pos, q.pos, alpha) : p.pos;
    });
    return this.frame(tick, from, ball, paddles, 0);
  }

  /** Whether the ball may be blended between two snapshots (no serve teleport or point between). */
  private continuous(a: SnapshotView, b: SnapshotView): boolean {
    if (a.phase !== b.phase) return false;
    for (let i = 0; i < a.scores.length; i++) if (a.scores[i] !== b.scores[i]) return false;
    const reach = this.config.ballSpeedMax * (b.tick - a.tick) * 1.5 + 1;
    return Math.abs(b.ball.x - a.ball.x) <= reach && Math.abs(b.ball.y - a.ball.y) <= reach;
  }

  private extrapolate(tick: number, s: SnapshotView): InterpolatedFrame {
    const dt = Math.min(tick - s.tick, this.maxExtrapolateTicks);
    const c = this.config;
    const half = c.ballSize / 2;
    let { x, y } = s.ball;
    if (s.phase === "playing" && dt > 0) {
      // 2P: the top and bottom edges are walls; every other edge has a paddle (or a 4P wall).
      x = reflect(x + s.ball.vx * dt, half, c.width - half, false);
      y = reflect(y + s.ball.vy * dt, half, c.height - half, c.mode === "2p");
    }
    const sides = SIDES_BY_MODE[c.mode];
    const paddles = s.paddles.map((p, seat) =>
      p.active && p.dir !== 0 && s.phase !== "over" && sides[seat] ? clampPaddlePos(c, sides[seat], p.pos + p.dir * c.paddleSpeed * dt) : p.pos,
    );
    return this.frame(tick, s, { x, y }, paddles, Math.max(0, dt) * this.tickMs);
  }

  private frame(tick: number, base: SnapshotView, ball: { x: number; y: number }, paddles: number[], extrapolatedMs: number): InterpolatedFrame {
    return { tick, base, ball: { x: ball.x, y: ball.y }, paddles, extrapolatedMs };
  }
}

const lerp = (a: number, b: number, t: number) => a + (b - a) * t;

/** Keeps a coordinate inside [min, max]: mirrored off the wall, or just clamped when `bounce` is false. */
function reflect(v: number, min: number, max: number, bounce: boolean): number {
  if (!bounce) return Math.max(min, Math.min(max, v));
  if (v < min) v = 2 * min - v;
  if (v > max) v = 2 * max - v;
  return Math.max(min, Math.min(max, v));
}
