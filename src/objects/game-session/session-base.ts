import { DurableObject } from "cloudflare:workers";
import type { Dir, Mode } from "../../shared/engine/types";
import type { ErrorCode, ServerMessage, SessionPhase } from "../../shared/protocol/messages";
import { CloseCode } from "../../shared/protocol/limits";
import { encodeRelayCheck } from "../../shared/protocol/relay";
import { SocketRoom } from "../sockets/socket-room";
import type { SessionHooks } from "./hooks";
import { LiveMatch } from "./live-match";
import { LoopStats, type LoopStatsSnapshot } from "./loop-stats";
import { alarmAction, plannedWake, type WakeReason } from "./next-wake";
import type { SessionRecord } from "./record";
import { afterFailure } from "../durability/retry";
import { resultPending } from "./rules";
import { createSessionHooks } from "./session-hooks";
import { statusOf, type SocketAttachment } from "./session-messages";

const RECORD_KEY = "session";
/** Left behind by the clean-up: this game id was used and must never create a game again (issue 12.11). */
const RETIRED_KEY = "retired";

/**
 * The plumbing under a GameSession's lifecycle (game-session.ts): loading and rebuilding the live
 * match after a wake, the one alarm, checkpoints, sending, the result retries and the clean-up.
 */
export abstract class SessionBase extends DurableObject<Env> {
  protected rec: SessionRecord | null = null;
  /** The game under this id was cleaned up: init refuses (a D1 row may be keyed by it). */
  protected retired = false;
  protected live: LiveMatch | null = null;
  protected alarmAt: number | null = null;
  /** While an alarm runs: the time it was set for (a point found then was armed: live-match.ts). */
  protected wokeFor: number | null = null;
  /** What the armed alarm is for (counted when it fires). */
  protected alarmWhy: WakeReason | null = null;
  /** When a player socket can next be judged silent (heartbeat), while playing. */
  protected heartbeatAt: number | null = null;
  protected readonly room: SocketRoom<SocketAttachment>;
  protected readonly stats = new LoopStats(Date.now());
  protected readonly hooks: SessionHooks;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.hooks = createSessionHooks(env);
    this.hooks.onWake?.();
    this.room = new SocketRoom(ctx, "game", () => ({ gameId: this.rec?.gameId }));
    ctx.blockConcurrencyWhile(async () => {
      this.rec = (await ctx.storage.get<SessionRecord>(RECORD_KEY)) ?? null;
      this.retired = (await ctx.storage.get<boolean>(RETIRED_KEY)) === true;
      this.alarmAt = await ctx.storage.getAlarm();
      if (this.rec) this.live = this.rebuild(this.rec);
    });
  }

  /** The live match from the checkpoint plus the inputs the players' attachments kept since. */
  protected rebuild(rec: SessionRecord): LiveMatch {
    const live = new LiveMatch(rec.timeline, rec.clock, rec.acks, rec.config.tickHz);
    for (const ws of this.ctx.getWebSockets("player")) {
      const att = this.room.attachment(ws);
      const log = att?.log ?? [];
      for (let i = 0; att && i < log.length; i += 3) live.replay(att.seat, log[i], log[i + 1], log[i + 2] as Dir);
    }
    return live;
  }

  /**
   * D1 row and tournament report, each exactly once. A failure keeps the game's storage (clean-up
   * waits for resultPending to turn false) and schedules the next attempt on a capped exponential
   * back-off kept in the record (retry.ts), so retries survive eviction and restarts.
   */
  protected async completeAfterGame(now: number): Promise<void> {
    const rec = this.rec!;
    if (!resultPending(rec)) return;
    let failed = false;
    if (!rec.recorded) {
      rec.recorded = this.hooks.recordResult ? await this.hooks.recordResult(rec) : true;
      failed ||= !rec.recorded;
    }
    if (!rec.reported && rec.tournament && this.hooks.reportResult) {
      try {
        await this.hooks.reportResult(rec);
        rec.reported = true;
      } catch {
        failed = true; // logged by the hook
      }
    }
    if (failed) {
      rec.retry = afterFailure(rec.retry, now);
      this.hooks.onResultFailure?.();
      this.hooks.log("warn", "game.result_retry", { gameId: rec.gameId, attempts: rec.retry.attempts, nextInMs: rec.retry.nextAt - now });
    } else rec.retry = null;
    await this.save();
  }

  /** Book-keeping of one alarm: how late it ran (stats, metrics); no alarm is armed any more. */
  protected noteAlarm(now: number): void {
    if (this.alarmAt !== null) {
      this.stats.recordWake(now - this.alarmAt, 0, 0);
      this.hooks.onAlarm?.(now - this.alarmAt);
    }
    this.stats.countAlarm(this.alarmWhy);
    this.wokeFor = this.alarmAt;
    this.alarmAt = null;
    this.alarmWhy = null;
  }

  protected async cleanup(): Promise<void> {
    for (const ws of this.room.sockets()) this.room.close(ws, CloseCode.gameGone, "game closed");
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    await this.ctx.storage.put(RETIRED_KEY, true);
    this.retired = true;
    this.rec = null;
    this.live = null;
    this.alarmAt = null;
    this.alarmWhy = null;
  }


  /** Arms the one alarm for the earliest thing that must happen (next-wake.ts). */
  protected async plan(now: number): Promise<void> {
    const rec = this.rec;
    const live = this.live;
    if (!rec || !live) return;
    const playing = rec.phase === "playing";
    const next = plannedWake(rec, { pointAt: playing ? live.nextPointAt() : null, horizonAt: playing ? live.horizonAt() : null }, now);
    const wanted = next?.at ?? null;
    const action = alarmAction(this.alarmAt, wanted, playing);
    if (action === "set") {
      this.alarmAt = wanted;
      this.alarmWhy = next!.why;
      this.stats.setAlarms++;
      this.stats.storageWrites++;
      await this.ctx.storage.setAlarm(wanted!);
    } else if (action === "delete") {
      this.alarmAt = null;
      this.alarmWhy = null;
      await this.ctx.storage.deleteAlarm();
    }
  }

  /** One write: the record with the live timeline (its inputs are then no longer needed in attachments). */
  protected async checkpoint(now: number): Promise<void> {
    const rec = this.rec!;
    const live = this.live!;
    rec.timeline = live.timeline.checkpoint();
    rec.clock = live.clock;
    rec.acks = [...live.acks];
    rec.checkpointAt = now;
    await this.save();
  }

  protected async save(): Promise<void> {
    const rec = this.rec;
    if (!rec) return;
    this.stats.storageWrites++;
    await this.ctx.storage.put(RECORD_KEY, rec);
    this.hooks.onSaved?.(rec);
  }

  protected closeUser(userId: string, code: number, reason: string, why: "out" | "replaced"): void {
    for (const ws of this.room.sockets(`user:${userId}`)) {
      this.hooks.onSocketClose?.(why);
      this.room.close(ws, code, reason);
    }
  }

  protected send(ws: WebSocket, msg: ServerMessage): void {
    this.countSent(this.room.send(ws, msg), 1, "json");
  }

  protected sendError(ws: WebSocket, code: ErrorCode, message: string): void {
    this.send(ws, { type: "error", code, message });
  }

  protected broadcast(msg: ServerMessage): void {
    const [size, n] = this.room.broadcast(msg);
    this.countSent(size, n, "json");
  }

  protected countSent(bytes: number, sockets: number, kind: "binary" | "json"): void {
    this.stats.framesOut += sockets;
    this.stats.bytesOut += bytes * sockets;
    if (kind === "binary") this.stats.snapshots += sockets;
    this.hooks.onSent?.(bytes, sockets, kind);
  }

  /** What this instance measured (benchmarks, cost accounting; served as /api/admin/games/:id/stats). */
  async loopStats(): Promise<LoopStatsSnapshot & { gameId: string | null; phase: SessionPhase | null; driver: string; predictions: number; predictionSteps: number; assisted: boolean; unaskedPoints: number; wakes: number }> {
    return { ...this.stats.snapshot(), gameId: this.rec?.gameId ?? null, phase: this.rec?.phase ?? null, driver: "timeline",
      predictions: this.live?.predictions ?? 0, predictionSteps: this.live?.predictionSteps ?? 0, assisted: this.live?.assisted ?? false, unaskedPoints: this.live?.unaskedPoints ?? 0, wakes: this.live?.wakes ?? 0 };
  }

  async status(): Promise<ReturnType<typeof statusOf>> {
    if (!this.rec || !this.live) throw new Error("game not initialised");
    return statusOf(this.rec, this.live, this.ctx.getWebSockets("spectator").length);
  }

  /** Test helper: the record and the live timeline. */
  async debugState(): Promise<{ rec: SessionRecord | null; tick: number; digest: number; scores: number[]; pending: number; running: boolean; alarmAt: number | null }> {
    const live = this.live;
    return { rec: this.rec, tick: live?.tick ?? -1, digest: live?.timeline.digest() ?? 0, scores: live ? [...live.timeline.state.scores] : [],
      pending: live?.timeline.pendingInputs().length ?? 0, running: live?.clock != null, alarmAt: this.alarmAt };
  }

  /** A player socket that pinged and then went silent is treated as gone (no close may ever come). */
  protected async judgeHeartbeats(now: number): Promise<void> {
    const limitMs = this.rec!.config.heartbeatTimeoutS * 1000;
    this.heartbeatAt = now + limitMs; // a drop below catches up again: not judged twice over
    for (const ws of this.room.sockets("player")) {
      if (!this.room.isSilent(ws, now, limitMs)) continue;
      this.hooks.onSocketClose?.("heartbeat");
      this.room.close(ws, CloseCode.heartbeatTimeout, "heartbeat timeout");
      await this.socketGone(ws, now);
    }
    // Next look: when the first socket that pinged could turn silent; if none has pinged yet, one limit from now.
    this.heartbeatAt = this.rec?.phase === "playing" ? (this.room.silentAt(this.room.sockets("player"), limitMs) ?? now + limitMs) : null;
  }

  /**
   * Relays a player's input to every other socket at once and measures how long the object held
   * it: from the frame's arrival (`arrivedAt`, the handler's first Date.now()) to this send. The
   * runtime's clock only moves across I/O, so this is the time awaited before the relay (catching
   * up, a point's checkpoint), not the handler's CPU.
   */
  protected relayInput(frame: ArrayBuffer, from: WebSocket, mode: Mode, arrivedAt: number): void {
    const [size, n] = this.room.broadcast(frame, from);
    this.countSent(size, n, "binary");
    if (n > 0) this.hooks.onInputRelayed?.(mode, Date.now() - arrivedAt);
  }

  /** Digest of the live timeline and the acks it was taken with, to every socket (binary, 10 + 4 per seat bytes): the exact socket count comes with it. */
  protected sendCheck(live: LiveMatch): void {
    const { tick, digest, acks } = live.stamp();
    const [size, n] = this.room.broadcast(encodeRelayCheck(tick, digest, acks));
    this.countSent(size, n, "binary");
    this.hooks.onSocketCount?.(n);
  }

  /** A socket closed or failed (defined by the lifecycle). */
  protected abstract socketGone(ws: WebSocket, now: number): Promise<void>;
}
