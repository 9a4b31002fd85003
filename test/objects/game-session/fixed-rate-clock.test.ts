import { describe, expect, it } from "vitest";
import { FixedRateClock } from "../../../src/objects/game-session/fixed-rate-clock";

describe("FixedRateClock", () => {
  it("advances by exactly one period per tick (no drift from late wake-ups)", () => {
    const clock = new FixedRateClock(60, 1000);
    const period = 1000 / 60;
    // Wake up 3 ms late every time: the schedule stays on the original grid.
    let now = 1000;
    for (let i = 0; i < 600; i++) {
      const due = clock.due(now + 3);
      expect(due.steps).toBe(1);
      expect(due.latenessMs).toBeCloseTo(3, 6);
      now += period;
    }
    expect(clock.nextTickAt).toBeCloseTo(1000 + 600 * period, 6);
  });

  it("does nothing when woken early", () => {
    const clock = new FixedRateClock(60, 1000);
    expect(clock.due(999)).toEqual({ steps: 0, latenessMs: 0, skipped: 0 });
  });

  it("catches up in fixed steps, then skips beyond the limit", () => {
    const clock = new FixedRateClock(60, 0, 5);
    const period = 1000 / 60;
    expect(clock.due(period * 2 + 1)).toMatchObject({ steps: 3, skipped: 0 });
    const big = clock.due(clock.nextTickAt + period * 20);
    expect(big.steps).toBe(5);
    expect(big.skipped).toBe(16);
    // After skipping, the next tick is due one period after the last one run.
    expect(clock.due(clock.nextTickAt - 0.5).steps).toBe(0);
  });
});
