import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rebaseClock, tickAt, timeOfTick } from "../../../src/shared/timeline";

describe("tick clock", () => {
  it("counts whole ticks from t0 (60 Hz: tick 1 from 17 ms, tick 60 at exactly 1 s)", () => {
    const clock = { t0: 1_000_000, tickHz: 60 };
    expect(tickAt(clock, 1_000_000)).toBe(0);
    expect(tickAt(clock, 1_000_016)).toBe(0);
    expect(tickAt(clock, 1_000_017)).toBe(1);
    expect(tickAt(clock, 1_001_000)).toBe(60);
    expect(tickAt(clock, 999_999)).toBe(-1);
    expect(timeOfTick(clock, 1)).toBe(1_000_017);
    expect(timeOfTick(clock, 60)).toBe(1_001_000);
  });

  it("timeOfTick is the first whole ms at which tickAt reaches the tick", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.constantFrom(30, 50, 60, 120), fc.integer({ min: 0, max: 10_000_000 }), (t0, tickHz, tick) => {
        const clock = { t0, tickHz };
        const at = timeOfTick(clock, tick);
        expect(Number.isInteger(at)).toBe(true);
        expect(tickAt(clock, at)).toBe(tick);
        expect(tickAt(clock, at - 1)).toBe(tick - 1);
      }),
    );
  });

  it("a re-based clock resumes the frozen tick exactly at the resume instant", () => {
    fc.assert(
      fc.property(fc.constantFrom(30, 60, 120), fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 2 ** 42 }), (tickHz, tick, at) => {
        const clock = rebaseClock(tickHz, tick, at);
        expect(Number.isInteger(clock.t0)).toBe(true);
        expect(tickAt(clock, at)).toBe(tick);
        expect(tickAt(clock, at + 1000)).toBe(tick + tickHz);
      }),
    );
  });
});
