import { describe, expect, it } from "vitest";
import { WakeAsker } from "../../../src/shared/net";
import { timeOfTick, type TickClock } from "../../../src/shared/timeline";

const clock: TickClock = { t0: 1_000_000, tickHz: 60 };

describe("WakeAsker", () => {
  it("asks for a point once it is due on the server when the message arrives, margin included; once per point", () => {
    const w = new WakeAsker();
    w.saw(120);
    const due = timeOfTick(clock, 120);
    expect(w.due(clock, due - 1)).toBeNull();
    expect(w.due(clock, due + 5, 10)).toBeNull(); // the jitter margin not reached yet
    expect(w.due(clock, due + 10, 10)).toBe(120);
    expect(w.due(clock, due + 20)).toBeNull();
    w.saw(120); // a rewind that scores it again
    expect(w.due(clock, due + 30)).toBeNull();
  });

  it("asks in tick order; a foreseen point replaces the predictions not due yet", () => {
    const w = new WakeAsker();
    w.saw(300);
    w.saw(200);
    expect(w.next).toBe(200);
    w.foresee(250, 210); // at tick 210: 200 is due (kept), 300 was superseded
    expect(w.due(clock, timeOfTick(clock, 260))).toBe(200);
    expect(w.due(clock, timeOfTick(clock, 260))).toBe(250);
    expect(w.next).toBeNull();
    w.saw(400);
    w.clear();
    expect(w.due(clock, timeOfTick(clock, 1000))).toBeNull();
  });
});
