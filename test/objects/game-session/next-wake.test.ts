import { describe, expect, it } from "vitest";
import { alarmAction, CHECKPOINT_EVERY_MS, nextWake, plannedWake, type LiveTimes } from "../../../src/objects/game-session/next-wake";
import { afterFailure, RETRY_BASE_MS } from "../../../src/objects/durability/retry";
import { sessionConfigFromVars } from "../../../src/objects/game-session/config";
import type { SessionRecord } from "../../../src/objects/game-session/record";
import * as rules from "../../../src/objects/game-session/rules";
import { defaultConfig } from "../../../src/shared/engine";
import { MatchTimeline } from "../../../src/shared/timeline";

const NOW = 5_000_000;
const NONE: LiveTimes = { pointAt: null, horizonAt: null };

function rec(): SessionRecord {
  const r = rules.newRecord({ gameId: "G", mode: "2p" }, sessionConfigFromVars({}, "2p"), MatchTimeline.start(defaultConfig("2p"), 1).checkpoint(), NOW);
  rules.claimSeat(r, { userId: "a", username: "A" }, NOW);
  rules.claimSeat(r, { userId: "b", username: "B" }, NOW);
  return r;
}

function inPlay(): SessionRecord {
  const r = rec();
  rules.seatConnected(r, 0, NOW);
  rules.seatConnected(r, 1, NOW);
  r.phase = "playing";
  r.checkpointAt = NOW;
  return r;
}

describe("nextWake", () => {
  it("a lobby wakes for the first seat deadline; an empty one for its idle deadline too", () => {
    const r = rec();
    expect(nextWake(r, NONE, NOW)).toBe(NOW + r.config.rejoinTimeoutS * 1000);
    r.seats[0]!.rejoinDeadline = NOW + 500;
    expect(nextWake(r, NONE, NOW)).toBe(NOW + 500);
    r.seats[0]!.rejoinDeadline = null;
    r.seats[1]!.rejoinDeadline = null;
    expect(nextWake(r, NONE, NOW)).toBe(r.idleDeadline);
    rules.seatConnected(r, 0, NOW);
    expect(nextWake(r, NONE, NOW)).toBeNull(); // someone waits in the lobby: nothing is due
  });

  it("a countdown wakes at its next second", () => {
    const r = inPlay();
    r.phase = "countdown";
    r.countdown = { endsAt: NOW + 3000, reason: "start", lastSent: 3 };
    expect(nextWake(r, NONE, NOW)).toBe(NOW + 1000);
    r.countdown.lastSent = 1;
    expect(nextWake(r, NONE, NOW)).toBe(NOW + 3000);
  });

  it("a match in play wakes at the earliest of the predicted point, the horizon and the checkpoint", () => {
    const r = inPlay();
    expect(plannedWake(r, NONE, NOW)).toEqual({ at: NOW + CHECKPOINT_EVERY_MS, why: "checkpoint" });
    expect(nextWake(r, { pointAt: NOW + 1234, horizonAt: null }, NOW)).toBe(NOW + 1234);
    expect(plannedWake(r, { pointAt: NOW + 9000, horizonAt: NOW + 5000 }, NOW)).toEqual({ at: NOW + 5000, why: "horizon" });
    expect(plannedWake(r, { pointAt: null, horizonAt: NOW + 10_000 }, NOW)).toEqual({ at: NOW + 10_000, why: "horizon" });
    // Never in the past.
    expect(nextWake(r, { pointAt: NOW - 5, horizonAt: null }, NOW)).toBe(NOW);
  });

  it("gives the heartbeat no wake of its own: with both players connected and nothing predicted, play wakes only for the checkpoint, at most CHECKPOINT_EVERY_MS away", () => {
    const r = inPlay();
    // Events judge the heartbeats (an idle client's clock request every 10 s); when none comes, this wake does.
    expect(plannedWake(r, NONE, NOW)).toEqual({ at: NOW + CHECKPOINT_EVERY_MS, why: "checkpoint" });
    r.checkpointAt = NOW - 50_000;
    expect(plannedWake(r, NONE, NOW)).toEqual({ at: NOW + 10_000, why: "checkpoint" });
  });

  it("ignores live times outside play (a paused match waits for its deadlines only)", () => {
    const r = inPlay();
    rules.seatAway(r, 1, NOW);
    expect(r.phase).toBe("paused");
    expect(nextWake(r, { pointAt: NOW + 10, horizonAt: NOW + 10 }, NOW)).toBe(NOW + r.config.rejoinTimeoutS * 1000);
  });

  it("after the end: retries an unrecorded or unreported result soon, otherwise wakes only to clean up", () => {
    const r = inPlay();
    rules.endRecord(r, "finished", NOW);
    r.result = { winnerSeat: 0, scores: [1, 0], reason: "normal" };
    expect(plannedWake(r, NONE, NOW)).toEqual({ at: NOW + RETRY_BASE_MS, why: "result" });
    r.recorded = true;
    expect(plannedWake(r, NONE, NOW)?.why).toBe("cleanup");
    expect(nextWake(r, NONE, NOW)).toBe(r.cleanupAt);
    r.tournament = { tournamentId: "T", matchId: "sf1" };
    expect(nextWake(r, NONE, NOW)).toBe(NOW + RETRY_BASE_MS);
    r.reported = true;
    expect(nextWake(r, NONE, NOW)).toBe(r.cleanupAt);
  });

  it("after failures: the retry follows the stored back-off, never the clean-up (nothing deleted before it is recorded)", () => {
    const r = inPlay();
    rules.endRecord(r, "finished", NOW);
    r.result = { winnerSeat: 0, scores: [1, 0], reason: "normal" };
    r.retry = afterFailure(afterFailure(null, NOW), NOW);
    expect(nextWake(r, NONE, NOW)).toBe(NOW + 2 * RETRY_BASE_MS);
    // Past the clean-up time the owed result still wins.
    const later = r.cleanupAt! + 1;
    r.retry = afterFailure(r.retry, later);
    expect(nextWake(r, NONE, later)).toBe(later + 4 * RETRY_BASE_MS);
  });
});

describe("alarmAction", () => {
  it("sets an earlier or new alarm, keeps an equal one, deletes one nothing wants (outside play)", () => {
    expect(alarmAction(null, 100, false)).toBe("set");
    expect(alarmAction(200, 100, true)).toBe("set");
    expect(alarmAction(100, 100, true)).toBe("keep");
    expect(alarmAction(100, null, false)).toBe("delete");
    expect(alarmAction(null, null, false)).toBe("keep");
    expect(alarmAction(100, 200, false)).toBe("set");
  });

  it("in play, keeps an alarm set earlier than wanted (a write saved per input; the early wake re-plans)", () => {
    expect(alarmAction(100, 200, true)).toBe("keep");
    expect(alarmAction(100, null, true)).toBe("keep");
  });
});
