import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameBudget } from "../../../src/objects/sockets/frame-budget";

describe("FrameBudget", () => {
  it("allows the burst at once, then the sustained rate", () => {
    const b = new FrameBudget(0, 60, 60);
    for (let i = 0; i < 120; i++) expect(b.take(0)).toBe(true);
    expect(b.take(0)).toBe(false);
    expect(b.take(1000 / 60)).toBe(true); // one frame's worth of refill
    expect(b.take(1000 / 60)).toBe(false);
  });

  it("never lets more through than burst + rate x elapsed, whatever the arrival pattern", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 2000 }), (gaps) => {
        const b = new FrameBudget(0, 60, 60);
        let now = 0;
        let ok = 0;
        for (const g of gaps) {
          now += g;
          if (b.take(now)) ok++;
        }
        expect(ok).toBeLessThanOrEqual(120 + Math.floor((60 * now) / 1000) + 1);
      }),
    );
  });

  it("an honest client (an input per tick at most) never runs out", () => {
    const b = new FrameBudget(0);
    for (let t = 0; t < 60 * 60; t++) expect(b.take((t * 1000) / 60)).toBe(true);
  });
});
