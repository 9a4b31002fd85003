/**
 * Every message of the game WebSocket protocol (docs/protocol.md documents each field). The
 * high-rate frames are binary: the server's input relay and digest checks (relay.ts) and the
 * client's input (input-frame.ts); everything else is JSON text. Both the server and the client import these types; the server
 * validates what arrives with `parseClientMessage`, which never throws.
 */
import type { Dir, GameConfig, Mode, Side } from "../engine/types";
import type { TimelineCheckpoint } from "../timeline/timeline";
import { MAX_CLIENT_FRAME_BYTES, MAX_TICK } from "./limits";
import { decodeInputFrame, encodeInputFrame, type InputMsg } from "./input-frame";

/**
 * Version of the game socket protocol, sent in `welcome`. 5: a client's input is a 10-byte binary
 * frame (input-frame.ts), not JSON; 4: every digest carries the acks it was
 * taken with (a client compares it by cause, not after a timed grace); 3: the clients wake the
 * server for points; 2: the match is a timeline of stamped inputs relayed to every peer (issue 17);
 * 1 was the 30 Hz snapshot stream.
 */
export const PROTOCOL_VERSION = 5;

/**
 * Per seat, the last input seq the server had applied when it took a message's digest (-1: none).
 * An own input above it stamped before the digest's tick reached the server later: it was moved
 * (`input_moved`) or refused, and the client waits for that notice before comparing
 * (net/digest-checks.ts).
 */
export type DigestAcks = number[];

// ---------------------------------------------------------------- shared shapes

/** Lobby/match phases of a game session (the engine's own phases live inside "playing"). */
export type SessionPhase = "waiting" | "countdown" | "playing" | "paused" | "finished" | "abandoned";

export type EndReason = "normal" | "forfeit";

export interface PlayerInfo {
  seat: number;
  side: Side;
  userId: string;
  username: string;
  /** Has an open socket right now. */
  present: boolean;
  /** Out of the match (4P rejoin window expired): the side is a wall. */
  out: boolean;
  /** Epoch ms until which an absent player may rejoin, or null when present. */
  rejoinDeadline: number | null;
}

/** Configuration a client needs to simulate the match. */
export interface PublicConfig {
  engine: GameConfig;
  tickHz: number;
  /** Largest lead of an input stamp over the server's current tick (see timeline/accept.ts). */
  maxLeadTicks: number;
  /** @deprecated protocol 1 only (no snapshots are sent: always 0); removed with the old client. */
  snapshotHz: number;
  rejoinTimeoutS: number;
  countdownS: number;
}

// ---------------------------------------------------------------- server -> client

export interface WelcomeMsg {
  type: "welcome";
  gameId: string;
  mode: Mode;
  phase: SessionPhase;
  /** `ack`: the last input seq the server applied for your seat (-1: none), to continue above it. */
  you: { userId: string; username: string; seat: number; side: Side | null; role: "player" | "spectator"; ack: number };
  players: PlayerInfo[];
  config: PublicConfig;
  /** A private game (joined by its code): the lobby shows the code to share. */
  isPrivate: boolean;
  /** PROTOCOL_VERSION of the server. */
  protocol: number;
  /** The server's current tick (a `sync` with the whole timeline follows once the match exists). */
  tick: number;
  serverTime: number;
  tournamentId: string | null;
}
export interface PlayerJoinedMsg { type: "player_joined"; player: PlayerInfo }
/** A lobby seat was given (matchmaking, a join code) before its player's socket connects: the seat count is pushed, never polled. */
export interface SeatTakenMsg { type: "seat_taken"; player: PlayerInfo }
export interface MatchReadyMsg { type: "match_ready"; players: PlayerInfo[] }
export interface CountdownMsg { type: "countdown"; n: number; reason: "start" | "resume" }
/**
 * The timeline runs (again) from `tick`, due at `t0 + tick / tickHz` s: a resume re-bases `t0` so
 * ticks continue where the pause froze them. `digest`: of the state at `tick`.
 */
export interface GameStartedMsg { type: "game_started"; tick: number; t0: number; resumed: boolean; digest: number; acks: DigestAcks }
/** The timeline froze at `tick` (a player is away); it resumes with `game_started`. */
export interface PausedMsg { type: "paused"; tick: number; digest: number; acks: DigestAcks }
export interface PlayerLeftMsg {
  type: "player_left";
  userId: string;
  username: string;
  seat: number;
  rejoinDeadline: number;
  rejoinInS: number;
}
/** A lobby seat was given up (left the queue, or gone longer than the lobby grace). */
export interface SeatFreedMsg { type: "seat_freed"; seat: number; userId: string; username: string }
export interface PlayerRejoinedMsg { type: "player_rejoined"; userId: string; username: string; seat: number }
/** 4P: the seat was eliminated at `tick` (its side is a wall from then on; the ball is re-served). */
export interface PlayerOutMsg { type: "player_out"; userId: string; username: string; seat: number; side: Side; tick: number; digest: number; acks: DigestAcks }
/** Authoritative: a ball left the field at `tick`; `digest` is of the state at `tick` (new score included). */
export interface PointMsg { type: "point"; scorer: number | null; side: Side; scores: number[]; tick: number; digest: number; acks: DigestAcks }
export interface GameOverMsg {
  type: "game_over";
  winner: { seat: number; userId: string; username: string } | null;
  scores: number[];
  reason: EndReason | "abandoned";
  players: PlayerInfo[];
  /** Tick and digest of the final state (-1 / 0 when the match never started). */
  tick: number;
  digest: number;
  /**
   * Per seat, the last input seq the server applied. The sockets close with this message, so an
   * own input still on its way up is never applied nor refused: the client drops those above its
   * ack, and its final state is the server's.
   */
  acks: number[];
}
/**
 * The whole match state: the timeline at `tick` (engine state + pending inputs), its clock and
 * its digest. Sent after `welcome` (join, rejoin, spectators), after a restart, and to a client
 * that reported a digest mismatch. `running`: the clock runs (false while waiting, counting down
 * or paused: the timeline is frozen at `tick`). `acks`: last input seq accepted per seat.
 */
export interface SyncMsg {
  type: "sync";
  tick: number;
  t0: number;
  running: boolean;
  timeline: TimelineCheckpoint;
  digest: number;
  acks: number[];
  reason: "join" | "restart" | "mismatch";
}
/** Your input `seq` stamped `stamp` was applied at `tick` instead (it arrived late): run further ahead. */
export interface InputMovedMsg { type: "input_moved"; seq: number; stamp: number; tick: number }
/** Your input `seq` was not applied: `too_early` (stamp beyond `maxTick`) or `not_running` (no match clock now). */
export interface InputRefusedMsg { type: "input_refused"; seq: number; stamp: number; code: "too_early" | "not_running"; maxTick: number; message: string }
/** Clock sync: your `c` echoed with the server's epoch ms `s` when it answered. */
export interface TimeMsg { type: "time"; c: number; s: number }
export type ErrorCode =
  | "bad_json"
  | "bad_message"
  | "unknown_type"
  | "rate_limited"
  | "not_a_player"
  | "seat_finished"
  | "game_finished"
  | "frame_budget";
export interface ErrorMsg { type: "error"; code: ErrorCode; message: string }

export type ServerMessage =
  | WelcomeMsg
  | PlayerJoinedMsg
  | SeatTakenMsg
  | SeatFreedMsg
  | MatchReadyMsg
  | CountdownMsg
  | GameStartedMsg
  | PlayerLeftMsg
  | PlayerRejoinedMsg
  | PlayerOutMsg
  | PausedMsg
  | PointMsg
  | GameOverMsg
  | SyncMsg
  | InputMovedMsg
  | InputRefusedMsg
  | TimeMsg
  | ErrorMsg;

// ---------------------------------------------------------------- client -> server

/** A held direction change: on the wire a binary frame; its decoded form is defined with it (input-frame.ts). */
export type { InputMsg };
/** Voluntary resignation: the player forfeits at once. */
export interface ResignMsg { type: "resign" }
/** Clock sync: `c` is the client's clock (any number it wants echoed); answered with `time {c, s}`. */
export interface TimeRequestMsg { type: "time"; c: number }
/** My simulation disagrees with the server's digest at `tick`: send me a full `sync`. */
export interface ResyncMsg { type: "resync"; tick: number; digest: number }

/**
 * A player's client expects a point at `tick` (its own simulation, every paddle keeping its
 * direction) and asks the server to look now: the server arms its alarm for a point only when the
 * point is close (timeline/point-watch.ts). Sent once per expected point, WAKE_AHEAD_TICKS before
 * it. The server trusts nothing in it but the fact that a client is helping (see live-match.ts).
 */
export interface WakeMsg { type: "wake"; tick: number }

export type ClientMessage = InputMsg | ResignMsg | TimeRequestMsg | ResyncMsg | WakeMsg;

export type ParseResult =
  | { ok: true; msg: ClientMessage }
  | { ok: false; code: "too_large" | ErrorCode; message: string };


function isIntIn(v: unknown, min: number, max: number): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
}

/** Byte length of a text frame, computed cheaply unless it could be near the limit. */
export function frameBytes(raw: string | ArrayBuffer): number {
  if (typeof raw !== "string") return raw.byteLength;
  // A UTF-16 code unit encodes to at most 3 UTF-8 bytes; only count exactly when it matters.
  if (raw.length * 3 <= MAX_CLIENT_FRAME_BYTES) return raw.length;
  return new TextEncoder().encode(raw).byteLength;
}

/** Validates one client frame. Never throws; unknown or malformed input gets a precise reason. */
export function parseClientMessage(raw: string | ArrayBuffer): ParseResult {
  if (frameBytes(raw) > MAX_CLIENT_FRAME_BYTES) {
    return { ok: false, code: "too_large", message: `frame exceeds ${MAX_CLIENT_FRAME_BYTES} bytes` };
  }
  if (typeof raw !== "string") {
    const input = decodeInputFrame(raw);
    return input.ok ? input : { ok: false, code: "bad_message", message: input.message };
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, code: "bad_json", message: "frame is not valid JSON" };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { ok: false, code: "bad_message", message: "message must be a JSON object" };
  }
  const m = data as Record<string, unknown>;
  switch (m.type) {
    case "input":
      return { ok: false, code: "bad_message", message: "an input is a binary frame since protocol 5 (docs/protocol.md)" };
    case "resign":
      return { ok: true, msg: { type: "resign" } };
    case "time": {
      const { c } = m;
      if (typeof c !== "number" || !Number.isFinite(c)) return { ok: false, code: "bad_message", message: "time.c must be a finite number" };
      return { ok: true, msg: { type: "time", c } };
    }
    case "resync": {
      const { tick, digest } = m;
      if (!isIntIn(tick, 0, MAX_TICK)) return { ok: false, code: "bad_message", message: "resync.tick must be an integer from 0 to 2^31-1" };
      if (!isIntIn(digest, 0, 0xffffffff)) return { ok: false, code: "bad_message", message: "resync.digest must be a uint32" };
      return { ok: true, msg: { type: "resync", tick, digest } };
    }
    case "wake": {
      const { tick } = m;
      if (!isIntIn(tick, 0, MAX_TICK)) return { ok: false, code: "bad_message", message: "wake.tick must be an integer from 0 to 2^31-1" };
      return { ok: true, msg: { type: "wake", tick } };
    }
    default:
      return {
        ok: false,
        code: typeof m.type === "string" ? "unknown_type" : "bad_message",
        message: typeof m.type === "string" ? `unknown message type "${m.type.slice(0, 32)}"` : "message.type must be a string",
      };
  }
}

/** A client message as it goes on the wire: an input binary (input-frame.ts), everything else JSON text. */
export function encodeClientMessage(msg: ClientMessage): string | ArrayBuffer {
  return msg.type === "input" ? encodeInputFrame(msg.seq, msg.tick, msg.dir) : JSON.stringify(msg);
}

/** Parses a server JSON frame on the client. Returns null for anything that is not a known message. */
export function parseServerMessage(raw: string): ServerMessage | null {
  try {
    const data = JSON.parse(raw) as { type?: unknown };
    return typeof data === "object" && data !== null && typeof data.type === "string" ? (data as ServerMessage) : null;
  } catch {
    return null;
  }
}
