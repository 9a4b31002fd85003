import type { Mode, Side } from "../../shared/engine/types";
import type { EndReason, PlayerInfo, SessionPhase } from "../../shared/protocol/messages";
import type { TickClock, TimelineCheckpoint } from "../../shared/timeline";
import type { SessionConfig } from "./config";
import type { RetryState } from "../durability/retry";

/** One seat of a game: who holds it and whether they are here. */
export interface SeatRecord {
  userId: string;
  username: string;
  side: Side;
  present: boolean;
  /** Out of the match (4P window expired, or resigned): the side is a wall. */
  out: boolean;
  /** While absent: epoch ms until which the seat may be retaken. */
  rejoinDeadline: number | null;
  /** Whether this seat has connected at least once (player_joined is sent once). */
  joined: boolean;
  /** Ms this player has been away in the started match so far, closed drops only (the away budget). */
  awayMs?: number;
  /** While away from a started match: since when (epoch ms); null otherwise. */
  awaySince?: number | null;
}

export interface TournamentLink {
  tournamentId: string;
  matchId: string;
}

export interface GameResult {
  winnerSeat: number | null;
  scores: number[];
  reason: EndReason | "abandoned";
  /**
   * Whether the result may change ratings and wins (rules.realMatch). False for a walkover that
   * still decides a tournament match; absent in records written before it existed (rated).
   */
  rated?: boolean;
}

/**
 * Everything a GameSession must survive eviction with, stored under one key so every checkpoint
 * is one atomic write. The timeline inside is a checkpoint (taken at every point, phase change and
 * now and then), not the live state: the inputs accepted since are in the senders' socket
 * attachments, so the live state is rebuilt exactly (checkpoint + attachments, stepped to now).
 */
export interface SessionRecord {
  gameId: string;
  mode: Mode;
  isPrivate: boolean;
  config: SessionConfig;
  tournament: TournamentLink | null;
  /** User ids allowed to take seats (tournament matches); null means open seats. */
  reserved: string[] | null;
  seats: (SeatRecord | null)[];
  phase: SessionPhase;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  countdown: { endsAt: number; reason: "start" | "resume"; lastSent: number } | null;
  /** The match timeline at its last checkpoint. */
  timeline: TimelineCheckpoint;
  /** The match clock while the timeline runs; null while it is frozen (lobby, countdown, pause, end). */
  clock: TickClock | null;
  /** Per seat, the last input seq the checkpoint includes (later ones live in socket attachments). */
  acks: number[];
  /** Epoch ms of the last checkpoint of a running timeline. */
  checkpointAt: number;
  result: GameResult | null;
  /** The D1 match row has been written. */
  recorded: boolean;
  /** The tournament has acknowledged the result. */
  reported: boolean;
  /** Clean-up time; it only happens once the result is durably recorded (retry.ts resultPending). */
  cleanupAt: number | null;
  /** Back-off of the result write/report after a failure (absent in records written before it existed). */
  retry?: RetryState | null;
  /** Waiting lobby expiry when nobody is connected. */
  idleDeadline: number | null;
}

export function playerInfos(rec: SessionRecord): PlayerInfo[] {
  const out: PlayerInfo[] = [];
  rec.seats.forEach((s, seat) => {
    if (s)
      out.push({
        seat,
        side: s.side,
        userId: s.userId,
        username: s.username,
        present: s.present,
        out: s.out,
        rejoinDeadline: s.rejoinDeadline,
      });
  });
  return out;
}

/** Seats still in the match (taken and not out). */
export function activeSeats(rec: SessionRecord): number[] {
  const out: number[] = [];
  rec.seats.forEach((s, i) => {
    if (s && !s.out) out.push(i);
  });
  return out;
}
