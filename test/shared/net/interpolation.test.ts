import { describe, expect, it } from "vitest";
import { createGame, defaultConfig, stepInPlace, type GameEvent, type GameState } from "../../../src/shared/engine";
import { viewOf, type SnapshotView } from "../../../src/shared/protocol";
import { InterpolationBuffer } from "../../../src/shared/net";
import { rand, TICK_MS } from "./sim";

const config = defaultConfig("2p");

/** A view with the ball at x = 100 + 5 * tick (moving right), everything else still. */
function linear(tick: number, extra: Partial<SnapshotView> = {}): SnapshotView {
  return {
    tick,
    phase: "playing",
    serveIn: 0,
    lastTouch: -1,
    winner: -1,
    ball: { x: 100 + 5 * tick, y: 300, vx: 5, vy: 0 },
    paddles: [
      { pos: 300, dir: 0, active: true },
      { pos: 200 + tick, dir: 1, active: true },
    ],
    scores: [0, 0],
    acks: [-1, -1],
    ...extra,
  };
}

function buffer(extra: Partial<ConstructorParameters<typeof InterpolationBuffer>[0]> = {}) {
  return new InterpolationBuffer({ config, tickHz: 60, snapshotHz: 30, ...extra });
}

describe("InterpolationBuffer", () => {
  it("renders one snapshot period (+ margin) in the past and blends between snapshots", () => {
    const b = buffer();
    // Perfect delivery: snapshot of tick t arrives at t * TICK_MS + 50.
    for (let t = 2; t <= 60; t += 2) b.push(linear(t), t * TICK_MS + 50);
    expect(b.jitterMs).toBeCloseTo(0, 9);
    expect(b.targetDelayMs).toBeCloseTo(1000 / 30 + 4, 5);
    const now = 60 * TICK_MS + 50 + 5;
    const f = b.sample(now)!;
    const expectedTick = (now - 50 - b.delayMs) / TICK_MS;
    expect(f.tick).toBeCloseTo(expectedTick, 6);
    expect(f.extrapolatedMs).toBe(0);
    expect(f.ball.x).toBeCloseTo(100 + 5 * f.tick, 6);
    expect(f.paddles[1]).toBeCloseTo(200 + f.tick, 6);
    expect(f.base.tick).toBe(Math.floor(f.tick / 2) * 2);
  });

  it("adapts the delay to measured jitter and keeps play smooth at ~150 ms RTT with jitter", () => {
    const b = buffer();
    const rnd = rand(7);
    const arrivals: { view: SnapshotView; at: number }[] = [];
    let lastAt = 0;
    for (let t = 2; t <= 900; t += 2) {
      const at = Math.max(lastAt, t * TICK_MS + 75 + rnd() * 40); // 75 ms one way + up to 40 ms jitter
      lastAt = at;
      arrivals.push({ view: linear(t), at });
    }
    let i = 0;
    let prevTick = -Infinity;
    let prevX = -Infinity;
    let extrapolatedFrames = 0;
    let frames = 0;
    for (let now = 100; now < 900 * TICK_MS; now += 1000 / 60) {
      while (i < arrivals.length && arrivals[i].at <= now) b.push(arrivals[i].view, arrivals[i++].at);
      const f = b.sample(now);
      if (!f) continue;
      frames++;
      expect(f.tick).toBeGreaterThanOrEqual(prevTick); // never backwards
      expect(f.ball.x).toBeGreaterThanOrEqual(prevX - 1e-9);
      // Each frame advances by about one tick of travel: no freeze-then-jump.
      if (frames > 120) expect(f.ball.x - prevX).toBeLessThanOrEqual(5 * 1.5);
      if (f.extrapolatedMs > 0) extrapolatedFrames++;
      prevTick = f.tick;
      prevX = f.ball.x;
    }
    expect(b.jitterMs).toBeGreaterThan(20);
    expect(b.delayMs).toBeGreaterThan(1000 / 30 + 20);
    expect(b.delayMs).toBeLessThan(1000 / 30 + 50);
    expect(extrapolatedFrames / frames).toBeLessThan(0.1);
  });

  it("extrapolates a late snapshot with its velocity, capped, and bounces off the 2P walls", () => {
    const b = buffer({ maxExtrapolateMs: 100 });
    for (let t = 2; t <= 20; t += 2) b.push(linear(t, { ball: { x: 100 + 5 * t, y: 20, vx: 5, vy: -2 } }), t * TICK_MS);
    // Nothing after tick 20: look 200 ms later.
    const f = b.sample(20 * TICK_MS + 200)!;
    expect(f.extrapolatedMs).toBeCloseTo(100, 6);
    expect(f.ball.x).toBeCloseTo(200 + 5 * 6, 6);
    // y = 20 - 2 * 6 = 8 would be inside the top wall: mirrored at ballSize / 2 = 10.
    expect(f.ball.y).toBeCloseTo(12, 6);
    // The right paddle held dir 1: extrapolated too, clamped to its range.
    expect(f.paddles[1]).toBeCloseTo(220 + 8 * 6, 6);
  });

  it("never blends the ball across a point (serve teleport)", () => {
    const b = buffer();
    b.push(linear(10, { ball: { x: 880, y: 300, vx: 9, vy: 0 } }), 10 * TICK_MS);
    b.push(linear(12, { phase: "serving", ball: { x: 450, y: 300, vx: 0, vy: 0 }, scores: [1, 0] }), 12 * TICK_MS);
    const f = b.sample(12 * TICK_MS + b.targetDelayMs - TICK_MS)!; // between 10 and 12
    expect(f.tick).toBeGreaterThan(10);
    expect(f.tick).toBeLessThan(12);
    expect(f.ball.x).toBe(880);
    expect(f.base.scores).toEqual([0, 0]);
  });

  it("ignores duplicates and reordered snapshots; restarts on a new simulation", () => {
    const b = buffer();
    expect(b.push(linear(10), 0)).toBe(true);
    expect(b.push(linear(10), 1)).toBe(false);
    expect(b.push(linear(8), 2)).toBe(false);
    expect(b.push(linear(2000), 3)).toBe(true);
    expect(b.push(linear(4), 4)).toBe(true); // 2000 ticks back: a new game
    expect(b.newest?.tick).toBe(4);
  });

  it("holds the last picture across a pause and picks the clock up again after it", () => {
    const b = buffer();
    for (let t = 2; t <= 40; t += 2) b.push(linear(t), t * TICK_MS + 30);
    const paused = b.sample(40 * TICK_MS + 2000)!; // long after the last snapshot
    expect(paused.extrapolatedMs).toBeLessThanOrEqual(100);
    b.resetClock();
    // 5 s later the server resumes from tick 40.
    const t0 = 40 * TICK_MS + 5000;
    for (let t = 42; t <= 80; t += 2) b.push(linear(t), t0 + (t - 40) * TICK_MS);
    const f = b.sample(t0 + 40 * TICK_MS)!;
    expect(f.tick).toBeGreaterThan(70);
    expect(f.tick).toBeLessThan(80);
    expect(f.extrapolatedMs).toBe(0);
  });

  it("follows a real engine rally within one tick of travel", () => {
    const b = buffer();
    const s: GameState = createGame(config, 3);
    const events: GameEvent[] = [];
    const truth = new Map<number, { x: number; y: number; phase: string }>();
    let checked = 0;
    for (let t = 1; t <= 900; t++) {
      stepInPlace(s, [1, -1], events);
      truth.set(t, { x: s.ball.x, y: s.ball.y, phase: s.phase });
      if (t % 2 === 0) b.push(viewOf(s, [-1, -1]), t * TICK_MS + 40);
      const f = b.sample(t * TICK_MS + 41);
      if (!f || t < 60) continue;
      const lo = truth.get(Math.floor(f.tick));
      const hi = truth.get(Math.ceil(f.tick));
      if (!lo || !hi || lo.phase !== "playing" || hi.phase !== "playing") continue;
      const d = Math.max(s.config.ballSpeedMax, 1);
      // Between the true positions of the surrounding ticks (within one tick of travel).
      expect(Math.min(Math.abs(f.ball.x - lo.x), Math.abs(f.ball.x - hi.x))).toBeLessThanOrEqual(d);
      expect(Math.min(Math.abs(f.ball.y - lo.y), Math.abs(f.ball.y - hi.y))).toBeLessThanOrEqual(d);
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
  });
});

describe("InterpolationBuffer clock samples", () => {
  it("can keep a snapshot out of the clock (the catch-up keyframe sent on connect)", () => {
    const b = new InterpolationBuffer({ config, tickHz: 60, snapshotHz: 30 });
    b.push(linear(100), 100 * TICK_MS + 500, false); // old tick, arrives late: would look like 500 ms of jitter
    expect(b.sample(100 * TICK_MS + 500)?.base.tick).toBe(100); // still drawn
    for (let t = 102; t <= 140; t += 2) b.push(linear(t), t * TICK_MS + 20);
    expect(b.jitterMs).toBeCloseTo(0, 6);
  });
});
