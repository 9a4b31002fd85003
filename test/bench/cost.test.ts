/** The load bench's cost model (bench/load/cost.ts): list prices applied to counted units, duration from handler time only. */
import { describe, expect, it } from "vitest";
import { costOf, gameHourCost, PRICES } from "../../bench/load/cost";

describe("cost per game-hour", () => {
  it("bills WebSocket messages 20:1, alarms as requests, rows written and GB-s at list prices", () => {
    const c = costOf({ messagesIn: 2_000_000, alarms: 100_000, otherRequests: 0, rowsWritten: 1_000_000, activeSeconds: 8_000_000 });
    expect(c.requests).toBe(200_000);
    expect(c.usd.requests).toBeCloseTo(0.03, 10);
    expect(c.gbSeconds).toBe(1_000_000);
    expect(c.usd.duration).toBeCloseTo(PRICES.gbSecondsPerMillionUsd, 10);
    expect(c.usd.rows).toBeCloseTo(1, 10);
    expect(c.usd.total).toBeCloseTo(0.03 + 12.5 + 1, 10);
  });

  it("takes duration from the server CPU per match, not from the wall clock of the match", () => {
    // 0.5 % of a core per match = 18 s of handlers per game-hour = 2.25 GB-s.
    const g = gameHourCost({ messagesInPerHour: 30_000, alarmsPerHour: 400, rowsWrittenPerHour: 800, serverCpuPctPerMatch: 0.5 }, 5);
    expect(g.units.activeSeconds).toBeCloseTo(18, 10);
    expect(g.cost.gbSeconds).toBeCloseTo(2.25, 10);
    expect(g.cost.requests).toBeCloseTo(1_500 + 400, 10);
    expect(g.cost.usd.total).toBeCloseTo((1_900 / 1e6) * 0.15 + (2.25 / 1e6) * 12.5 + 800 / 1e6, 12);
    // Pessimistic: every message or alarm holds the object 5 ms: 30,400 x 5 ms = 152 s.
    expect(g.pessimistic.activeSeconds).toBeCloseTo(152, 10);
    expect(g.pessimistic.cost.usd.total).toBeGreaterThan(g.cost.usd.total);
  });

  it("a match that ran the old 60 Hz loop all hour would cost its whole hour of duration (the old model's $0.0056)", () => {
    const g = gameHourCost({ messagesInPerHour: 0, alarmsPerHour: 0, rowsWrittenPerHour: 0, serverCpuPctPerMatch: 100 });
    expect(g.cost.usd.duration).toBeCloseTo(0.005625, 10);
  });
});
