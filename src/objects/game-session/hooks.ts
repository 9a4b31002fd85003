import type { Mode } from "../../shared/engine/types";
import type { SessionRecord } from "./record";

/**
 * What a GameSession tells the rest of the system. Kept behind an interface so the object stays
 * a thin lifecycle and each concern (D1 rows, tournament reports, logs, metrics) lives in its own
 * module (session-hooks.ts wires them: the only game-session file importing db, log and metrics).
 */
export interface SessionHooks {
  log(level: "info" | "warn" | "error", event: string, fields: Record<string, unknown>): void;
  /** Writes the match row. Idempotent by game id. Resolves true when done (or never possible), false to retry. */
  recordResult?(rec: SessionRecord): Promise<boolean>;
  /** Tells the tournament the result. Idempotent by game id: retried until it resolves. */
  reportResult?(rec: SessionRecord): Promise<void>;
  /** One failed attempt to record or report a finished game's result (it will be retried). */
  onResultFailure?(): void;
  /** After every checkpoint (phase change, point): for the live-games list. Must not block. */
  onSaved?(rec: SessionRecord): void;
  onGameStarted?(mode: Mode): void;
  onGameOver?(mode: Mode, reason: string, durationS: number): void;
  onRejoin?(outcome: "rejoined" | "expired"): void;
  /** A player was taken out of a match (whatever that did to the game). */
  onForfeit?(mode: Mode, reason: "window_expired" | "away_budget" | "no_show" | "resigned"): void;
  /** Each alarm: how late it ran against the time it was set for (a predicted point, a countdown second...). */
  onAlarm?(latenessMs: number): void;
  /** One frame sent to `sockets` sockets (serialized once, sent to all). */
  onSent?(bytes: number, sockets: number, kind: "binary" | "json"): void;
  /** A frame just went to every socket of the object: their exact number. */
  onSocketCount?(sockets: number): void;
  /** One frame received from a client, and what became of it. */
  onReceived?(bytes: number, outcome: "ok" | "invalid" | "dropped" | "too_large"): void;
  onSocketOpen?(role: "player" | "spectator"): void;
  onSocketClose?(reason: "client" | "error" | "replaced" | "game_over" | "too_large" | "abuse" | "out" | "heartbeat"): void;
  /** A player's input was relayed to the others `heldMs` after its frame arrived. */
  onInputRelayed?(mode: Mode, heldMs: number): void;
  /** A client reported a digest mismatch (and got a full sync). */
  onDesync?(): void;
  /** The object was (re)built in memory: new instance after eviction, restart or hibernation. */
  onWake?(): void;
}
