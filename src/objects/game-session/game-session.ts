import { defaultConfig } from "../../shared/engine";
import { CloseCode } from "../../shared/protocol/limits";
import { frameBytes, parseClientMessage } from "../../shared/protocol/messages";
import { encodeRelayInput, RELAY_INPUT_BYTES } from "../../shared/protocol/relay";
import { MatchTimeline } from "../../shared/timeline";
import { DEFAULT_MAX_SPECTATORS, sessionConfigFromVars } from "./config";
import { LiveMatch, type Happening } from "./live-match";
import { CHECKPOINT_EVERY_MS } from "./next-wake";
import * as rules from "./rules";
import { SessionBase } from "./session-base";
import { gameOverMsg, logInput, seatTakenMsg, statusOf, syncMsg, welcomeMsg, type SocketAttachment } from "./session-messages";

export type { ClaimResult, InitOptions } from "./rules";
export type SessionStatus = ReturnType<typeof statusOf>;

/** A digest reaches every socket at least this often in play, on events that happen anyway (never a timer); a point's counts (benchmarks.md: frames cost). */
const CHECK_EVERY_MS = 5_000;
/** A player's attachment log holds at most this many inputs; the next one forces a checkpoint. */
const MAX_LOGGED_INPUTS = 64;
/** Every relayed input is written here and sent from here (relay.ts: send copies it). */
const RELAY_SCRATCH = new ArrayBuffer(RELAY_INPUT_BYTES);

/**
 * One game as a lifecycle around the shared match timeline. The object holds no timer: it wakes
 * for a frame, an RPC or its one alarm (the next predicted point, a countdown second, a deadline,
 * a checkpoint: next-wake.ts), steps the timeline to the present, says what
 * happened, and sleeps. Seat and phase rules are in rules.ts; durable facts in one storage record;
 * inputs accepted since the last checkpoint in the senders' socket attachments.
 */
export class GameSession extends SessionBase {
  /** When and at which tick a digest last reached every socket (a check or a point). */
  private lastCheck = { at: 0, tick: -1 };
  /** A new instance mid-match tells everyone its digest once: a client that diverged asks for a sync. */
  private fresh = true;

  // ------------------------------------------------------------------ RPC

  /** Creates the game. Idempotent: a second call with the same id returns the existing status. */
  async init(opts: rules.InitOptions): Promise<SessionStatus> {
    if (!this.rec && this.retired) throw new Error(rules.GAME_ID_USED); // ids never reused (issue 12.11)
    if (!this.rec) {
      const now = Date.now();
      const config = { ...sessionConfigFromVars(this.env, opts.mode), ...(opts.overrides ?? {}) };
      const seed = opts.seed ?? (crypto.getRandomValues(new Uint32Array(1))[0] >>> 0);
      const timeline = MatchTimeline.start(defaultConfig(opts.mode, { winScore: config.winScore }), seed);
      const rec = rules.newRecord(opts, config, timeline.checkpoint(), now);
      this.rec = rec;
      this.live = new LiveMatch(rec.timeline, null, rec.acks, config.tickHz);
      await this.save();
      await this.plan(now);
      this.hooks.log("info", "game.created", { gameId: opts.gameId, mode: opts.mode, tournamentId: opts.tournament?.tournamentId });
    }
    return this.status();
  }

  /** Gives the user a seat (or their existing one). Seats are only handed out while the lobby waits. */
  async claimSeat(user: { id: string; username: string }): Promise<rules.ClaimResult> {
    const rec = this.rec;
    if (!rec) return { ok: false, reason: "not_found" };
    const now = Date.now();
    const { taken, ...result } = rules.claimSeat(rec, { userId: user.id, username: user.username }, now);
    if (taken && result.ok) {
      await this.save();
      this.broadcast(seatTakenMsg(rec, result.seat));
      await this.plan(now);
    }
    return result;
  }

  /** Gives up a seat in a lobby that has not started (leaving the matchmaking queue). */
  async releaseSeat(userId: string): Promise<boolean> {
    const rec = this.rec;
    if (!rec || rec.phase !== "waiting" || rec.reserved) return false;
    const seat = rules.seatOf(rec, userId);
    if (seat < 0) return false;
    this.closeUser(userId, CloseCode.normal, "left the lobby", "out");
    await this.freeLobbySeat(seat, Date.now());
    return true;
  }

  // ------------------------------------------------------------------ sockets

  /** WebSocket upgrade; the Worker has verified the session and the Origin (see socket-room.ts). */
  override async fetch(request: Request): Promise<Response> {
    const rec = this.rec;
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const now = Date.now();
    if (!rec || !this.live || rec.phase === "abandoned" || (rec.phase === "finished" && rec.cleanupAt !== null && now > rec.cleanupAt)) {
      return new Response("no such game", { status: 404 });
    }
    const user = this.room.upgradeUser(request, now);
    if (user instanceof Response) return user;
    await this.catchUp(now);
    const seat = rules.seatOf(rec, user.userId);
    // An eliminated 4P player (out) comes back as a spectator, never as a rejoin (issue 12.11).
    const isPlayer = seat >= 0 && rec.phase !== "finished" && !rec.seats[seat]!.out;
    if (!isPlayer && this.ctx.getWebSockets("spectator").length >= (rec.config.maxSpectators ?? DEFAULT_MAX_SPECTATORS)) return new Response("too many spectators for this game", { status: 503 });
    // A second connection for the same seat (another tab, a reconnect before the old socket
    // noticed it was dead) replaces the old one; its logged inputs are in the checkpoint below.
    if (isPlayer) this.closeUser(user.userId, CloseCode.replaced, "replaced by a newer connection", "replaced");
    const pair = new WebSocketPair();
    const att: SocketAttachment = { ...user, seat: isPlayer ? seat : -1 };
    this.room.accept(pair[1], [isPlayer ? "player" : "spectator", `user:${user.userId}`], att);
    this.hooks.onSocketOpen?.(isPlayer ? "player" : "spectator");
    this.send(pair[1], welcomeMsg(rec, this.live, att, now));
    this.send(pair[1], syncMsg(this.live, "join"));
    if (rec.phase === "finished" && rec.result) this.send(pair[1], gameOverMsg(rec, this.live, rec.result));
    if (isPlayer) await this.connected(seat, now);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const now = Date.now();
    const bytes = frameBytes(raw);
    // Every frame counts against the socket's budget before anything else looks at it.
    const admission = this.room.admit(ws, raw, now);
    if (admission !== "ok") {
      if (admission === "closing") return;
      this.hooks.onReceived?.(bytes, admission === "too_large" ? "too_large" : "dropped");
      this.hooks.onSocketClose?.(admission === "too_large" ? "too_large" : "abuse");
      return void (await this.socketGone(ws, now));
    }
    this.stats.messagesIn++;
    this.stats.bytesIn += bytes;
    // Whatever a client sends, the object keeps running: a bug in handling one frame is logged
    // and answered, never thrown into the runtime.
    try {
      await this.onFrame(ws, raw, bytes, now);
    } catch (err) {
      this.hooks.log("error", "ws.frame_failed", { gameId: this.rec?.gameId, error: err });
      this.sendError(ws, "bad_message", "the server could not process this frame");
    }
  }

  private async onFrame(ws: WebSocket, raw: string | ArrayBuffer, bytes: number, now: number): Promise<void> {
    const parsed = parseClientMessage(raw);
    this.hooks.onReceived?.(bytes, parsed.ok ? "ok" : "invalid");
    if (!parsed.ok) return this.sendError(ws, parsed.code === "too_large" ? "bad_message" : parsed.code, parsed.message);
    const msg = parsed.msg;
    const rec = this.rec;
    const live = this.live;
    if (msg.type === "time") this.send(ws, { type: "time", c: msg.c, s: now }); // answered first: the answer's time is the sample
    if (!rec || !live) return;
    if (msg.type === "wake" && (this.room.attachment(ws)?.seat ?? -1) >= 0) live.wake(msg.tick, now); // before catchUp: live-match.ts
    await this.catchUp(now); // every frame, `time` included, judges the heartbeats once due (next-wake.ts)
    if (msg.type === "time") return this.plan(now);
    if (msg.type === "resync") {
      this.hooks.onDesync?.();
      this.hooks.log("warn", "game.desync", { gameId: rec.gameId, userId: this.room.attachment(ws)?.userId, tick: msg.tick, digest: msg.digest, serverTick: live.tick });
      return void this.send(ws, syncMsg(live, "mismatch"));
    }
    const att = this.room.attachment(ws);
    if (!att || att.seat < 0) return this.sendError(ws, "not_a_player", "spectators cannot send game input");
    if (rules.ended(rec.phase)) return this.sendError(ws, "game_finished", "the game is over");
    const seatRec = rec.seats[att.seat];
    if (!seatRec || seatRec.userId !== att.userId) return this.sendError(ws, "not_a_player", "this seat is not yours");
    if (seatRec.out) return this.sendError(ws, "seat_finished", "you are out of this match");
    if (msg.type === "resign") await this.remove(att.seat, now, "resigned");
    if (msg.type !== "input") return this.plan(now);
    const running = rec.phase === "playing" || rec.phase === "countdown" || rec.phase === "paused";
    const out = live.input(att.seat, msg.seq, msg.tick, msg.dir, now, running);
    if (out.kind === "stale") return;
    if (out.kind === "too_early" || out.kind === "not_running") {
      const message = out.kind === "too_early" ? `stamp ${msg.tick} is beyond the largest allowed, ${out.maxTick}` : "the match has not started";
      return void this.send(ws, { type: "input_refused", seq: msg.seq, stamp: msg.tick, code: out.kind, maxTick: out.maxTick, message });
    }
    // Relayed at once to everyone else; the sender already simulates it (unless it was moved).
    this.relayInput(encodeRelayInput(out.tick, att.seat, msg.dir, RELAY_SCRATCH), ws, rec.mode, now);
    if (out.kind === "late") this.send(ws, { type: "input_moved", seq: msg.seq, stamp: msg.tick, tick: out.tick });
    const logged = logInput(att, rec.acks[att.seat], msg.seq, out.tick, msg.dir);
    this.room.setAttachment(ws, att);
    if (logged >= MAX_LOGGED_INPUTS) await this.checkpoint(now);
    if (this.alarmAt === null || live.plansOnInput) await this.plan(now);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    // Closes the server initiated were counted where they were decided; these are the clients'.
    if (!this.room.isClosing(ws) && code !== CloseCode.replaced) this.hooks.onSocketClose?.("client");
    await this.socketGone(ws, Date.now());
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.hooks.onSocketClose?.("error");
    await this.socketGone(ws, Date.now());
  }

  /** A socket closed or failed: a player whose seat no other socket holds is away. */
  protected async socketGone(ws: WebSocket, now: number): Promise<void> {
    this.room.forget(ws);
    const att = this.room.attachment(ws);
    const rec = this.rec;
    if (!att || att.seat < 0 || !rec) return;
    const stillHere = this.ctx.getWebSockets(`user:${att.userId}`).some((s) => s !== ws && !this.room.isClosing(s) && this.room.attachment(s)?.seat === att.seat);
    if (!stillHere) await this.away(att.seat, now);
  }

  // ------------------------------------------------------------------ the alarm

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.noteAlarm(now);
    const rec = this.rec;
    if (!rec) return;
    // After a restart, seats marked present whose sockets are gone are players who just left.
    for (const [seat, s] of rec.seats.entries()) if (s?.present && !this.room.sockets(`user:${s.userId}`).length) await this.away(seat, now);
    for (const seat of rules.expiredSeats(rec, now)) if (!rules.ended(rec.phase)) await this.expire(seat, now);
    if (rec.phase === "waiting" && rec.idleDeadline !== null && rec.idleDeadline <= now) {
      // The idle clock only runs while nobody is connected; it restarts when the lobby empties.
      if (rules.anyonePresent(rec)) rec.idleDeadline = null;
      else await this.abandon(now);
    }
    if (rec.phase === "countdown") {
      const step = rules.countdownStep(rec, now);
      if (step.kind === "start") await this.run(now, rec.countdown!.reason === "resume");
      else if (step.kind === "announce") this.broadcast({ type: "countdown", n: step.n, reason: rec.countdown!.reason });
    }
    await this.catchUp(now);
    if (rec.phase === "playing" && now >= rec.checkpointAt + CHECKPOINT_EVERY_MS) await this.checkpoint(now);
    if (rules.ended(rec.phase)) {
      await this.completeAfterGame(now);
      // Nothing is deleted before it is durably recorded (issue 12.2).
      if (!rules.resultPending(rec) && rec.cleanupAt !== null && rec.cleanupAt <= now) return this.cleanup();
    }
    await this.plan(now);
    this.wokeFor = null;
  }

  // ------------------------------------------------------------------ the timeline

  /**
   * Brings the match to `now`: steps the timeline, announces each point (checkpointed first, so
   * it is announced exactly once even if the object restarts), ends the game, judges heartbeats,
   * and sends a digest check when one is due. Every event handler calls this first.
   */
  private async catchUp(now: number): Promise<void> {
    const rec = this.rec;
    const live = this.live;
    if (!rec || !live || rec.phase !== "playing") return void (this.fresh = false);
    const from = live.tick;
    const happened = live.advance(now, this.alarmAt ?? this.wokeFor);
    this.stats.ticks += live.tick - from;
    for (const h of happened) await this.announce(h, now);
    if (rules.ended(rec.phase)) return;
    if (this.fresh || (now - this.lastCheck.at >= CHECK_EVERY_MS && live.tick !== this.lastCheck.tick)) {
      this.sendCheck(live);
      this.lastCheck = { at: now, tick: live.tick };
    }
    this.fresh = false;
    if (this.heartbeatAt === null || now >= this.heartbeatAt) await this.judgeHeartbeats(now);
  }

  private async announce(h: Happening, now: number): Promise<void> {
    const { scorer, side } = h.event;
    await this.checkpoint(now);
    this.broadcast({ type: "point", scorer, side, scores: h.scores, tick: h.tick, digest: h.digest, acks: h.acks });
    this.lastCheck = { at: now, tick: h.tick }; // the point's digest is the check
    if (h.over) await this.finish(now, "normal");
  }

  /** Starts (or resumes) the timeline's clock now. */
  private async run(now: number, resumed: boolean): Promise<void> {
    const rec = this.rec!;
    const live = this.live!;
    rec.phase = "playing";
    rec.countdown = null;
    if (rec.startedAt === null) {
      rec.startedAt = now;
      this.hooks.log("info", "game.started", { gameId: rec.gameId, mode: rec.mode, tournamentId: rec.tournament?.tournamentId });
      this.hooks.onGameStarted?.(rec.mode);
    }
    const clock = live.run(now);
    this.broadcast({ type: "game_started", ...live.stamp(), t0: clock.t0, resumed });
    this.heartbeatAt = null;
    await this.checkpoint(now);
  }

  // ------------------------------------------------------------------ seats and phases (rules.ts decides)

  private async connected(seat: number, now: number): Promise<void> {
    const rec = this.rec!;
    const s = rec.seats[seat]!;
    const { announce, countdown } = rules.seatConnected(rec, seat, now);
    if (announce === "joined") this.broadcast({ type: "player_joined", player: statusOf(rec, this.live!, 0).players.find((p) => p.seat === seat)! });
    if (announce === "rejoined") {
      this.broadcast({ type: "player_rejoined", userId: s.userId, username: s.username, seat });
      this.hooks.log("info", "player.rejoined", { gameId: rec.gameId, userId: s.userId, mode: rec.mode });
      this.hooks.onRejoin?.("rejoined");
    }
    if (countdown === "start") this.broadcast({ type: "match_ready", players: statusOf(rec, this.live!, 0).players });
    if (countdown) await this.beginCountdown(now, countdown);
    await this.checkpoint(now);
    await this.plan(now);
  }

  private async away(seat: number, now: number): Promise<void> {
    const rec = this.rec!;
    const live = this.live!;
    await this.catchUp(now);
    const out = rules.seatAway(rec, seat, now);
    if (!out) return;
    const { seat: s, windowS } = out;
    this.broadcast({ type: "player_left", userId: s.userId, username: s.username, seat, rejoinDeadline: s.rejoinDeadline!, rejoinInS: windowS });
    this.hooks.log("info", "player.left", { gameId: rec.gameId, userId: s.userId, mode: rec.mode });
    if (out.paused && live.clock) {
      live.freeze();
      this.broadcast({ type: "paused", ...live.stamp() });
    }
    // Checkpoint the exact state: a rejoin resumes the rally where it stopped.
    await this.checkpoint(now);
    await this.plan(now);
  }

  private async expire(seat: number, now: number): Promise<void> {
    const rec = this.rec!;
    if (rules.expiryAction(rec) === "free_seat") return this.freeLobbySeat(seat, now);
    this.hooks.onRejoin?.("expired");
    this.hooks.log("info", "player.forfeited", { gameId: rec.gameId, userId: rec.seats[seat]!.userId, mode: rec.mode });
    await this.remove(seat, now, rules.forfeitCause(rec, seat));
  }

  private async freeLobbySeat(seat: number, now: number): Promise<void> {
    const { freed, empty } = rules.freeSeat(this.rec!, seat);
    if (!freed) return;
    this.broadcast({ type: "seat_freed", seat, userId: freed.userId, username: freed.username });
    if (empty) await this.abandon(now);
    else await this.save();
  }

  /** Takes a seat out (window expired, no-show, resignation); rules.removeSeat says what follows. */
  private async remove(seat: number, now: number, why: "window_expired" | "away_budget" | "no_show" | "resigned"): Promise<void> {
    const rec = this.rec!;
    const live = this.live!;
    await this.catchUp(now);
    const s = rec.seats[seat]!;
    // Resigning from an open lobby is leaving it: no match, no result (issue 12.3).
    const leaving = why === "resigned" && rules.expiryAction(rec) === "free_seat";
    const outcome = leaving ? null : rules.removeSeat(rec, seat, why === "resigned");
    if (leaving || outcome) this.closeUser(s.userId, CloseCode.normal, leaving ? "left the lobby" : why === "resigned" ? "resigned" : "rejoin window expired", "out");
    if (leaving) return this.freeLobbySeat(seat, now);
    if (!outcome) return;
    this.hooks.onForfeit?.(rec.mode, why);
    if (outcome.kind === "abandon") return this.abandon(now);
    // A walkover before a real match is no contest, except in a tournament (its bracket needs a winner; unrated).
    if (outcome.kind === "win" && !rec.tournament && !rules.realMatch(rec, live.tick, live.timeline.state.scores)) return this.abandon(now, true);
    live.eliminate(seat); // the last one standing wins (engine rule)
    if (outcome.kind === "win") return this.finish(now, "forfeit");
    this.broadcast({ type: "player_out", userId: s.userId, username: s.username, seat, side: s.side, ...live.stamp() });
    if (outcome.abandon) return this.abandon(now);
    if (outcome.resume) await this.beginCountdown(now, "resume");
    await this.checkpoint(now);
  }

  private async beginCountdown(now: number, reason: "start" | "resume"): Promise<void> {
    const rec = this.rec!;
    const n = rec.config.countdownS;
    if (n <= 0) return this.run(now, reason === "resume");
    rec.phase = "countdown";
    rec.countdown = { endsAt: now + n * 1000, reason, lastSent: n };
    this.broadcast({ type: "countdown", n, reason });
  }

  // ------------------------------------------------------------------ the end

  /** Ends the match exactly once: persist, announce, close, then record (retried by alarm). */
  private async finish(now: number, reason: "normal" | "forfeit"): Promise<void> {
    const rec = this.rec!;
    if (rules.ended(rec.phase)) return;
    const state = this.live!.timeline.state;
    rules.endRecord(rec, "finished", now);
    rec.result = { winnerSeat: state.winner >= 0 ? state.winner : null, scores: [...state.scores], reason, rated: rules.realMatch(rec, this.live!.tick, state.scores) };
    await this.closeGame(now, "game over", true);
  }

  private async abandon(now: number, announce = false): Promise<void> {
    const rec = this.rec!;
    if (rules.ended(rec.phase)) return;
    rules.endRecord(rec, "abandoned", now);
    rec.result = { winnerSeat: null, scores: [...this.live!.timeline.state.scores], reason: "abandoned" };
    rec.recorded = true; // nothing to record in D1 for an abandoned game
    await this.closeGame(now, "game abandoned", announce || rec.startedAt !== null);
  }

  private async closeGame(now: number, closeReason: string, announce: boolean): Promise<void> {
    const rec = this.rec!;
    this.live!.freeze();
    await this.checkpoint(now); // persisted before anyone hears of it: a second alarm sees the end
    if (announce) this.broadcast(gameOverMsg(rec, this.live!, rec.result!));
    for (const ws of this.room.sockets()) {
      this.hooks.onSocketClose?.("game_over");
      this.room.close(ws, CloseCode.normal, closeReason);
    }
    const durationMs = rec.startedAt ? now - rec.startedAt : 0;
    this.hooks.log("info", rec.phase === "finished" ? "game.over" : "game.abandoned", { gameId: rec.gameId, mode: rec.mode, reason: rec.result!.reason, durationMs, tournamentId: rec.tournament?.tournamentId });
    this.hooks.onGameOver?.(rec.mode, rec.result!.reason, durationMs / 1000);
    await this.completeAfterGame(now);
    await this.plan(now);
  }
}
