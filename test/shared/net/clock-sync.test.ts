/** ClockSync: offset and RTT from time ping/pong samples, robust to delayed samples. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClockSync } from "../../../src/shared/net";

describe("ClockSync", () => {
  it("finds the offset and RTT of a symmetric line", () => {
    const sync = new ClockSync();
    // Server clock = local + 5000; 40 ms each way.
    for (let i = 0; i < 5; i++) {
      const c = 1000 + i * 100;
      sync.add(c, c + 40 + 5000, c + 80);
    }
    expect(sync.estimate).toMatchObject({ offsetMs: 5000, rttMs: 80, jitterMs: 0, samples: 5 });
    expect(sync.serverTime(2000)).toBe(7000);
  });

  it("ignores nonsense samples (negative or huge RTT, non-finite server time)", () => {
    const sync = new ClockSync();
    expect(sync.add(100, 500, 50)).toBe(false);
    expect(sync.add(100, 500, 100 + 60_000)).toBe(false);
    expect(sync.add(100, Number.NaN, 150)).toBe(false);
    expect(sync.estimate).toBeNull();
  });

  it("paces requests: a burst at the start, then sparse; restart() begins a new burst", () => {
    const sync = new ClockSync({ burst: 3, burstGapMs: 100, steadyGapMs: 5000 });
    const sent: number[] = [];
    for (let t = 0; t <= 12_000; t += 10) if (sync.due(t) !== null) sent.push(t);
    expect(sent).toEqual([0, 100, 200, 5200, 10200]);
    sync.restart();
    expect(sync.due(10_300)).toBe(10_300);
  });

  it("property: with a third or more of the samples on a clean line, a few delayed ones on either leg do not move the offset by more than the clean jitter", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 8, maxLength: 16 }),
        fc.array(fc.record({ up: fc.boolean(), extra: fc.integer({ min: 50, max: 2000 }) }), { maxLength: 4 }),
        (offset, oneWay, cleanJitter, delayed) => {
          const sync = new ClockSync();
          let t = 0;
          const samples = [
            ...cleanJitter.map((j) => ({ up: oneWay + j, down: oneWay })),
            ...delayed.map((d) => ({ up: oneWay + (d.up ? d.extra : 0), down: oneWay + (d.up ? 0 : d.extra) })),
          ];
          for (const s of samples) {
            t += 500;
            sync.add(t, t + s.up + offset, t + s.up + s.down);
          }
          const est = sync.estimate!;
          expect(Math.abs(est.offsetMs - offset)).toBeLessThanOrEqual(4);
          expect(est.rttMs).toBeGreaterThanOrEqual(2 * oneWay);
        },
      ),
    );
  });
});
