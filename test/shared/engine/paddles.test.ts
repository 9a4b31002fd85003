import { describe, expect, it } from "vitest";
import { createGame, defaultConfig, step, type Dir, type GameState, type StepInputs } from "../../../src/shared/engine";

function hold(s: GameState, inputs: StepInputs, ticks: number): GameState {
  let cur = step(s, inputs).state;
  for (let i = 1; i < ticks; i++) cur = step(cur).state;
  return cur;
}

describe("paddles", () => {
  it("move paddleSpeed per tick while a direction is held", () => {
    const s = createGame(defaultConfig("2p"), 1);
    const after = hold(s, [1, -1], 5);
    expect(after.paddles[0].pos).toBe(300 + 5 * 8);
    expect(after.paddles[1].pos).toBe(300 - 5 * 8);
    expect(after.paddles[0].dir).toBe(1);
    const stopped = hold(after, [0], 3);
    expect(stopped.paddles[0].pos).toBe(340);
    expect(stopped.paddles[1].pos).toBe(300 - 8 * 8); // seat 1 still holds -1
  });

  it("cannot go faster: odd input values count as a direction, once per tick", () => {
    const s = createGame(defaultConfig("2p"), 1);
    const wild = step(s, [50 as Dir, -1e9 as Dir]).state;
    expect(wild.paddles[0].pos).toBe(308);
    expect(wild.paddles[1].pos).toBe(292);
    const nan = step(s, [Number.NaN as Dir]).state;
    expect(nan.paddles[0].pos).toBe(300);
    // Re-sending the same input every tick moves exactly as far as holding it.
    let a = s;
    for (let i = 0; i < 10; i++) a = step(a, [1, 1]).state;
    expect(a.paddles.map((p) => p.pos)).toEqual(hold(s, [1, 1], 10).paddles.map((p) => p.pos));
  });

  it("are clamped to the field in 2P", () => {
    const s = createGame(defaultConfig("2p"), 1);
    const up = hold(s, [-1, 1], 100);
    expect(up.paddles[0].pos).toBe(50);
    expect(up.paddles[1].pos).toBe(550);
  });

  it("stay between the perpendicular paddles in 4P", () => {
    const s = createGame(defaultConfig("4p"), 1);
    const lo = hold(s, [-1, -1, -1, -1], 100);
    expect(lo.paddles.map((p) => p.pos)).toEqual([80, 80, 80, 80]);
    const hi = hold(s, [1, 1, 1, 1], 100);
    expect(hi.paddles.map((p) => p.pos)).toEqual([520, 520, 520, 520]);
  });

  it("inactive paddles ignore input", () => {
    const s = createGame(defaultConfig("4p"), 1);
    s.paddles[2].active = false;
    const after = hold(s, [1, 1, 1, 1], 5);
    expect(after.paddles[2].pos).toBe(300);
    expect(after.paddles[3].pos).toBe(340);
  });
});
