/**
 * Every JSON message of the game WebSocket protocol (docs/protocol.md documents each field).
 * Server -> client snapshots are binary frames (see snapshot.ts); everything else is JSON text.
 * Both the server and the client import these types; the server validates what arrives with
 * `parseClientMessage`, which never throws.
 */
import type { Dir, GameConfig, Mode, Side } from "../engine/types";
import { MAX_CLIENT_FRAME_BYTES } from "./limits";

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

/** Configuration a client needs to render and predict. */
export interface PublicConfig {
  engine: GameConfig;
  tickHz: number;
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
  /** Ticks the server has simulated; pairs with snapshot ticks. */
  tick: number;
  serverTime: number;
  tournamentId: string | null;
}
export interface PlayerJoinedMsg { type: "player_joined"; player: PlayerInfo }
export interface MatchReadyMsg { type: "match_ready"; players: PlayerInfo[] }
export interface CountdownMsg { type: "countdown"; n: number; reason: "start" | "resume" }
export interface GameStartedMsg { type: "game_started"; tick: number; resumed: boolean }
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
export interface PlayerOutMsg { type: "player_out"; userId: string; username: string; seat: number; side: Side }
export interface PointMsg { type: "point"; scorer: number | null; side: Side; scores: number[]; tick: number }
export interface GameOverMsg {
  type: "game_over";
  winner: { seat: number; userId: string; username: string } | null;
  scores: number[];
  reason: EndReason | "abandoned";
  players: PlayerInfo[];
}
export type ErrorCode =
  | "bad_json"
  | "bad_message"
  | "unknown_type"
  | "rate_limited"
  | "not_a_player"
  | "seat_finished"
  | "game_finished";
export interface ErrorMsg { type: "error"; code: ErrorCode; message: string }

export type ServerMessage =
  | WelcomeMsg
  | PlayerJoinedMsg
  | SeatFreedMsg
  | MatchReadyMsg
  | CountdownMsg
  | GameStartedMsg
  | PlayerLeftMsg
  | PlayerRejoinedMsg
  | PlayerOutMsg
  | PointMsg
  | GameOverMsg
  | ErrorMsg;

// ---------------------------------------------------------------- client -> server

/** A held direction change. `seq` increases by one per input sent; the server acks the last applied. */
export interface InputMsg { type: "input"; seq: number; dir: Dir }
/** Voluntary resignation: the player forfeits at once. */
export interface ResignMsg { type: "resign" }

export type ClientMessage = InputMsg | ResignMsg;

export type ParseResult =
  | { ok: true; msg: ClientMessage }
  | { ok: false; code: "too_large" | ErrorCode; message: string };

const MAX_SEQ = 2 ** 31 - 1;

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
    return { ok: false, code: "bad_message", message: "binary frames are not accepted from clients" };
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
    case "input": {
      const { seq, dir } = m;
      if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 0 || seq > MAX_SEQ) {
        return { ok: false, code: "bad_message", message: "input.seq must be an integer from 0 to 2^31-1" };
      }
      if (dir !== -1 && dir !== 0 && dir !== 1) {
        return { ok: false, code: "bad_message", message: "input.dir must be -1, 0 or 1" };
      }
      return { ok: true, msg: { type: "input", seq, dir } };
    }
    case "resign":
      return { ok: true, msg: { type: "resign" } };
    default:
      return {
        ok: false,
        code: typeof m.type === "string" ? "unknown_type" : "bad_message",
        message: typeof m.type === "string" ? `unknown message type "${m.type.slice(0, 32)}"` : "message.type must be a string",
      };
  }
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
