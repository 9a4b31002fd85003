import { describe, expect, it } from "vitest";
import { createGame, declareWinner, defaultConfig, eliminateSeat, step } from "../../../src/shared/engine";
import { playing, runUntil } from "../support/build";

describe("eliminateSeat", () => {
  it("turns the side into a wall the ball bounces off, without a point", () => {
    const s0 = createGame(defaultConfig("4p"), 3);
    const s = eliminateSeat(s0, 0);
    expect(s.paddles[0].active).toBe(false);
    expect(s0.paddles[0].active).toBe(true); // pure
    // A ball heading left where the paddle would not reach bounces off the wall plane.
    const ball = playing("4p", { x: 300, y: 500, vx: -7, vy: 0 });
    ball.paddles = s.paddles.map((p) => ({ ...p }));
    ball.lastTouch = 1;
    const r = runUntil(ball, (e) => e.type === "wall_bounce");
    expect(r.found).toBeDefined();
    expect(r.state.ball.vx).toBeGreaterThan(0);
    expect(r.state.ball.x).toBeGreaterThanOrEqual(30 + 10 - 1e-9);
    expect(r.events.some((e) => e.type === "point")).toBe(false);
  });

  it("interrupts the rally: re-serve, scores unchanged", () => {
    const s = playing("4p", { x: 200, y: 200, vx: -7, vy: 3 });
    s.scores = [1, 0, 2, 0];
    s.lastTouch = 2;
    const e = eliminateSeat(s, 1);
    expect(e.phase).toBe("serving");
    expect(e.ball).toMatchObject({ x: 300, y: 300, vx: 0, vy: 0 });
    expect(e.lastTouch).toBe(-1);
    expect(e.scores).toEqual([1, 0, 2, 0]);
  });

  it("the last active seat wins", () => {
    let s = createGame(defaultConfig("4p"), 3);
    s = eliminateSeat(s, 2);
    s = eliminateSeat(s, 0);
    expect(s.phase).toBe("serving");
    s = eliminateSeat(s, 3);
    expect(s.phase).toBe("over");
    expect(s.winner).toBe(1);
    expect(step(s, [1, 1, 1, 1]).state).toEqual(s);
  });

  it("works in 2P: the other seat wins", () => {
    const s = eliminateSeat(createGame(defaultConfig("2p"), 3), 1);
    expect(s.phase).toBe("over");
    expect(s.winner).toBe(0);
  });

  it("is a no-op for an inactive seat or a finished game, and rejects unknown seats", () => {
    const s = eliminateSeat(createGame(defaultConfig("4p"), 3), 0);
    expect(eliminateSeat(s, 0)).toEqual(s);
    const over = declareWinner(s, 2);
    expect(eliminateSeat(over, 1)).toEqual(over);
    expect(() => eliminateSeat(s, 4)).toThrow(/seat/);
    expect(() => eliminateSeat(s, -1)).toThrow(/seat/);
  });
});

describe("declareWinner", () => {
  it("ends the game for a forfeit, purely; later calls are no-ops", () => {
    const s = createGame(defaultConfig("2p"), 3);
    const over = declareWinner(s, 1);
    expect(s.phase).toBe("serving");
    expect(over.phase).toBe("over");
    expect(over.winner).toBe(1);
    expect(declareWinner(over, 0).winner).toBe(1);
    expect(() => declareWinner(s, 2)).toThrow(/seat/);
  });
});
