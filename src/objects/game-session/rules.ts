/**
 * The seat and phase rules of a game as pure functions over its record (the way
 * tournament/bracket.ts holds the bracket's): who sits where, what a connect, a drop, an expired
 * window or a resignation does to the phases. They mutate the record they are given and return
 * what the GameSession must then do (announce, start a countdown, end the game); they never do
 * I/O and take `now` as a parameter.
 */
import { SIDES_BY_MODE } from "../../shared/engine/types";
import type { SessionPhase } from "../../shared/protocol/messages";
import type { Mode } from "../../shared/engine/types";
import type { TimelineCheckpoint } from "../../shared/timeline";
import type { SessionConfig } from "./config";
import { activeSeats, type SeatRecord, type SessionRecord, type TournamentLink } from "./record";

/** init's error for an id whose game was cleaned up: the caller mints another id. */
export const GAME_ID_USED = "game_id_used";

export type ClaimResult =
  | { ok: true; seat: number; gameId: string }
  | { ok: false; reason: "not_found" | "full" | "reserved" | "finished" };

export interface NewGame {
  gameId: string;
  mode: Mode;
  isPrivate?: boolean;
  tournament?: TournamentLink | null;
  /** Tournament matches: only these users may sit, in this seat order (seated now). */
  reserved?: { userId: string; username: string }[] | null;
}

/** What creates a game (GameSession.init). */
export interface InitOptions extends NewGame {
  /** Test and tournament overrides of the variables. */
  overrides?: Partial<SessionConfig>;
  seed?: number;
}

/** A new lobby: reserved seats are taken in the given order; their holders must connect within the window. */
export function newRecord(opts: NewGame, config: SessionConfig, timeline: TimelineCheckpoint, now: number): SessionRecord {
  const seats = SIDES_BY_MODE[opts.mode].map(() => null);
  const rec: SessionRecord = {
    gameId: opts.gameId,
    mode: opts.mode,
    isPrivate: opts.isPrivate ?? false,
    config,
    tournament: opts.tournament ?? null,
    reserved: opts.reserved ? opts.reserved.map((r) => r.userId) : null,
    seats,
    phase: "waiting",
    createdAt: now,
    startedAt: null,
    endedAt: null,
    countdown: null,
    timeline,
    clock: null,
    acks: seats.map(() => -1),
    checkpointAt: now,
    result: null,
    recorded: false,
    reported: false,
    cleanupAt: null,
    idleDeadline: now + config.lobbyIdleS * 1000,
  };
  opts.reserved?.forEach((r, seat) => takeSeat(rec, seat, r, now));
  return rec;
}

export function ended(phase: SessionPhase): boolean {
  return phase === "finished" || phase === "abandoned";
}

export function seatOf(rec: SessionRecord, userId: string): number {
  return rec.seats.findIndex((s) => s?.userId === userId);
}

export function anyonePresent(rec: SessionRecord): boolean {
  return rec.seats.some((s) => s?.present);
}

/** A claimed seat must be taken (connected) within the rejoin window, or it is freed / forfeited. */
export function takeSeat(rec: SessionRecord, seat: number, user: { userId: string; username: string }, now: number): void {
  rec.seats[seat] = {
    userId: user.userId,
    username: user.username,
    side: SIDES_BY_MODE[rec.mode][seat],
    present: false,
    out: false,
    rejoinDeadline: now + rec.config.rejoinTimeoutS * 1000,
    joined: false,
  };
}

/** Seats are handed out only while an open lobby waits; a seated user gets theirs back. Takes the seat. */
export function claimSeat(rec: SessionRecord, user: { userId: string; username: string }, now: number): ClaimResult & { taken?: true } {
  const existing = seatOf(rec, user.userId);
  if (existing >= 0) return { ok: true, seat: existing, gameId: rec.gameId };
  if (ended(rec.phase)) return { ok: false, reason: "finished" };
  if (rec.reserved) return { ok: false, reason: "reserved" }; // tournament seats were given at init
  if (rec.phase !== "waiting") return { ok: false, reason: "full" };
  const seat = rec.seats.findIndex((s) => s === null);
  if (seat < 0) return { ok: false, reason: "full" };
  takeSeat(rec, seat, user, now);
  return { ok: true, seat, gameId: rec.gameId, taken: true };
}

export interface ConnectOutcome {
  announce: "joined" | "rejoined" | null;
  /** A countdown to begin: the lobby is complete ("start"), or everyone is back ("resume"). */
  countdown: "start" | "resume" | null;
}

/** A seated player's socket connected: a drop's time is charged to their away budget. */
export function seatConnected(rec: SessionRecord, seat: number, now: number): ConnectOutcome {
  const s = rec.seats[seat]!;
  const wasAway = s.joined && !s.present;
  if (s.awaySince != null) s.awayMs = (s.awayMs ?? 0) + Math.max(0, now - s.awaySince);
  s.awaySince = null;
  s.present = true;
  s.rejoinDeadline = null;
  if (rec.phase === "waiting") rec.idleDeadline = null;
  let announce: ConnectOutcome["announce"] = null;
  if (!s.joined) {
    s.joined = true;
    announce = "joined";
  } else if (wasAway) announce = "rejoined";
  const everyoneHere = activeSeats(rec).every((i) => rec.seats[i]!.present);
  const seatsFull = rec.seats.every((x) => x !== null);
  let countdown: ConnectOutcome["countdown"] = null;
  if (rec.phase === "waiting" && seatsFull && everyoneHere) countdown = "start";
  else if (rec.phase === "paused" && everyoneHere) countdown = "resume";
  return { announce, countdown };
}

export interface AwayOutcome {
  seat: SeatRecord;
  windowS: number;
  /** The match was running or counting down: the GameSession freezes the timeline. */
  paused: boolean;
}

/** A seated player is gone: their rejoin window starts and a running match pauses. Null: nothing changed. */
export function seatAway(rec: SessionRecord, seat: number, now: number): AwayOutcome | null {
  const s = rec.seats[seat];
  if (!s || s.out || !s.present || ended(rec.phase)) return null;
  s.present = false;
  // Leaving an open lobby that has not started costs the seat sooner: matchmaking must not pair
  // newcomers with an empty chair for the whole rejoin window.
  const lobby = rec.phase === "waiting" && !rec.reserved;
  let windowMs = (lobby ? Math.min(rec.config.rejoinTimeoutS, rec.config.lobbyGraceS ?? 10) : rec.config.rejoinTimeoutS) * 1000;
  // Once the match is under way, every drop draws on one budget per player (issue 12.7): a
  // player cannot stall a match by dropping again and again, each drop with a fresh window.
  if (rec.phase !== "waiting") {
    windowMs = Math.min(windowMs, awayLeftMs(rec, s));
    s.awaySince = now;
  }
  const windowS = Math.ceil(windowMs / 1000);
  s.rejoinDeadline = now + windowMs;
  if (lobby && !anyonePresent(rec)) rec.idleDeadline = now + rec.config.lobbyIdleS * 1000;
  const paused = rec.phase === "playing" || rec.phase === "countdown";
  if (paused) {
    rec.phase = "paused";
    rec.countdown = null;
  }
  return { seat: s, windowS, paused };
}

/** What is left of a player's away budget (ms); unlimited for records without one. */
export function awayLeftMs(rec: SessionRecord, s: SeatRecord): number {
  const budget = rec.config.awayBudgetS;
  return budget === undefined ? Infinity : Math.max(0, budget * 1000 - (s.awayMs ?? 0));
}

/** Seats whose rejoin / no-show window has run out at `now`. */
export function expiredSeats(rec: SessionRecord, now: number): number[] {
  if (ended(rec.phase)) return [];
  const out: number[] = [];
  rec.seats.forEach((s, i) => {
    if (s && !s.present && !s.out && s.rejoinDeadline !== null && s.rejoinDeadline <= now) out.push(i);
  });
  return out;
}

/**
 * Why an expired window takes a player out (for the forfeit metric): they never connected to their
 * seat (a reserved tournament seat), their away budget made this window shorter than the rejoin
 * timeout (issue 12.7), or the plain rejoin window ran out.
 */
export function forfeitCause(rec: SessionRecord, seat: number): "no_show" | "away_budget" | "window_expired" {
  const s = rec.seats[seat]!;
  if (!s.joined) return "no_show";
  if (s.awaySince != null && awayLeftMs(rec, s) < rec.config.rejoinTimeoutS * 1000) return "away_budget";
  return "window_expired";
}

/** An expired window: an open lobby frees the seat; otherwise the player forfeits. */
export function expiryAction(rec: SessionRecord): "free_seat" | "forfeit" {
  return rec.phase === "waiting" && !rec.reserved ? "free_seat" : "forfeit";
}

/** Empties a lobby seat. Returns the seat that was freed (null if empty) and whether the lobby is now empty. */
export function freeSeat(rec: SessionRecord, seat: number): { freed: SeatRecord | null; empty: boolean } {
  const s = rec.seats[seat];
  if (!s) return { freed: null, empty: false };
  rec.seats[seat] = null;
  return { freed: s, empty: rec.seats.every((x) => x === null) };
}

export type RemovalOutcome =
  /** Nobody (or, in 2P, nobody present) is left: the game is abandoned. */
  | { kind: "abandon" }
  /** One seat is left: it wins by forfeit. */
  | { kind: "win"; winner: number }
  /** 4P, several left: the seat becomes a wall; `abandon` when none of the others is here. */
  | { kind: "eliminate"; abandon: boolean; resume: boolean };

/**
 * Takes a seat out of the match (window expired, no-show, resignation). 2P: the other player wins
 * by forfeit. 4P: the side becomes a wall and play goes on; the last one left wins. Null: the seat
 * was already out or the game is over. A resignation always hands the match to the others, present
 * or not (issue 12.4): only expiring windows with nobody left here abandon it.
 */
export function removeSeat(rec: SessionRecord, seat: number, resigned = false): RemovalOutcome | null {
  const s = rec.seats[seat];
  if (!s || s.out || ended(rec.phase)) return null;
  s.out = true;
  s.present = false;
  s.rejoinDeadline = null;
  const remaining = activeSeats(rec);
  const anyPresent = resigned || remaining.some((i) => rec.seats[i]!.present);
  if (remaining.length === 0 || (!anyPresent && rec.mode === "2p")) return { kind: "abandon" };
  if (remaining.length === 1) return { kind: "win", winner: remaining[0] };
  const resume = rec.phase === "paused" && remaining.every((i) => rec.seats[i]!.present);
  return { kind: "eliminate", abandon: !anyPresent, resume };
}

/** Seconds of actual play that make a match real even if nobody has scored yet (config.realMatchS overrides). */
export const MIN_PLAYED_S = 10;

/**
 * Whether a match counts for ratings and wins (issue 12.3): it started playing and each side had
 * the chance to play, shown by a point scored (a 4P ball nobody touched scores nothing) or MIN_PLAYED_S of play (`playedTicks`: the timeline
 * only advances while playing). A resignation in the countdown or a lobby, or a no-show, is not a
 * match: nobody gains rating or a win from it.
 */
export function realMatch(rec: SessionRecord, playedTicks: number, scores: readonly number[]): boolean {
  if (rec.startedAt === null) return false;
  return scores.some((s) => s > 0) || playedTicks >= (rec.config.realMatchS ?? MIN_PLAYED_S) * rec.config.tickHz;
}

export type CountdownStep = { kind: "start" } | { kind: "announce"; n: number } | { kind: "wait" };

/** What the countdown does at `now`: start the match, announce a new second, or nothing yet. */
export function countdownStep(rec: SessionRecord, now: number): CountdownStep {
  const cd = rec.countdown;
  if (!cd) return { kind: "wait" };
  const left = Math.ceil((cd.endsAt - now) / 1000);
  if (left <= 0) return { kind: "start" };
  if (left < cd.lastSent) {
    cd.lastSent = left;
    return { kind: "announce", n: left };
  }
  return { kind: "wait" };
}

/** At the end no seat waits for anyone any more: no deadline may wake the object again. */
export function endRecord(rec: SessionRecord, phase: "finished" | "abandoned", now: number): void {
  rec.phase = phase;
  rec.countdown = null;
  rec.clock = null;
  for (const s of rec.seats) if (s) s.rejoinDeadline = null;
  rec.endedAt = now;
  rec.cleanupAt = now + rec.config.cleanupGraceS * 1000;
}

/**
 * A game that ended and whose result is not yet durably recorded: its D1 row (finished games)
 * or its tournament report (tournament games, abandoned ones too) is still owed. Such a game
 * keeps its storage: clean-up waits until this is false.
 */
export function resultPending(rec: Pick<SessionRecord, "phase" | "result" | "recorded" | "reported" | "tournament">): boolean {
  if (rec.phase !== "finished" && rec.phase !== "abandoned") return false;
  if (!rec.result) return false;
  return !rec.recorded || (rec.tournament != null && !rec.reported);
}
