import { describe, expect, it } from "vitest";
import { createGame, defaultConfig, detTan, paddleRange, paddleRect, sideWallRect, faceCoord } from "../../../src/shared/engine";

describe("defaultConfig", () => {
  it("gives the documented 2P and 4P defaults", () => {
    const two = defaultConfig("2p");
    expect(two).toMatchObject({ mode: "2p", width: 900, height: 600, winScore: 5, paddleLength: 100, paddleThickness: 10, ballSize: 20 });
    expect(two.ballSpeed).toBe(7);
    expect(two.ballSpeedMax).toBe(16);
    expect(two.ballSpeedup).toBe(1.05);
    expect(two.maxBounceAngle).toBeCloseTo(Math.PI / 3, 12);
    expect(two.servePauseTicks).toBe(60);
    const four = defaultConfig("4p");
    expect(four).toMatchObject({ mode: "4p", width: 600, height: 600, winScore: 3 });
  });

  it("a straight 2P serve crosses between the paddle faces in about 2 s", () => {
    const c = defaultConfig("2p");
    const ticks = (faceCoord(c, "right") - faceCoord(c, "left") - c.ballSize) / c.ballSpeed;
    expect(ticks / 60).toBeGreaterThan(1.7);
    expect(ticks / 60).toBeLessThan(2.3);
  });

  it("applies overrides and rejects bad ones", () => {
    expect(defaultConfig("2p", { winScore: 11 }).winScore).toBe(11);
    expect(() => defaultConfig("2p", { ballSpeed: -1 })).toThrow(/ballSpeed/);
    expect(() => defaultConfig("2p", { winScore: 0 })).toThrow(/winScore/);
    expect(() => defaultConfig("2p", { maxBounceAngle: Math.PI / 2 })).toThrow(/maxBounceAngle/);
    expect(() => defaultConfig("2p", { ballSpeedMax: 3 })).toThrow(/ballSpeedMax/);
    expect(() => defaultConfig("4p", { width: 700 })).toThrow(/square/);
    expect(() => defaultConfig("3p" as never)).toThrow(/mode/);
  });

  it("detTan matches Math.tan closely", () => {
    for (const x of [0, 0.1, -0.5, Math.PI / 4, Math.PI / 3, 1.4]) expect(detTan(x)).toBeCloseTo(Math.tan(x), 13);
  });
});

describe("geometry", () => {
  it("paddle rectangles sit at the inset on each side", () => {
    const c = defaultConfig("4p");
    expect(paddleRect(c, { side: "left", pos: 300 })).toEqual({ x: 20, y: 250, w: 10, h: 100 });
    expect(paddleRect(c, { side: "right", pos: 300 })).toEqual({ x: 570, y: 250, w: 10, h: 100 });
    expect(paddleRect(c, { side: "top", pos: 200 })).toEqual({ x: 150, y: 20, w: 100, h: 10 });
    expect(paddleRect(c, { side: "bottom", pos: 200 })).toEqual({ x: 150, y: 570, w: 100, h: 10 });
    expect(sideWallRect(c, "bottom")).toEqual({ x: 0, y: 570, w: 600, h: 30 });
  });

  it("paddle ranges: whole side in 2P, between the perpendicular paddle planes in 4P", () => {
    expect(paddleRange(defaultConfig("2p"), "left")).toEqual({ min: 50, max: 550 });
    expect(paddleRange(defaultConfig("4p"), "top")).toEqual({ min: 80, max: 520 });
  });

  it("createGame starts serving with centred paddles and zero scores", () => {
    const s = createGame(defaultConfig("4p"), 7);
    expect(s.phase).toBe("serving");
    expect(s.serveIn).toBe(60);
    expect(s.paddles.map((p) => [p.side, p.pos, p.active])).toEqual([
      ["left", 300, true],
      ["right", 300, true],
      ["top", 300, true],
      ["bottom", 300, true],
    ]);
    expect(s.scores).toEqual([0, 0, 0, 0]);
    expect(s.ball).toEqual({ x: 300, y: 300, vx: 0, vy: 0, speed: 7 });
    expect(s.rng).toBe(7);
  });
});
