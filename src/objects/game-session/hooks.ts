import type { Mode } from "../../shared/engine/types";
import type { SessionRecord } from "./record";

/**
 * What a GameSession tells the rest of the system. Kept behind an interface so the object stays
 * a thin adapter and each concern (D1 rows, tournament reports, metrics) lives in its own module.
 */
export interface SessionHooks {
  /** Writes the match row. Must be idempotent by game id: it may be retried. */
  recordResult?(rec: SessionRecord): Promise<void>;
  /** Tells the tournament the result. Must be idempotent by game id: it is retried until it resolves. */
  reportResult?(rec: SessionRecord): Promise<void>;
  /** After every checkpoint (phase change, point): for the live-games list. Must not block. */
  onSaved?(rec: SessionRecord): void;
  onGameStarted?(mode: Mode): void;
  onGameOver?(mode: Mode, reason: string, durationS: number): void;
  onRejoin?(outcome: "rejoined" | "expired"): void;
  /** Each time the loop runs due ticks: how late the first one was against its schedule. */
  onTick?(latenessMs: number, skipped: number): void;
  /** One frame sent to `sockets` sockets (a snapshot is serialized once, sent to all). */
  onSent?(bytes: number, sockets: number, kind: "snapshot" | "json"): void;
  /** One frame received from a client, and what became of it. */
  onReceived?(bytes: number, outcome: "ok" | "invalid" | "dropped" | "too_large"): void;
  onSocketOpen?(role: "player" | "spectator"): void;
  onSocketClose?(reason: "client" | "error" | "replaced" | "game_over" | "too_large" | "abuse" | "out" | "heartbeat"): void;
  /** The object was (re)built in memory: new instance after eviction, restart or hibernation. */
  onWake?(): void;
}
