import { describe, expect, it } from "vitest";
import { createGame, defaultConfig, restoreGame, serializeGame, step } from "../../../src/shared/engine";

function sample() {
  let s = createGame(defaultConfig("4p", { servePauseTicks: 2 }), 1234);
  for (let i = 0; i < 40; i++) s = step(s, [1, -1, i % 2 ? 1 : -1, 0]).state;
  return s;
}

describe("serializeGame / restoreGame", () => {
  it("round-trips exactly, also through JSON, and is independent of the original", () => {
    const s = sample();
    const data = serializeGame(s);
    expect(restoreGame(data)).toEqual(s);
    expect(restoreGame(JSON.parse(JSON.stringify(data)))).toEqual(s);
    const r = restoreGame(data);
    r.paddles[0].pos = -5;
    expect(s.paddles[0].pos).not.toBe(-5);
    expect(data.paddles[0].pos).not.toBe(-5);
  });

  it("drops unknown fields", () => {
    const s = sample();
    const restored = restoreGame({ ...serializeGame(s), extra: "x" });
    expect("extra" in restored).toBe(false);
  });

  const good = () => JSON.parse(JSON.stringify(serializeGame(sample())));
  const cases: [string, (o: any) => unknown][] = [
    ["null", () => null],
    ["a number", () => 42],
    ["a string", () => "state"],
    ["an array", () => []],
    ["an empty object", () => ({})],
    ["no ball", (o) => ({ ...o, ball: undefined })],
    ["NaN ball", (o) => ({ ...o, ball: { ...o.ball, x: Number.NaN } })],
    ["string ball speed", (o) => ({ ...o, ball: { ...o.ball, speed: "7" } })],
    ["negative ball speed", (o) => ({ ...o, ball: { ...o.ball, speed: -1 } })],
    ["bad phase", (o) => ({ ...o, phase: "paused" })],
    ["bad mode", (o) => ({ ...o, config: { ...o.config, mode: "3p" } })],
    ["bad config number", (o) => ({ ...o, config: { ...o.config, width: -600 } })],
    ["missing config field", (o) => ({ ...o, config: { ...o.config, ballSpeed: undefined } })],
    ["too few paddles", (o) => ({ ...o, paddles: o.paddles.slice(1) })],
    ["paddles out of order", (o) => ({ ...o, paddles: [o.paddles[1], o.paddles[0], o.paddles[2], o.paddles[3]] })],
    ["bad dir", (o) => ({ ...o, paddles: o.paddles.map((p: any) => ({ ...p, dir: 2 })) })],
    ["non-boolean active", (o) => ({ ...o, paddles: o.paddles.map((p: any) => ({ ...p, active: 1 })) })],
    ["wrong score count", (o) => ({ ...o, scores: [0, 0] })],
    ["fractional score", (o) => ({ ...o, scores: [0, 0.5, 0, 0] })],
    ["negative tick", (o) => ({ ...o, tick: -1 })],
    ["lastTouch out of range", (o) => ({ ...o, lastTouch: 4 })],
    ["winner out of range", (o) => ({ ...o, winner: -2 })],
    ["rng above uint32", (o) => ({ ...o, rng: 2 ** 32 })],
    ["negative rng", (o) => ({ ...o, rng: -1 })],
  ];
  it.each(cases)("rejects %s with a clear error", (_name, make) => {
    expect(() => restoreGame(make(good()))).toThrow(/^restoreGame: /);
  });

  it("accepts the unmodified sample (the rejections above are specific)", () => {
    expect(() => restoreGame(good())).not.toThrow();
  });
});
