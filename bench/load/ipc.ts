/** Messages between the load orchestrator and its bot processes (child_process IPC). */
import type { HistJson } from "./hist";
import type { CheckTotals } from "./match-check";

/** "game": the project's GameSession, protocol 2; "floor": the relay-only floor (bench/floor). */
export type BotMode = "game" | "floor";

export interface BotSpec {
  botId: number;
  /** Index of the match in the step (both seats of a match are in the same bot process). */
  match: number;
  /** Game id (game mode) or room name (floor mode). */
  gameId: string;
  seat: number;
  /** Bearer token (game mode; the floor needs none). */
  token: string;
  seed: number;
}

export type ToBots =
  | { type: "assign"; mode: BotMode; baseUrl: string; bots: BotSpec[]; deflate: boolean; aiLevel: "easy" | "medium" | "hard"; floorInputsPerS: number }
  | { type: "connect"; seat: number; concurrency: number }
  | { type: "window-start" }
  | { type: "window-stop" }
  | { type: "end"; timeoutMs: number }
  | { type: "exit" };

export interface WindowReport {
  seconds: number;
  /** Frames and payload bytes the bots received: binary (relays, checks) and text (JSON, pong). */
  binaryFrames: number;
  binaryBytes: number;
  textFrames: number;
  textBytes: number;
  upFrames: number;
  upBytes: number;
  /** Bytes read/written on the bots' TCP sockets (WebSocket frames as sent, compressed or not). */
  socketRead: number;
  socketWritten: number;
  /** Reads on the bots' TCP sockets (each at least one TCP segment): estimates the TCP/IP header bytes. */
  socketReads: number;
  /** Frame header bytes an uncompressed sender would add (2 down, 6 masked up, per small frame). */
  frameHeaderDown: number;
  frameHeaderUp: number;
  /** Input relay latency: sender's send -> another bot's receipt of the relay (ms, same clock). */
  relay: HistJson;
  /** Point announcement lateness: arrival of `point` - the time its tick was due (t0 + tick / tickHz), ms. */
  pointLate: HistJson;
  inputsSent: number;
  /** Inputs sent in the window whose relay no bot received before it ended. */
  inputsUnrelayed: number;
  /** Bots that received at least one frame in the window. */
  botsReceiving: number;
  /** What the match checks counted during the window alone (inputs exact/moved/refused, digests checked, desyncs). */
  checks: CheckTotals;
}

export interface BotsReport {
  pid: number;
  bots: number;
  connected: number;
  connectFailures: string[];
  started: number;
  /**
   * Non-resigning bots that saw 0, 1 or more game_over messages; `more` also counts resigning bots that
   * heard their own resignation's or more than one; `endedBeforeResign`: resigning bots that heard the
   * only announcement of a match that ended before they resigned (bench/load/game-over.ts; absent
   * from bots that predate it).
   */
  gameOver: { none: number; once: number; more: number; endedBeforeResign?: number };
  /** Closes before the bench asked the match to end (or with an unexpected code). */
  unexpectedCloses: number;
  closeCodes: Record<string, number>;
  serverErrors: Record<string, number>;
  /** Frames that did not decode (unknown binary kind, JSON that is no known message), or a protocol other than 2. */
  decodeErrors: number;
  wsErrors: number;
  points: number;
  /** Integrity over the whole step, all matches of the process (game mode). */
  checks: CheckTotals;
  desyncSamples: string[];
  /** `input_moved` / `input_refused` the senders heard. */
  movedNotices: number;
  refusedNotices: number;
  /** Largest |server clock - bot clock| seen by a `time` exchange (ms; loopback: same clock, so ~0). */
  clockOffsetMaxMs: number;
  /** Extensions the server accepted, per bot ("" = none). */
  extensions: Record<string, number>;
  /** Event-loop delay of this bot process during the window (ms). */
  loopDelay: { p50: number; p99: number; max: number };
  cpuUserS: number;
  cpuSystemS: number;
  window: WindowReport | null;
}

export type FromBots =
  | { type: "ready" }
  | { type: "connected"; seat: number; ok: number; failed: number; ms: number }
  | { type: "started"; started: number; total: number }
  | { type: "window-started" }
  | { type: "window"; report: BotsReport }
  | { type: "ended"; report: BotsReport };
