import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { acceptInputTick, MAX_INPUT_LEAD_TICKS } from "../../../src/shared/timeline";

describe("input acceptance", () => {
  it("applies a stamp in [current, current + lead] at its stamp", () => {
    expect(acceptInputTick(100, 100)).toEqual({ kind: "exact", tick: 100 });
    expect(acceptInputTick(100 + MAX_INPUT_LEAD_TICKS, 100)).toEqual({ kind: "exact", tick: 100 + MAX_INPUT_LEAD_TICKS });
  });

  it("moves a late stamp to the current tick, and refuses one beyond the lead", () => {
    expect(acceptInputTick(99, 100)).toEqual({ kind: "late", tick: 100 });
    expect(acceptInputTick(0, 100)).toEqual({ kind: "late", tick: 100 });
    expect(acceptInputTick(101 + MAX_INPUT_LEAD_TICKS, 100)).toEqual({ kind: "too_early", maxTick: 100 + MAX_INPUT_LEAD_TICKS });
    expect(acceptInputTick(5, 0, 4)).toEqual({ kind: "too_early", maxTick: 4 });
  });

  it("never yields a tick in the past nor beyond the lead", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 120 }), (stamp, current, lead) => {
        const v = acceptInputTick(stamp, current, lead);
        if (v.kind === "too_early") expect(stamp).toBeGreaterThan(current + lead);
        else {
          expect(v.tick).toBeGreaterThanOrEqual(current);
          expect(v.tick).toBeLessThanOrEqual(current + lead);
          expect(v.kind === "exact").toBe(v.tick === stamp);
        }
      }),
    );
  });
});
