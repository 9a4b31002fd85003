/** LeadController (margin grows on late inputs, decays slowly) and PlayClock (slews, never runs backwards). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LeadController, PlayClock } from "../../../src/shared/net";

const TICK = 1000 / 60;

describe("LeadController", () => {
  it("leads by one-way latency plus the margin", () => {
    const lead = new LeadController({ tickMs: TICK, initialMarginMs: 20 });
    expect(lead.leadMs(150, 0, 0)).toBeCloseTo(95);
  });

  it("grows the margin at once when an input was late, then shrinks it slowly after a quiet hold, never below the floor or half the round-trip jitter", () => {
    const lead = new LeadController({ tickMs: TICK, initialMarginMs: 20, minMarginMs: 8, holdMs: 3000, decayMsPerS: 4 });
    lead.onLate(2, 1000);
    expect(lead.marginMs(1000)).toBeCloseTo(20 + 3 * TICK);
    expect(lead.marginMs(4000)).toBeCloseTo(20 + 3 * TICK); // still in the hold
    expect(lead.marginMs(9000)).toBeCloseTo(20 + 3 * TICK - 20); // hold until 4000, then 5 s at 4 ms/s
    expect(lead.marginMs(100_000)).toBe(8);
    expect(lead.marginMs(100_000, 60)).toBe(30); // half the round trip's jitter: one leg's share
  });

  it("drops to the floor when the server says the stamps are too far ahead, and keeps the lead under the server's limit", () => {
    const lead = new LeadController({ tickMs: TICK, initialMarginMs: 100, maxLeadMs: 500 });
    expect(lead.leadMs(2000, 0, 0)).toBeCloseTo(500 - 2 * TICK);
    lead.onTooEarly(0);
    expect(lead.marginMs(0)).toBe(8);
  });
});

describe("PlayClock", () => {
  it("property: never runs backwards, and while the target shift changes a little, advances at 95%..105% of real time", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ dt: fc.integer({ min: 1, max: 50 }), shift: fc.integer({ min: -200, max: 200 }) }), { minLength: 2, maxLength: 200 }), (steps) => {
        const clock = new PlayClock(0.05, 250);
        const c = { t0: 0, tickHz: 60 };
        let now = 10_000;
        let last = clock.tick(c, now, 0);
        for (const s of steps) {
          now += s.dt;
          const t = clock.tick(c, now, s.shift);
          expect(t).toBeGreaterThanOrEqual(last);
          // Ticks per ms of real time, with the shift moving at most 5% of it.
          expect((t - last) * TICK).toBeLessThanOrEqual(s.dt * 1.05 + 1e-6);
          last = t;
        }
      }),
    );
  });

  it("jumps to a far target (a start), and follows a small change smoothly", () => {
    const clock = new PlayClock(0.05, 250);
    const c = { t0: 0, tickHz: 60 };
    expect(clock.tick(c, 1000, 0)).toBeCloseTo(60);
    expect(clock.tick(c, 2000, 100)).toBeCloseTo(120 + 50 * 0.06); // +5% of 1000 ms = 50 ms
    clock.reset();
    expect(clock.tick(c, 2000, 1000)).toBeCloseTo(180);
  });
});
