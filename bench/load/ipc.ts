/** Messages between the load orchestrator and its bot processes (child_process IPC). */
import type { HistJson } from "./hist";

export interface BotSpec {
  botId: number;
  gameId: string;
  seat: number;
  token: string;
  seed: number;
}

export type ToBots =
  | { type: "assign"; baseUrl: string; bots: BotSpec[]; deflate: boolean; aiLevel: "easy" | "medium" | "hard" }
  | { type: "connect"; seat: number; concurrency: number }
  | { type: "window-start" }
  | { type: "window-stop" }
  | { type: "end"; timeoutMs: number }
  | { type: "exit" };

export interface WindowReport {
  seconds: number;
  snapshots: number;
  snapshotBytes: number;
  textFrames: number;
  textBytes: number;
  upFrames: number;
  upBytes: number;
  /** Bytes read/written on the bots' TCP sockets (WebSocket frames as sent, compressed or not). */
  socketRead: number;
  socketWritten: number;
  /** Frame header bytes an uncompressed sender would add (2 down, 6 masked up, per frame). */
  frameHeaderDown: number;
  frameHeaderUp: number;
  gap: HistJson;
  ack: HistJson;
  inputsSent: number;
  /** Inputs sent in the window that no snapshot acknowledged before it ended. */
  inputsUnacked: number;
  /** Bots that received at least one snapshot in the window. */
  botsReceiving: number;
}

export interface BotsReport {
  pid: number;
  bots: number;
  connected: number;
  connectFailures: string[];
  started: number;
  /** Non-resigning bots that saw 0, 1 or more game_over messages (+ resigning bots that saw any: never expected). */
  gameOver: { none: number; once: number; more: number };
  /** Closes before the bench asked the match to end (or with an unexpected code). */
  unexpectedCloses: number;
  closeCodes: Record<string, number>;
  serverErrors: Record<string, number>;
  decodeErrors: number;
  wsErrors: number;
  points: number;
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
