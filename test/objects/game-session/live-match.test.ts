import { describe, expect, it } from "vitest";
import { LiveMatch, PREDICTION_HORIZON_TICKS, UNASKED_LATE_MS } from "../../../src/objects/game-session/live-match";
import { defaultConfig } from "../../../src/shared/engine";
import { MatchTimeline, timeOfTick, WAKE_WINDOW_TICKS } from "../../../src/shared/timeline";

const T0 = 1_000_000;

function live(overrides = {}) {
  const m = new LiveMatch(MatchTimeline.start(defaultConfig("2p", overrides), 5).checkpoint(), null, [-1, -1], 60);
  m.run(T0);
  return m;
}

describe("LiveMatch", () => {
  it("predicts the next point's time, and the wake at that time announces it", () => {
    const m = live({ servePauseTicks: 0 });
    const at = m.nextPointAt()!;
    expect(at).toBeGreaterThan(T0);
    expect(m.advance(at - 1)).toEqual([]);
    const h = m.advance(at);
    expect(h).toHaveLength(1);
    expect(timeOfTick(m.clock!, h[0].tick)).toBe(at);
    expect(h[0].digest).toBe(m.timeline.digest());
  });

  it("re-predicts when the horizon passes without a point (no wake storm on a stale horizon)", () => {
    const m = live({ servePauseTicks: PREDICTION_HORIZON_TICKS + 10 }); // the ball waits longer than the horizon
    expect(m.nextPointAt()).toBeNull();
    const first = m.horizonAt()!;
    expect(first).toBe(timeOfTick(m.clock!, PREDICTION_HORIZON_TICKS));
    m.advance(first);
    const next = m.nextPointAt() ?? m.horizonAt()!;
    expect(next).toBeGreaterThan(first);
    expect(m.predictions).toBe(2);
  });

  it("accepts, moves late, refuses early, ignores stale seqs, refuses when not running", () => {
    const m = live();
    const now = T0 + 1000; // tick 60
    m.advance(now);
    expect(m.input(0, 1, 65, 1, now, true)).toEqual({ kind: "exact", tick: 65 });
    expect(m.input(0, 1, 66, 1, now, true)).toEqual({ kind: "stale" });
    expect(m.input(0, 2, 10, -1, now, true)).toEqual({ kind: "late", tick: 60 });
    expect(m.input(1, 1, 1000, 1, now, true)).toMatchObject({ kind: "too_early" });
    expect(m.input(1, 2, 60, 1, now, false)).toMatchObject({ kind: "not_running" });
    expect(m.acks).toEqual([2, -1]);
  });

  it("freezes at the tick it reached and resumes from it, re-based", () => {
    const m = live();
    m.advance(T0 + 500);
    const frozen = m.tick;
    m.freeze();
    expect(m.current(T0 + 100_000)).toBe(frozen);
    const clock = m.run(T0 + 100_000);
    expect(m.current(T0 + 100_000)).toBe(frozen);
    expect(clock.t0).toBe(T0 + 100_000 - Math.ceil((frozen * 1000) / 60));
  });

  describe("wakes (protocol 3)", () => {
    it("unassisted at first: the predicted point is armed; an on-time wake turns it assisted: nothing armed", () => {
      const m = live({ servePauseTicks: 0 });
      const at = m.nextPointAt()!;
      expect(at).not.toBeNull(); // unassisted: armed by prediction
      const [h] = m.advance(at);
      m.wake(h.tick, at + 3); // the client's wake, 3 ms after the point was due (already announced)
      expect(m.assisted).toBe(true);
      expect(m.nextPointAt()).toBeNull();
      expect(m.horizonAt()).toBeNull();
    });

    it("the point a wake says is due is found by the frame's catch-up; a timely one keeps the match assisted", () => {
      const m = live({ servePauseTicks: 0 });
      const at = m.nextPointAt()!;
      m.advance(at);
      m.wake(m.tick, at);
      const next = new LiveMatch(m.timeline.checkpoint(), m.clock, m.acks, 60).nextPointAt()!; // the same prediction, unassisted
      const found = m.advance(next + 2, null); // the wake's frame, 2 ms after: no alarm armed
      expect(found).toHaveLength(1);
      expect(m.assisted).toBe(true);
      expect(m.unaskedPoints).toBe(0);
    });

    it("an early wake arms the point it names once it is within the window", () => {
      const m = live({ servePauseTicks: 0 });
      const at = m.nextPointAt()!;
      m.advance(at);
      m.wake(m.tick, at);
      const next = new LiveMatch(m.timeline.checkpoint(), m.clock, m.acks, 60).nextPointAt()!;
      const nextTick = Math.round(((next - m.clock!.t0) * 60) / 1000);
      const early = timeOfTick(m.clock!, nextTick - WAKE_WINDOW_TICKS + 2);
      m.advance(early);
      m.wake(nextTick, early);
      expect(m.nextPointAt()).toBe(next);
    });

    it("a point found late with no alarm armed for it turns the match unassisted (counted); a late wake does not turn it back", () => {
      const m = live({ servePauseTicks: 0 });
      const at = m.nextPointAt()!;
      m.advance(at);
      m.wake(m.tick, at);
      const next = new LiveMatch(m.timeline.checkpoint(), m.clock, m.acks, 60).nextPointAt()!;
      const [h] = m.advance(next + UNASKED_LATE_MS + 30, null);
      expect(h).toBeDefined();
      expect(m.assisted).toBe(false);
      expect(m.unaskedPoints).toBe(1);
      m.wake(h.tick, next + UNASKED_LATE_MS + 31); // too late to have helped
      expect(m.assisted).toBe(false);
      expect(m.nextPointAt() ?? m.horizonAt()).not.toBeNull(); // armed by prediction again
    });

    it("a point found late by the alarm armed for it (the runtime was late) keeps the match assisted", () => {
      const m = live({ servePauseTicks: 0 });
      const at = m.nextPointAt()!;
      m.advance(at);
      m.wake(m.tick, at);
      const next = new LiveMatch(m.timeline.checkpoint(), m.clock, m.acks, 60).nextPointAt()!;
      m.advance(next + 500, next);
      expect(m.assisted).toBe(true);
    });
  });
});
