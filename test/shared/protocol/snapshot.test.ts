import { describe, expect, it } from "vitest";
import { defaultConfig, type GameState } from "../../../src/shared/engine";
import { decodeSnapshot, encodeSnapshot, SnapshotDecodeError, viewOf } from "../../../src/shared/protocol/snapshot";

function state(seats: number, patch: Partial<GameState> = {}): GameState {
  const sides = ["left", "right", "top", "bottom"] as const;
  return {
    config: defaultConfig(seats === 2 ? "2p" : "4p"),
    tick: 100,
    phase: "playing",
    serveIn: 0,
    ball: { x: 450.3, y: 300.77, vx: 6.123, vy: -2.5, speed: 6.6 },
    paddles: Array.from({ length: seats }, (_, i) => ({ side: sides[i], pos: 300 + i, dir: 0 as const, active: true })),
    scores: new Array(seats).fill(0),
    lastTouch: -1,
    winner: -1,
    rng: 1,
    ...patch,
  };
}

describe("snapshot codec", () => {
  it("round-trips a full snapshot within quantization", () => {
    const s = state(4);
    const view = viewOf(s, [5, -1, 7, 0]);
    const decoded = decodeSnapshot(encodeSnapshot(view, null), null);
    expect(decoded).toEqual(view);
    expect(Math.abs(decoded.ball.x - s.ball.x)).toBeLessThanOrEqual(1 / 16);
    expect(Math.abs(decoded.ball.vx - s.ball.vx)).toBeLessThanOrEqual(1 / 512);
  });

  it("sends only what changed in a delta, and decodes it against its base", () => {
    const a = viewOf(state(2), [1, 1]);
    const b = viewOf(state(2, { tick: 102, ball: { x: 462.5, y: 295.77, vx: 6.123, vy: -2.5, speed: 6.6 } }), [1, 1]);
    const full = encodeSnapshot(b, null);
    const delta = encodeSnapshot(b, a);
    // header (8) + ball position (4): nothing else moved.
    expect(delta.byteLength).toBe(12);
    expect(delta.byteLength).toBeLessThan(full.byteLength);
    expect(decodeSnapshot(delta, a)).toEqual(b);
  });

  it("carries paddle moves, acks, scores and status in deltas", () => {
    const s1 = state(2);
    const s2 = state(2, {
      tick: 104,
      phase: "serving",
      serveIn: 40,
      scores: [1, 0],
      lastTouch: 0,
      paddles: [
        { side: "left", pos: 280, dir: -1, active: true },
        { side: "right", pos: 301, dir: 0, active: true },
      ],
    });
    const a = viewOf(s1, [1, 2]);
    const b = viewOf(s2, [4, 2]);
    expect(decodeSnapshot(encodeSnapshot(b, a), a)).toEqual(b);
  });

  it("refuses a delta whose base it does not hold", () => {
    const a = viewOf(state(2), [0, 0]);
    const b = viewOf(state(2, { tick: 102 }), [0, 0]);
    const c = viewOf(state(2, { tick: 104, ball: { x: 1, y: 2, vx: 0, vy: 0, speed: 0 } }), [0, 0]);
    expect(() => decodeSnapshot(encodeSnapshot(c, b), a)).toThrow(SnapshotDecodeError);
    expect(() => decodeSnapshot(encodeSnapshot(c, b), null)).toThrow(SnapshotDecodeError);
  });

  it("rejects truncated and unknown frames without crashing", () => {
    const full = encodeSnapshot(viewOf(state(2), [0, 0]), null);
    expect(() => decodeSnapshot(full.slice(0, full.length - 3), null)).toThrow(SnapshotDecodeError);
    expect(() => decodeSnapshot(new Uint8Array([9, 0, 0, 0, 0, 0, 0, 0]), null)).toThrow(SnapshotDecodeError);
    expect(() => decodeSnapshot(new Uint8Array([1]), null)).toThrow(SnapshotDecodeError);
  });
});
