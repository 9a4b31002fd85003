/** The GameSession's JSON messages, built from its record and live match (pure). */
import { PROTOCOL_VERSION, type GameOverMsg, type SeatTakenMsg, type SyncMsg, type WelcomeMsg } from "../../shared/protocol/messages";
import type { GameStatus } from "../../shared/protocol/http";
import { MAX_INPUT_LEAD_TICKS } from "../../shared/timeline";
import type { LiveMatch } from "./live-match";
import { playerInfos, type GameResult, type SessionRecord } from "./record";

/** What a socket carries through hibernation. */
export interface SocketAttachment {
  userId: string;
  username: string;
  /** -1 for spectators. */
  seat: number;
  /**
   * A player's inputs accepted since the last checkpoint, flat [seq, tick, dir, ...] (logInput):
   * they survive hibernation with the socket, so an eviction never loses an accepted input without
   * a storage write per input (rows written are billed). number[] only in attachments written
   * before protocol 5.
   */
  log?: Int32Array | number[];
}

export function welcomeMsg(rec: SessionRecord, live: LiveMatch, att: SocketAttachment, now: number): WelcomeMsg {
  const seatRec = att.seat >= 0 ? rec.seats[att.seat] : null;
  return {
    type: "welcome",
    gameId: rec.gameId,
    mode: rec.mode,
    phase: rec.phase,
    you: {
      userId: att.userId,
      username: att.username,
      seat: att.seat,
      side: seatRec ? seatRec.side : null,
      role: att.seat >= 0 ? "player" : "spectator",
      ack: att.seat >= 0 ? (live.acks[att.seat] ?? -1) : -1,
    },
    players: playerInfos(rec),
    config: {
      engine: live.timeline.state.config,
      tickHz: rec.config.tickHz,
      maxLeadTicks: MAX_INPUT_LEAD_TICKS,
      snapshotHz: 0,
      rejoinTimeoutS: rec.config.rejoinTimeoutS,
      countdownS: rec.config.countdownS,
    },
    protocol: PROTOCOL_VERSION,
    tick: live.tick,
    serverTime: now,
    tournamentId: rec.tournament?.tournamentId ?? null,
    isPrivate: rec.isPrivate,
  };
}

/** A lobby seat was just given (before its player connects): everyone's seat count moves now. */
export function seatTakenMsg(rec: SessionRecord, seat: number): SeatTakenMsg {
  return { type: "seat_taken", player: playerInfos(rec).find((p) => p.seat === seat)! };
}

export function syncMsg(live: LiveMatch, reason: SyncMsg["reason"]): SyncMsg {
  return {
    type: "sync",
    tick: live.tick,
    t0: live.clock?.t0 ?? 0,
    running: live.clock !== null,
    timeline: live.timeline.checkpoint(),
    digest: live.timeline.digest(),
    acks: [...live.acks],
    reason,
  };
}

export function gameOverMsg(rec: SessionRecord, live: LiveMatch, result: GameResult): GameOverMsg {
  const w = result.winnerSeat !== null ? rec.seats[result.winnerSeat] : null;
  return {
    type: "game_over",
    winner: w && result.winnerSeat !== null ? { seat: result.winnerSeat, userId: w.userId, username: w.username } : null,
    scores: result.scores,
    reason: result.reason,
    players: playerInfos(rec),
    tick: rec.startedAt !== null ? live.tick : -1,
    digest: rec.startedAt !== null ? live.timeline.digest() : 0,
    acks: [...live.acks],
  };
}

export function statusOf(rec: SessionRecord, live: LiveMatch, spectators: number): GameStatus {
  const players = playerInfos(rec);
  return {
    gameId: rec.gameId,
    mode: rec.mode,
    phase: rec.phase,
    isPrivate: rec.isPrivate,
    players,
    scores: [...live.timeline.state.scores],
    seatsTotal: rec.seats.length,
    seatsTaken: players.length,
    spectators,
    tournamentId: rec.tournament?.tournamentId ?? null,
  };
}

/**
 * Appends an accepted input to a player's attachment log, dropping what the checkpoint already
 * has (the log is in seq order, so that is a prefix). An Int32Array because the runtime
 * serializes the attachment on every input: a typed array is copied as bytes, where an array of
 * numbers is walked and encoded number by number.
 */
export function logInput(att: SocketAttachment, checkpointAck: number, seq: number, tick: number, dir: number): number {
  // A socket attached by protocol 4 or before kept a number[]; it is converted once, here.
  const old = att.log instanceof Int32Array ? att.log : Int32Array.from(att.log ?? []);
  let from = 0;
  while (from < old.length && old[from]! <= checkpointAck) from += 3;
  const kept = old.length - from;
  const log = new Int32Array(kept + 3);
  log.set(old.subarray(from));
  log[kept] = seq;
  log[kept + 1] = tick;
  log[kept + 2] = dir;
  att.log = log;
  return log.length / 3;
}
