import { describe, expect, it } from "vitest";
import { sessionConfigFromVars } from "../../../src/objects/game-session/config";
import type { SessionRecord } from "../../../src/objects/game-session/record";
import * as rules from "../../../src/objects/game-session/rules";
import { defaultConfig } from "../../../src/shared/engine";
import { MatchTimeline } from "../../../src/shared/timeline";

const NOW = 1_000_000;

function lobby(mode: "2p" | "4p" = "2p", reserved?: string[]): SessionRecord {
  const config = { ...sessionConfigFromVars({}, mode), rejoinTimeoutS: 30, lobbyGraceS: 10 };
  const timeline = MatchTimeline.start(defaultConfig(mode), 1).checkpoint();
  return rules.newRecord({ gameId: "G", mode, reserved: reserved?.map((id) => ({ userId: id, username: id.toUpperCase() })) }, config, timeline, NOW);
}

const user = (id: string) => ({ userId: id, username: id.toUpperCase() });

/** A 2P or 4P record in play with everyone present. */
function playing(mode: "2p" | "4p" = "2p"): SessionRecord {
  const rec = lobby(mode);
  const ids = mode === "2p" ? ["a", "b"] : ["a", "b", "c", "d"];
  ids.forEach((id) => rules.claimSeat(rec, user(id), NOW));
  ids.forEach((_, seat) => rules.seatConnected(rec, seat, NOW));
  rec.phase = "playing";
  return rec;
}

describe("seats", () => {
  it("hands out seats in order in an open lobby, gives a seated user theirs back, then refuses", () => {
    const rec = lobby();
    expect(rules.claimSeat(rec, user("a"), NOW)).toEqual({ ok: true, seat: 0, gameId: "G", taken: true });
    expect(rules.claimSeat(rec, user("a"), NOW)).toEqual({ ok: true, seat: 0, gameId: "G" });
    expect(rules.claimSeat(rec, user("b"), NOW)).toMatchObject({ ok: true, seat: 1 });
    expect(rules.claimSeat(rec, user("c"), NOW)).toEqual({ ok: false, reason: "full" });
    expect(rec.seats[1]).toMatchObject({ userId: "b", side: "right", present: false, rejoinDeadline: NOW + 30_000 });
  });

  it("keeps tournament seats for their holders, seated at creation; a finished game refuses everyone new", () => {
    const rec = lobby("2p", ["x", "y"]);
    expect(rec.seats.map((s) => s?.userId)).toEqual(["x", "y"]);
    expect(rules.claimSeat(rec, user("z"), NOW)).toEqual({ ok: false, reason: "reserved" });
    expect(rules.claimSeat(rec, user("y"), NOW)).toMatchObject({ ok: true, seat: 1 });
    rules.endRecord(rec, "finished", NOW);
    expect(rules.claimSeat(rec, user("z"), NOW)).toEqual({ ok: false, reason: "finished" });
  });

  it("announces a first connect as joined, starts the countdown when the lobby is full and here", () => {
    const rec = lobby();
    rules.claimSeat(rec, user("a"), NOW);
    rules.claimSeat(rec, user("b"), NOW);
    expect(rules.seatConnected(rec, 0, NOW)).toEqual({ announce: "joined", countdown: null });
    expect(rules.seatConnected(rec, 1, NOW)).toEqual({ announce: "joined", countdown: "start" });
  });

  it("pauses a running match when a player goes, and resumes with a countdown when they are back", () => {
    const rec = playing();
    const away = rules.seatAway(rec, 1, NOW)!;
    expect(away).toMatchObject({ windowS: 30, paused: true });
    expect(rec.phase).toBe("paused");
    expect(rec.seats[1]!.rejoinDeadline).toBe(NOW + 30_000);
    expect(rules.seatAway(rec, 1, NOW)).toBeNull(); // already away
    expect(rules.seatConnected(rec, 1, NOW)).toEqual({ announce: "rejoined", countdown: "resume" });
  });

  it("gives a lobby leaver only the lobby grace, starts the idle clock when the lobby empties, then frees the seat", () => {
    const rec = lobby();
    rules.claimSeat(rec, user("a"), NOW);
    rules.seatConnected(rec, 0, NOW);
    const away = rules.seatAway(rec, 0, NOW)!;
    expect(away).toMatchObject({ windowS: 10, paused: false });
    expect(rec.idleDeadline).toBe(NOW + rec.config.lobbyIdleS * 1000);
    expect(rules.expiredSeats(rec, NOW + 9_999)).toEqual([]);
    expect(rules.expiredSeats(rec, NOW + 10_000)).toEqual([0]);
    expect(rules.expiryAction(rec)).toBe("free_seat");
    expect(rules.freeSeat(rec, 0)).toMatchObject({ freed: { userId: "a" }, empty: true });
  });
});

describe("removing a seat", () => {
  it("2P: the other player wins by forfeit; an expired window in a started match is a forfeit, not a freed seat", () => {
    const rec = playing();
    rules.seatAway(rec, 0, NOW);
    expect(rules.expiryAction(rec)).toBe("forfeit");
    expect(rules.removeSeat(rec, 0)).toEqual({ kind: "win", winner: 1 });
    expect(rec.seats[0]).toMatchObject({ out: true, present: false, rejoinDeadline: null });
  });

  it("2P with the other player absent too: abandoned", () => {
    const rec = playing();
    rules.seatAway(rec, 0, NOW);
    rules.seatAway(rec, 1, NOW);
    expect(rules.removeSeat(rec, 0)).toEqual({ kind: "abandon" });
  });

  it("4P: a wall, play goes on (resumes if everyone left is here); the last one left wins", () => {
    const rec = playing("4p");
    rules.seatAway(rec, 3, NOW);
    expect(rules.removeSeat(rec, 3)).toEqual({ kind: "eliminate", abandon: false, resume: true });
    expect(rules.removeSeat(rec, 3)).toBeNull();
    rec.phase = "playing";
    expect(rules.removeSeat(rec, 2)).toEqual({ kind: "eliminate", abandon: false, resume: false });
    expect(rules.removeSeat(rec, 1)).toEqual({ kind: "win", winner: 0 });
  });

  it("a resignation hands the match to an absent opponent (issue 12.4); an expiry with both gone still abandons", () => {
    const rec = playing();
    rules.seatAway(rec, 1, NOW);
    expect(rules.removeSeat(rec, 0, true)).toEqual({ kind: "win", winner: 1 });
    const four = playing("4p");
    for (const seat of [1, 2, 3]) rules.seatAway(four, seat, NOW);
    expect(rules.removeSeat(four, 0, true)).toEqual({ kind: "eliminate", abandon: false, resume: false });
  });

  it("4P with nobody left here: eliminated, then abandoned", () => {
    const rec = playing("4p");
    for (const seat of [1, 2, 3]) rules.seatAway(rec, seat, NOW);
    rules.seatAway(rec, 0, NOW);
    expect(rules.removeSeat(rec, 3)).toEqual({ kind: "eliminate", abandon: true, resume: false });
  });
});

describe("countdown and the end", () => {
  it("announces each second once, then starts", () => {
    const rec = playing();
    rec.phase = "countdown";
    rec.countdown = { endsAt: NOW + 3000, reason: "start", lastSent: 3 };
    expect(rules.countdownStep(rec, NOW + 500)).toEqual({ kind: "wait" });
    expect(rules.countdownStep(rec, NOW + 1000)).toEqual({ kind: "announce", n: 2 });
    expect(rules.countdownStep(rec, NOW + 1200)).toEqual({ kind: "wait" });
    expect(rules.countdownStep(rec, NOW + 2000)).toEqual({ kind: "announce", n: 1 });
    expect(rules.countdownStep(rec, NOW + 3000)).toEqual({ kind: "start" });
  });

  it("an ended game waits for nobody: no deadline, no clock, a clean-up time", () => {
    const rec = playing();
    rules.seatAway(rec, 0, NOW);
    rec.clock = { t0: NOW, tickHz: 60 };
    rules.endRecord(rec, "finished", NOW);
    expect(rec.seats.every((s) => s!.rejoinDeadline === null)).toBe(true);
    expect(rec).toMatchObject({ phase: "finished", clock: null, countdown: null, endedAt: NOW, cleanupAt: NOW + rec.config.cleanupGraceS * 1000 });
    expect(rules.expiredSeats(rec, NOW + 1e9)).toEqual([]);
    expect(rules.removeSeat(rec, 1)).toBeNull();
  });
});

describe("what counts as a match (issue 12.3)", () => {
  it("needs the match to have started, and a point scored or MIN_PLAYED_S of play", () => {
    const rec = playing();
    const hz = rec.config.tickHz;
    expect(rules.realMatch(rec, 10 * hz, [1, 0])).toBe(false); // never started (countdown, lobby)
    rec.startedAt = NOW;
    expect(rules.realMatch(rec, 0, [0, 0])).toBe(false); // resigned at the first serve
    expect(rules.realMatch(rec, rules.MIN_PLAYED_S * hz - 1, [0, 0])).toBe(false);
    expect(rules.realMatch(rec, rules.MIN_PLAYED_S * hz, [0, 0])).toBe(true);
    expect(rules.realMatch(rec, 30, [0, 1])).toBe(true);
  });
});

describe("the away budget (issue 12.7)", () => {
  it("each drop of a started match gets the rest of one budget, capped by the window; a lobby drop does not spend it", () => {
    const rec = playing("4p");
    rec.config.awayBudgetS = 45;
    expect(rules.seatAway(rec, 1, NOW)?.windowS).toBe(30);
    rules.seatConnected(rec, 1, NOW + 20_000);
    rec.phase = "playing";
    expect(rules.seatAway(rec, 1, NOW + 30_000)?.windowS).toBe(25);
    rules.seatConnected(rec, 1, NOW + 55_000);
    rec.phase = "playing";
    const spent = rules.seatAway(rec, 1, NOW + 60_000)!;
    expect(spent.windowS).toBe(0);
    expect(rules.expiredSeats(rec, NOW + 60_000)).toEqual([1]);
    const open = lobby();
    open.config.awayBudgetS = 1;
    rules.claimSeat(open, user("a"), NOW);
    rules.seatConnected(open, 0, NOW);
    expect(rules.seatAway(open, 0, NOW)?.windowS).toBe(10);
  });

  it("names why an expired window takes a player out: the plain window, the spent budget, or a reserved seat never taken", () => {
    const rec = playing("4p");
    rec.config.awayBudgetS = 45;
    rules.seatAway(rec, 1, NOW); // 30 s window, 45 s budget left: the window limits
    expect(rules.forfeitCause(rec, 1)).toBe("window_expired");
    rules.seatConnected(rec, 1, NOW + 20_000);
    rec.phase = "playing";
    rules.seatAway(rec, 1, NOW + 30_000); // 25 s of budget left: the budget limits
    expect(rules.forfeitCause(rec, 1)).toBe("away_budget");
    const reserved = lobby("2p", ["x", "y"]);
    expect(rules.forfeitCause(reserved, 0)).toBe("no_show");
  });
});

describe("resultPending", () => {
  it("a result is owed until the D1 row is written and, for a tournament game, the report acknowledged", () => {
    const base = { phase: "finished" as const, result: { winnerSeat: 0, scores: [1, 0], reason: "normal" as const }, recorded: false, reported: false, tournament: null };
    expect(rules.resultPending(base)).toBe(true);
    expect(rules.resultPending({ ...base, recorded: true })).toBe(false);
    expect(rules.resultPending({ ...base, recorded: true, tournament: { tournamentId: "T", matchId: "sf1" } })).toBe(true);
    expect(rules.resultPending({ ...base, phase: "playing" })).toBe(false);
    expect(rules.resultPending({ ...base, phase: "abandoned", recorded: true, tournament: { tournamentId: "T", matchId: "sf1" } })).toBe(true);
  });
});
