/**
 * The load bench's floor verdicts (bench/load/floor-verdicts.ts): a step's points are judged against
 * the alarm probe that ran in the same workerd during that step, not against the probe alone on an
 * idle server; the relay p99 is set beside the relay floor's at the same N.
 */
import { describe, expect, it } from "vitest";
import type { AlarmFloorResult } from "../../bench/load/alarm-floor";
import { floorMaxMatches, pointVerdict, relayFloorVerdict, relayPairs } from "../../bench/load/floor-verdicts";
import type { StepResult } from "../../bench/load/load";

const probe = (p99: number, fired = 225): AlarmFloorResult => ({ objects: 25, seconds: 10, fired, p50: p99 / 2, p99, max: p99 + 1, early: 0, silentObjects: 0, appCpuPct: 0, load: 0 });

/** The fields the verdicts read; the rest of a step does not matter here. */
function step(mode: "game" | "floor", matches: number, relayP99: number, pointP99: number, alarmProbe?: AlarmFloorResult | null, points = 100): StepResult {
  return {
    mode,
    matches,
    path: "direct",
    deflateOffered: true,
    client: { relay: { p50: relayP99 / 2, p99: relayP99, max: relayP99, n: 1000 }, pointLate: { p50: pointP99 / 2, p99: pointP99, max: pointP99, n: mode === "game" ? points : 0 } },
    alarmProbe,
  } as unknown as StepResult;
}

describe("points against the alarm probe of the same step", () => {
  it("judges each step against its own probe's p99 + 5 ms, not the quiet one alone", () => {
    const alone = probe(3);
    // 12 ms points would fail against the quiet floor (3 + 5) but hold against the loaded probe (9 + 5).
    const held = pointVerdict([step("game", 50, 10, 12, probe(9))], alone)!;
    expect(held.met).toBe(true);
    expect(held.measured).toContain("N=50: 12.0 vs 9.0 + 5");
    expect(held.measured).toContain("alone (idle server, before the ladder): p99 3.0");
  });

  it("fails when any step is over its own probe + 5 ms, and says which", () => {
    const v = pointVerdict([step("game", 50, 10, 12, probe(9)), step("game", 100, 10, 21, probe(10))], null)!;
    expect(v.met).toBe(false);
    expect(v.measured).toContain("N=100: 21.0 vs 10.0 + 5 (**over**)");
    expect(v.measured).not.toContain("N=50: 12.0 vs 9.0 + 5 (**over**)");
  });

  it("judges nothing without points or probe alarms", () => {
    expect(pointVerdict([step("game", 50, 10, 12, probe(9, 0))], null)!.met).toBeNull();
    expect(pointVerdict([step("game", 50, 10, 12, null)], probe(3))!.met).toBeNull();
    expect(pointVerdict([step("game", 50, 10, 12, probe(9), 0)], null)!.met).toBeNull();
    expect(pointVerdict([], null)).toBeNull();
  });

  it("a run saved before the in-process probe is judged, as it was, against the probe alone", () => {
    const v = pointVerdict([step("game", 50, 10, 12), step("game", 100, 10, 7)], probe(3))!;
    expect(v.target).toContain("older run");
    expect(v.measured).toContain("at 100");
    expect(v.met).toBe(true);
  });
});

describe("relay against the relay floor at the same N", () => {
  const steps = [
    step("game", 100, 14, 0),
    step("floor", 100, 10, 0),
    step("game", 300, 41, 0),
    step("floor", 300, 37, 0),
    step("game", 400, 60, 0), // no floor at 400: not paired
  ];

  it("pairs each ladder step with the floor step at its N", () => {
    expect(relayPairs(steps, "direct", true).map((p) => [p.matches, p.within])).toEqual([
      [100, true],
      [300, true],
    ]);
    expect(relayPairs(steps, "direct", false)).toEqual([]);
  });

  it("is met within the floor + 5 ms even where the floor itself misses 20 ms, and says so", () => {
    const v = relayFloorVerdict(steps, "direct", true)!;
    expect(v.met).toBe(true);
    expect(v.measured).toContain("N=300: 41.0 vs 37.0 (the floor itself over 20)");
    expect(floorMaxMatches(steps, "direct", true)).toBe(100);
  });

  it("fails where the project is more than 5 ms over its floor", () => {
    const v = relayFloorVerdict([step("game", 100, 16, 0), step("floor", 100, 10, 0)], "direct", true)!;
    expect(v.met).toBe(false);
    expect(v.measured).toContain("(**over**)");
    expect(relayFloorVerdict([step("game", 100, 16, 0)], "direct", true)).toBeNull();
    expect(floorMaxMatches([step("floor", 100, 25, 0)], "direct", true)).toBeNull();
  });
});
