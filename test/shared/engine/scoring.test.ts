import { describe, expect, it } from "vitest";
import { createGame, defaultConfig, step, type GameEvent } from "../../../src/shared/engine";
import { playing, runUntil } from "../support/build";

const isPoint = (e: GameEvent) => e.type === "point";

describe("2P scoring", () => {
  it("ball out on the left: point to seat 1, then a fresh serve", () => {
    const s = playing("2p", { x: 200, y: 500, vx: -7, vy: 0 });
    s.paddles[0].pos = 100; // far from the ball's path
    s.lastTouch = 0;
    const r = runUntil(s, isPoint);
    expect(r.found).toEqual({ type: "point", scorer: 1, side: "left" });
    expect(r.state.scores).toEqual([0, 1]);
    expect(r.state.phase).toBe("serving");
    expect(r.state.serveIn).toBe(60);
    expect(r.state.lastTouch).toBe(-1);
    expect(r.state.ball).toMatchObject({ x: 450, y: 300, vx: 0, vy: 0, speed: 7 });
    expect(r.events.filter((e) => e.type === "paddle_hit")).toEqual([]);
    // The point is given when the ball is fully out, not before.
    const before = runUntil(s, () => false, r.ticks - 1).state;
    expect(before.ball.x + 10).toBeGreaterThan(0);
  });

  it("ball out on the right: point to seat 0", () => {
    const s = playing("2p", { x: 700, y: 100, vx: 7, vy: 0 });
    s.paddles[1].pos = 500;
    const r = runUntil(s, isPoint);
    expect(r.found).toEqual({ type: "point", scorer: 0, side: "right" });
    expect(r.state.scores).toEqual([1, 0]);
  });

  it("serves after servePauseTicks towards a side, within +-45 degrees", () => {
    let s = createGame(defaultConfig("2p"), 99);
    for (let t = 1; t < 60; t++) {
      const r = step(s);
      expect(r.events).toEqual([]);
      s = r.state;
    }
    const r = step(s);
    expect(r.events).toEqual([{ type: "serve" }]);
    const b = r.state.ball;
    expect(r.state.phase).toBe("playing");
    expect(Math.abs(b.vy)).toBeLessThanOrEqual(Math.abs(b.vx) + 1e-12);
    expect(Math.hypot(b.vx, b.vy)).toBeCloseTo(7, 12);
    expect(r.state.rng).not.toBe(s.rng);
  });

  it("serves go both ways and at varied angles across seeds", () => {
    const dirs = new Set<number>();
    const slopes: number[] = [];
    for (let seed = 0; seed < 40; seed++) {
      const c = defaultConfig("2p", { servePauseTicks: 0 });
      const b = step(createGame(c, seed)).state.ball;
      dirs.add(Math.sign(b.vx));
      slopes.push(b.vy / b.vx);
    }
    expect(dirs).toEqual(new Set([-1, 1]));
    expect(Math.max(...slopes) - Math.min(...slopes)).toBeGreaterThan(1);
  });
});

describe("4P scoring", () => {
  it("a ball leaving through any side scores for the last toucher", () => {
    const s = playing("4p", { x: 300, y: 450, vx: -7, vy: 0 });
    s.paddles[0].pos = 100;
    s.lastTouch = 2;
    const r = runUntil(s, isPoint);
    expect(r.found).toEqual({ type: "point", scorer: 2, side: "left" });
    expect(r.state.scores).toEqual([0, 0, 1, 0]);
    expect(r.state.phase).toBe("serving");
  });

  it("last touch comes from real hits: top hits, bottom misses -> top scores", () => {
    const s = playing("4p", { x: 300, y: 200, vx: 0, vy: -7 });
    s.paddles[3].pos = 100; // bottom paddle far away
    const r = runUntil(s, isPoint);
    expect(r.events[0]).toEqual({ type: "paddle_hit", seat: 2 });
    expect(r.found).toEqual({ type: "point", scorer: 2, side: "bottom" });
    expect(r.state.scores).toEqual([0, 0, 1, 0]);
  });

  it("nobody touched it since the serve: no point, re-serve", () => {
    const c = defaultConfig("4p", { servePauseTicks: 3 });
    let s = playing("4p", { x: 300, y: 450, vx: -7, vy: 0 }, { servePauseTicks: 3 });
    s.paddles[0].pos = 100;
    const r = runUntil(s, isPoint);
    expect(r.found).toEqual({ type: "point", scorer: null, side: "left" });
    expect(r.state.scores).toEqual([0, 0, 0, 0]);
    expect(r.state.phase).toBe("serving");
    s = r.state;
    const served = runUntil(s, (e) => e.type === "serve", c.servePauseTicks);
    expect(served.found).toBeDefined();
    expect(served.state.phase).toBe("playing");
    expect(Math.hypot(served.state.ball.vx, served.state.ball.vy)).toBeCloseTo(7, 12);
  });

  it("own goal (last toucher's own side): no point", () => {
    const s = playing("4p", { x: 300, y: 450, vx: -7, vy: 0 });
    s.paddles[0].pos = 100;
    s.lastTouch = 0;
    const r = runUntil(s, isPoint);
    expect(r.found).toEqual({ type: "point", scorer: null, side: "left" });
    expect(r.state.scores).toEqual([0, 0, 0, 0]);
  });

  it("4P serves only towards active sides", () => {
    for (let seed = 0; seed < 30; seed++) {
      const s = createGame(defaultConfig("4p", { servePauseTicks: 0 }), seed);
      s.paddles[0].active = false;
      s.paddles[2].active = false;
      const b = step(s).state.ball;
      // Active: right (+x) and bottom (+y); the main component must point at one of them.
      if (Math.abs(b.vx) > Math.abs(b.vy)) expect(b.vx).toBeGreaterThan(0);
      else expect(b.vy).toBeGreaterThan(0);
    }
  });
});

describe("winning", () => {
  it("reaching winScore ends the game; stepping after is a no-op", () => {
    const s = playing("2p", { x: 800, y: 100, vx: 7, vy: 0 });
    s.paddles[1].pos = 500;
    s.scores = [4, 2];
    const r = runUntil(s, (e) => e.type === "game_over");
    expect(r.events.slice(-2)).toEqual([
      { type: "point", scorer: 0, side: "right" },
      { type: "game_over", winner: 0 },
    ]);
    expect(r.state.phase).toBe("over");
    expect(r.state.winner).toBe(0);
    expect(r.state.scores).toEqual([5, 2]);
    const after = step(r.state, [1, -1]);
    expect(after.events).toEqual([]);
    expect(after.state).toEqual(r.state);
  });

  it("one point short is not a win", () => {
    const s = playing("2p", { x: 800, y: 100, vx: 7, vy: 0 });
    s.paddles[1].pos = 500;
    s.scores = [3, 4];
    const r = runUntil(s, isPoint);
    expect(r.state.phase).toBe("serving");
    expect(r.state.winner).toBe(-1);
    expect(r.events.some((e) => e.type === "game_over")).toBe(false);
  });

  it("4P wins at 3", () => {
    const s = playing("4p", { x: 300, y: 450, vx: -7, vy: 0 });
    s.paddles[0].pos = 100;
    s.lastTouch = 3;
    s.scores = [0, 1, 1, 2];
    const r = runUntil(s, (e) => e.type === "game_over");
    expect(r.found).toEqual({ type: "game_over", winner: 3 });
    expect(r.state.scores).toEqual([0, 1, 1, 3]);
  });
});
