import { describe, expect, it } from "vitest";
import { defaultConfig, step, type Side } from "../../../src/shared/engine";
import { angleOf, playing, runUntil } from "../support/build";

const MAX = Math.PI / 3;
const REACH = 60; // half paddle (50) + half ball (10)

/** 2P: ball flying horizontally into the left paddle (centre 300), hitting at `offset` px below centre. */
function hitLeft(offset: number, speed = 7) {
  const s = playing("2p", { x: 30 + 10 + speed / 2, y: 300 + offset, vx: -speed, vy: 0 });
  const r = step(s);
  expect(r.events).toContainEqual({ type: "paddle_hit", seat: 0 });
  return r.state;
}

describe("paddle bounce", () => {
  it("a centre hit goes straight back", () => {
    const s = hitLeft(0);
    expect(s.ball.vy).toBe(0);
    expect(s.ball.vx).toBeGreaterThan(0);
  });

  it("an edge hit leaves near the max angle, with the sign of the offset", () => {
    const below = hitLeft(REACH);
    expect(angleOf(below.ball.vx, below.ball.vy)).toBeCloseTo(MAX, 9);
    const above = hitLeft(-(REACH - 1));
    const a = angleOf(above.ball.vx, above.ball.vy);
    expect(a).toBeLessThan(-MAX * 0.95);
    expect(a).toBeGreaterThanOrEqual(-MAX);
  });

  it("the angle grows with the offset", () => {
    const angles = [0, 10, 20, 30, 40, 50, 59].map((o) => {
      const s = hitLeft(o);
      return angleOf(s.ball.vx, s.ball.vy);
    });
    for (let i = 1; i < angles.length; i++) expect(angles[i]).toBeGreaterThan(angles[i - 1]);
    expect(angles[angles.length - 1]).toBeLessThanOrEqual(MAX);
  });

  it("right paddle mirrors: goes left, down when hit below centre", () => {
    const s = playing("2p", { x: 870 - 10 - 3, y: 330, vx: 7, vy: 0 });
    const r = step(s);
    expect(r.events).toContainEqual({ type: "paddle_hit", seat: 1 });
    expect(r.state.ball.vx).toBeLessThan(0);
    expect(r.state.ball.vy).toBeGreaterThan(0);
  });

  it.each<[Side, number, { x: number; y: number; vx: number; vy: number }, (vx: number, vy: number) => boolean]>([
    ["top", 2, { x: 330, y: 30 + 10 + 3, vx: 0, vy: -7 }, (vx, vy) => vy > 0 && vx > 0],
    ["bottom", 3, { x: 270, y: 570 - 10 - 3, vx: 0, vy: 7 }, (vx, vy) => vy < 0 && vx < 0],
  ])("4P %s paddle returns the ball inwards, along the offset", (_side, seat, ball, ok) => {
    const r = step(playing("4p", ball));
    expect(r.events).toContainEqual({ type: "paddle_hit", seat });
    expect(ok(r.state.ball.vx, r.state.ball.vy)).toBe(true);
    expect(r.state.lastTouch).toBe(seat);
  });

  it("speeds up by 1.05 per hit, up to the cap, keeping |v| = speed", () => {
    // Paddles as long as the field: every shot is returned, forever.
    const c = defaultConfig("2p", { paddleLength: 600 });
    let s = playing("2p", { x: 450, y: 300, vx: -7, vy: 0 }, { paddleLength: 600 });
    const speeds: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = runUntil(s, (e) => e.type === "paddle_hit", 500);
      expect(r.found).toBeDefined();
      s = r.state;
      speeds.push(s.ball.speed);
      expect(Math.hypot(s.ball.vx, s.ball.vy)).toBeCloseTo(s.ball.speed, 9);
    }
    expect(speeds[0]).toBeCloseTo(7 * 1.05, 12);
    expect(speeds[1]).toBeCloseTo(7 * 1.05 ** 2, 12);
    for (let i = 0; i < speeds.length; i++) expect(speeds[i]).toBeCloseTo(Math.min(7 * 1.05 ** (i + 1), c.ballSpeedMax), 9);
    expect(speeds[speeds.length - 1]).toBe(16);
  });

  it("a tick can hit a paddle and then a wall", () => {
    // Near the bottom-left corner, fast, hitting the paddle's lower end: it leaves at 60 degrees
    // downwards and reaches the bottom wall within the same tick.
    const s = playing("2p", { x: 40 + 1, y: 585, vx: -16, vy: 0 }, {}, 1);
    s.paddles[0].pos = 550;
    s.ball.speed = 15.99;
    const r = step(s);
    expect(r.events).toEqual([{ type: "paddle_hit", seat: 0 }, { type: "wall_bounce" }]);
    expect(r.state.ball.vy).toBeLessThan(0);
    expect(r.state.ball.vx).toBeGreaterThan(0);
    expect(r.state.ball.y).toBeLessThanOrEqual(590);
  });
});
