import { DurableObject } from "cloudflare:workers";
import {
  createGame,
  declareWinner,
  defaultConfig,
  eliminateSeat,
  restoreGame,
  serializeGame,
  stepInPlace,
} from "../../shared/engine";
import { SIDES_BY_MODE, type GameEvent, type GameState, type Mode } from "../../shared/engine/types";
import { CloseCode } from "../../shared/protocol/limits";
import {
  parseClientMessage,
  type ErrorCode,
  type GameOverMsg,
  type PlayerInfo,
  type ServerMessage,
  type SessionPhase,
} from "../../shared/protocol/messages";
import type { GameStatus } from "../../shared/protocol/http";
import { MAX_INPUT_LEAD_TICKS, stateDigest } from "../../shared/timeline";
import { PROTOCOL_VERSION } from "../../shared/protocol/messages";
import { encodeSnapshot, viewInto, type SnapshotView } from "../../shared/protocol/snapshot";
import { sessionConfigFromVars, type SessionConfig } from "./config";
import { FixedRateClock } from "./fixed-rate-clock";
import { InputLimiter } from "./input-limiter";
import { LoopStats, type LoopStatsSnapshot } from "./loop-stats";
import { activeSeats, playerInfos, type GameResult, type SessionRecord, type TournamentLink } from "./record";
import { AlarmTickDriver, TimerTickDriver, type TickDriver } from "./tick-driver";
import { RecordMatchError } from "../../worker/db/matches";
import { logEvent } from "../log";
import type { GameEnv } from "../env";
import type { SessionHooks } from "./hooks";
import { createSessionHooks } from "./session-hooks";

/** What a socket carries through hibernation. */
interface SocketAttachment {
  userId: string;
  username: string;
  /** -1 for spectators. */
  seat: number;
}

export interface InitOptions {
  gameId: string;
  mode: Mode;
  isPrivate?: boolean;
  tournament?: TournamentLink | null;
  /** Tournament matches: only these users may sit, in this seat order. */
  reserved?: { userId: string; username: string }[] | null;
  /** Test and tournament overrides of the variables. */
  overrides?: Partial<SessionConfig>;
  seed?: number;
}

export type ClaimResult =
  | { ok: true; seat: number; gameId: string }
  | { ok: false; reason: "not_found" | "full" | "reserved" | "finished" };

/** What `status()` answers (also served as `GET /api/games/:gameId`). */
export type SessionStatus = GameStatus;

const RECORD_KEY = "session";
/** How often (in snapshots) a full keyframe is broadcast so a client that lost sync recovers. */
const KEYFRAME_EVERY = 60;

/**
 * One game: seats, sockets, the tick loop and the deadlines around the shared engine.
 * All durable facts live in one storage record; sockets carry their seat in their attachment,
 * so a woken or restarted object rebuilds everything it needs.
 */
export class GameSession extends DurableObject<GameEnv> {
  private rec: SessionRecord | null = null;
  private clock: FixedRateClock | null = null;
  private driver: TickDriver | null = null;
  private limiters = new Map<WebSocket, InputLimiter>();
  private lastView: SnapshotView | null = null;
  /** The view before lastView, refilled by the next broadcast (two views in turn: no allocation per snapshot). */
  private spareView: SnapshotView | null = null;
  /** An input was applied since the last snapshot: the next tick sends one, so inputs are acknowledged within a tick. */
  private ackPending = false;
  private snapshotsSent = 0;
  private alarmAt: number | null = null;
  private tickErrorLogged = false;
  private lastReapAt = 0;
  /** Sockets we decided to close; frames they still deliver are ignored. */
  private readonly closing = new WeakSet<WebSocket>();
  /**
   * `ctx.getWebSockets()` as last read, for the broadcasts (30 a second): the runtime call builds
   * a fresh array each time (about 5 % of the thread at 100 local matches). Dropped whenever a
   * socket is accepted, closed by us or gone, so the next broadcast reads the list again.
   */
  private socketList: WebSocket[] | null = null;
  /** Counters since this instance started (in memory: an evicted object starts again at zero). */
  private readonly stats = new LoopStats(Date.now());
  private readonly events: GameEvent[] = [];
  private hooks: SessionHooks;

  constructor(ctx: DurableObjectState, env: GameEnv) {
    super(ctx, env);
    this.hooks = createSessionHooks(env);
    this.hooks.onWake?.();
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    ctx.blockConcurrencyWhile(async () => {
      this.rec = (await ctx.storage.get<SessionRecord>(RECORD_KEY)) ?? null;
      this.alarmAt = await ctx.storage.getAlarm();
      if (this.rec) this.rec.game = restoreGame(this.rec.game);
    });
  }

  // ------------------------------------------------------------------ RPC

  /** Creates the game. Idempotent: a second call with the same id returns the existing status. */
  async init(opts: InitOptions): Promise<SessionStatus> {
    if (!this.rec) {
      const now = Date.now();
      const config = { ...sessionConfigFromVars(this.env, opts.mode), ...(opts.overrides ?? {}) };
      const engineConfig = defaultConfig(opts.mode, { winScore: config.winScore });
      const sides = SIDES_BY_MODE[opts.mode];
      const seed = opts.seed ?? (crypto.getRandomValues(new Uint32Array(1))[0] >>> 0);
      this.rec = {
        gameId: opts.gameId,
        mode: opts.mode,
        isPrivate: opts.isPrivate ?? false,
        config,
        tournament: opts.tournament ?? null,
        reserved: opts.reserved ? opts.reserved.map((r) => r.userId) : null,
        seats: sides.map(() => null),
        phase: "waiting",
        createdAt: now,
        startedAt: null,
        endedAt: null,
        countdown: null,
        game: createGame(engineConfig, seed),
        acks: sides.map(() => -1),
        result: null,
        recorded: false,
        reported: false,
        cleanupAt: null,
        idleDeadline: now + config.lobbyIdleS * 1000,
      };
      // Reserved seats are taken in the given order; their holders must connect within the window.
      opts.reserved?.forEach((r, seat) => this.takeSeat(seat, r.userId, r.username, now));
      await this.save();
      await this.scheduleAlarm(now);
      logEvent("info", "game.created", { gameId: opts.gameId, mode: opts.mode, tournamentId: opts.tournament?.tournamentId });
    }
    return this.status();
  }

  /** Gives the user a seat (or their existing one). Seats are only handed out while the lobby waits. */
  async claimSeat(user: { id: string; username: string }): Promise<ClaimResult> {
    const rec = this.rec;
    if (!rec) return { ok: false, reason: "not_found" };
    const existing = this.seatOf(user.id);
    if (existing >= 0) return { ok: true, seat: existing, gameId: rec.gameId };
    if (rec.phase === "finished" || rec.phase === "abandoned") return { ok: false, reason: "finished" };
    // Tournament seats belong to their two players only (they were seated at init).
    if (rec.reserved) return { ok: false, reason: "reserved" };
    if (rec.phase !== "waiting") return { ok: false, reason: "full" };
    const seat = rec.seats.findIndex((s) => s === null);
    if (seat < 0) return { ok: false, reason: "full" };
    const now = Date.now();
    this.takeSeat(seat, user.id, user.username, now);
    await this.save();
    await this.scheduleAlarm(now);
    return { ok: true, seat, gameId: rec.gameId };
  }

  /** Gives up a seat in a lobby that has not started (leaving the matchmaking queue). */
  async releaseSeat(userId: string): Promise<boolean> {
    const rec = this.rec;
    if (!rec || rec.phase !== "waiting" || rec.reserved) return false;
    const seat = this.seatOf(userId);
    if (seat < 0) return false;
    for (const ws of this.socketsOf(userId)) {
      this.hooks.onSocketClose?.("out");
      this.markClosing(ws);
      ws.close(CloseCode.normal, "left the lobby");
    }
    await this.freeLobbySeat(seat, Date.now());
    return true;
  }

  /** Empties a seat of a lobby that has not started, tells the others, abandons an empty lobby. */
  private async freeLobbySeat(seat: number, now: number): Promise<void> {
    const rec = this.rec!;
    const s = rec.seats[seat];
    if (!s) return;
    rec.seats[seat] = null;
    this.broadcast({ type: "seat_freed", seat, userId: s.userId, username: s.username });
    if (rec.seats.every((x) => x === null)) await this.abandon(now);
    else await this.save();
  }

  async status(): Promise<SessionStatus> {
    const rec = this.rec;
    if (!rec) throw new Error("game not initialised");
    const players = playerInfos(rec);
    return {
      gameId: rec.gameId,
      mode: rec.mode,
      phase: rec.phase,
      isPrivate: rec.isPrivate,
      players,
      scores: [...rec.game.scores],
      seatsTotal: rec.seats.length,
      seatsTaken: players.length,
      spectators: this.ctx.getWebSockets("spectator").length,
      tournamentId: rec.tournament?.tournamentId ?? null,
    };
  }

  // ------------------------------------------------------------------ sockets

  /**
   * WebSocket upgrade. The Worker has already verified the session token and the Origin and
   * passes the user in headers that clients cannot reach this object with.
   */
  override async fetch(request: Request): Promise<Response> {
    const rec = this.rec;
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    if (!rec || rec.phase === "abandoned" || (rec.phase === "finished" && rec.cleanupAt !== null && Date.now() > rec.cleanupAt)) {
      return new Response("no such game", { status: 404 });
    }
    const userId = request.headers.get("X-Pong-User-Id");
    const username = request.headers.get("X-Pong-Username");
    if (!userId || !username) return new Response("missing user", { status: 400 });

    const now = Date.now();
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const seat = this.seatOf(userId);
    const isPlayer = seat >= 0 && rec.phase !== "finished";
    // A second connection for the same seat (another tab, a reconnect before the old socket
    // noticed it was dead) replaces the old one.
    if (isPlayer) {
      for (const old of this.socketsOf(userId)) {
        const att = old.deserializeAttachment() as SocketAttachment | null;
        if (att && att.seat === seat) {
          this.hooks.onSocketClose?.("replaced");
          this.markClosing(old);
          old.close(CloseCode.replaced, "replaced by a newer connection");
        }
      }
    }
    const attachment: SocketAttachment = { userId, username, seat: isPlayer ? seat : -1 };
    this.ctx.acceptWebSocket(server, [isPlayer ? "player" : "spectator", `user:${userId}`]);
    this.socketList = null;
    server.serializeAttachment(attachment);
    this.hooks.onSocketOpen?.(isPlayer ? "player" : "spectator");

    this.send(server, this.welcome(attachment));
    if (this.lastView) server.send(encodeSnapshot(this.lastView, null));
    if (rec.phase === "finished" && rec.result) this.send(server, this.gameOverMessage(rec.result));
    if (isPlayer) await this.onSeatConnected(seat, now);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    // Whatever a client sends, the object keeps running: a bug in handling one frame is logged
    // and answered, never thrown into the runtime.
    try {
      await this.handleFrame(ws, raw);
    } catch (err) {
      logEvent("error", "ws.frame_failed", { gameId: this.rec?.gameId, error: err });
      this.sendError(ws, "bad_message", "the server could not process this frame");
    }
  }

  private async handleFrame(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    // Frames already queued behind our close of this socket are not processed (or logged) again.
    if (this.closing.has(ws)) return;
    const now = Date.now();
    const parsed = parseClientMessage(raw);
    const bytes = typeof raw === "string" ? raw.length : raw.byteLength;
    this.stats.messagesIn++;
    this.stats.bytesIn += bytes;
    if (!parsed.ok) {
      if (parsed.code === "too_large") {
        this.hooks.onReceived?.(bytes, "too_large");
        this.hooks.onSocketClose?.("too_large");
        this.markClosing(ws);
        ws.close(CloseCode.tooLarge, "frame too large");
        return;
      }
      this.hooks.onReceived?.(bytes, "invalid");
      this.sendError(ws, parsed.code, parsed.message);
      return;
    }
    const att = ws.deserializeAttachment() as SocketAttachment | null;
    if (!att || att.seat < 0) return this.sendError(ws, "not_a_player", "spectators cannot send game input");
    const rec = this.rec;
    if (!rec) return;
    if (rec.phase === "finished" || rec.phase === "abandoned") return this.sendError(ws, "game_finished", "the game is over");
    const seatRec = rec.seats[att.seat];
    if (!seatRec || seatRec.userId !== att.userId) return this.sendError(ws, "not_a_player", "this seat is not yours");
    if (seatRec.out) return this.sendError(ws, "seat_finished", "you are out of this match");

    let limiter = this.limiters.get(ws);
    if (!limiter) this.limiters.set(ws, (limiter = new InputLimiter(now)));
    const verdict = limiter.take(now);
    this.hooks.onReceived?.(bytes, verdict === "ok" ? "ok" : "dropped");
    if (verdict === "abuse") {
      logEvent("warn", "ws.input_abuse", { gameId: rec.gameId, userId: att.userId });
      this.hooks.onSocketClose?.("abuse");
      this.markClosing(ws);
      ws.close(CloseCode.policyViolation, "input flood");
      return;
    }
    if (verdict === "drop") {
      if (limiter.firstDropInWindow) this.sendError(ws, "rate_limited", "too many input frames; excess dropped");
      return;
    }

    const msg = parsed.msg;
    if (msg.type === "input") {
      // Inputs are held directions applied from the next tick on; stale (reordered) seqs are ignored.
      if (msg.seq <= rec.acks[att.seat]) return;
      rec.acks[att.seat] = msg.seq;
      this.ackPending = true;
      const paddle = rec.game.paddles[att.seat];
      if (paddle) paddle.dir = msg.dir;
    } else if (msg.type === "resign") {
      await this.removeFromMatch(att.seat, now, "resigned");
      await this.scheduleAlarm(now);
    }
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    // Closes the server initiated were counted where they were decided; these are the clients'.
    if (!this.closing.has(ws) && code !== CloseCode.replaced) this.hooks.onSocketClose?.("client");
    await this.onSocketGone(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.hooks.onSocketClose?.("error");
    await this.onSocketGone(ws);
  }

  private async onSocketGone(ws: WebSocket): Promise<void> {
    this.limiters.delete(ws);
    this.socketList = null;
    const att = ws.deserializeAttachment() as SocketAttachment | null;
    const rec = this.rec;
    if (!att || att.seat < 0 || !rec) return;
    // Another live socket may hold the same seat (it replaced this one): then nobody left.
    const stillHere = this.socketsOf(att.userId).some(
      (s) => s !== ws && (s.deserializeAttachment() as SocketAttachment | null)?.seat === att.seat,
    );
    if (stillHere) return;
    await this.onSeatAway(att.seat, Date.now());
  }

  // ------------------------------------------------------------------ alarm: deadlines, countdown, revival

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    this.stats.alarms++;
    const rec = this.rec;
    if (!rec) return;
    const now = Date.now();
    // Persist what a restart found (players whose sockets are gone), or a second restart repeats it.
    if (this.reconcilePresence(now)) await this.save();

    // Rejoin / no-show deadlines (the first expiry may end the game: then the others are moot).
    for (let seat = 0; seat < rec.seats.length && !this.ended(); seat++) {
      const s = rec.seats[seat];
      if (s && !s.present && !s.out && s.rejoinDeadline !== null && s.rejoinDeadline <= now) {
        await this.onDeadlineExpired(seat, now);
      }
    }
    if (rec.phase === "waiting" && rec.idleDeadline !== null && rec.idleDeadline <= now) {
      // The idle clock only runs while nobody is connected; it restarts when the lobby empties.
      if (this.anyonePresent()) rec.idleDeadline = null;
      else await this.abandon(now);
    }
    if (rec.phase === "countdown") await this.advanceCountdown(now);
    if (rec.phase === "playing") await this.reapSilentSockets(now);
    if (rec.phase === "playing") {
      if (!this.driver || !this.driver.running) {
        // Evicted or restarted mid-match: revive the loop from the checkpoint.
        logEvent("warn", "game.revived", { gameId: rec.gameId, mode: rec.mode });
        this.startLoop(now);
      } else if (this.driver.kind === "alarm") {
        this.safeRunDueTicks(now);
      }
    }
    if (rec.phase === "finished" || rec.phase === "abandoned") {
      await this.completeAfterGame(now);
      if (rec.cleanupAt !== null && rec.cleanupAt <= now) {
        await this.cleanup();
        return;
      }
    }
    await this.scheduleAlarm(now);
  }

  // ------------------------------------------------------------------ seats and phases

  private takeSeat(seat: number, userId: string, username: string, now: number): void {
    const rec = this.rec!;
    rec.seats[seat] = {
      userId,
      username,
      side: SIDES_BY_MODE[rec.mode][seat],
      present: false,
      out: false,
      // A claimed seat must be taken (connected) within the rejoin window, or it is freed / forfeited.
      rejoinDeadline: now + rec.config.rejoinTimeoutS * 1000,
      joined: false,
    };
  }

  private async onSeatConnected(seat: number, now: number): Promise<void> {
    const rec = this.rec!;
    const s = rec.seats[seat]!;
    const wasAway = s.joined && !s.present;
    s.present = true;
    s.rejoinDeadline = null;
    if (rec.phase === "waiting") rec.idleDeadline = null;
    const info = playerInfos(rec).find((p) => p.seat === seat)!;
    if (!s.joined) {
      s.joined = true;
      this.broadcast({ type: "player_joined", player: info });
    } else if (wasAway) {
      this.broadcast({ type: "player_rejoined", userId: s.userId, username: s.username, seat });
      logEvent("info", "player.rejoined", { gameId: rec.gameId, userId: s.userId, mode: rec.mode });
      this.hooks.onRejoin?.("rejoined");
    }
    const everyoneHere = activeSeats(rec).every((i) => rec.seats[i]!.present);
    const seatsFull = rec.seats.every((x) => x !== null);
    if (rec.phase === "waiting" && seatsFull && everyoneHere) {
      this.broadcast({ type: "match_ready", players: playerInfos(rec) });
      this.beginCountdown(now, "start");
    } else if (rec.phase === "paused" && everyoneHere) {
      this.beginCountdown(now, "resume");
    }
    await this.save();
    await this.scheduleAlarm(now);
  }

  private async onSeatAway(seat: number, now: number): Promise<void> {
    if (!this.markSeatAway(seat, now)) return;
    // Checkpoint the exact state: a rejoin resumes the rally where it stopped.
    await this.save();
    await this.scheduleAlarm(now);
  }

  /** A seated player is gone: start their rejoin window, pause the match, tell everyone. */
  private markSeatAway(seat: number, now: number): boolean {
    const rec = this.rec!;
    const s = rec.seats[seat];
    if (!s || s.out || !s.present || rec.phase === "finished" || rec.phase === "abandoned") return false;
    s.present = false;
    // Leaving an open lobby that has not started costs the seat sooner: matchmaking must not pair
    // newcomers with an empty chair for the whole rejoin window.
    const lobby = rec.phase === "waiting" && !rec.reserved;
    const windowS = lobby ? Math.min(rec.config.rejoinTimeoutS, rec.config.lobbyGraceS ?? 10) : rec.config.rejoinTimeoutS;
    s.rejoinDeadline = now + windowS * 1000;
    if (lobby && !this.anyonePresent()) rec.idleDeadline = now + rec.config.lobbyIdleS * 1000;
    if (rec.phase === "playing" || rec.phase === "countdown") {
      this.stopLoop();
      rec.phase = "paused";
      rec.countdown = null;
    }
    this.broadcast({
      type: "player_left",
      userId: s.userId,
      username: s.username,
      seat,
      rejoinDeadline: s.rejoinDeadline,
      rejoinInS: windowS,
    });
    logEvent("info", "player.left", { gameId: rec.gameId, userId: s.userId, mode: rec.mode });
    return true;
  }

  private async onDeadlineExpired(seat: number, now: number): Promise<void> {
    const rec = this.rec!;
    const s = rec.seats[seat]!;
    if (rec.phase === "waiting" && !rec.reserved) {
      // An open lobby simply frees the seat of a player who never came (or left) in time.
      await this.freeLobbySeat(seat, now);
      return;
    }
    this.hooks.onRejoin?.("expired");
    logEvent("info", "player.forfeited", { gameId: rec.gameId, userId: s.userId, mode: rec.mode });
    await this.removeFromMatch(seat, now, "timeout");
  }

  /**
   * Takes a seat out of the match (rejoin window expired, no-show, resignation). 2P: the other
   * player wins by forfeit. 4P: the side becomes a wall and play goes on; the last one left wins.
   */
  private async removeFromMatch(seat: number, now: number, why: "timeout" | "resigned"): Promise<void> {
    const rec = this.rec!;
    const s = rec.seats[seat];
    if (!s || s.out || rec.phase === "finished" || rec.phase === "abandoned") return;
    s.out = true;
    s.present = false;
    s.rejoinDeadline = null;
    for (const ws of this.socketsOf(s.userId)) {
      this.hooks.onSocketClose?.("out");
      this.markClosing(ws);
      ws.close(CloseCode.normal, why === "resigned" ? "resigned" : "rejoin window expired");
    }
    const remaining = activeSeats(rec);
    const anyPresent = remaining.some((i) => rec.seats[i]!.present);
    if (remaining.length === 0 || (!anyPresent && rec.mode === "2p")) {
      await this.abandon(now);
      return;
    }
    if (remaining.length === 1) {
      rec.game = declareWinner(rec.game, remaining[0]);
      await this.finish(now, "forfeit");
      return;
    }
    // 4P with several players left.
    rec.game = eliminateSeat(rec.game, seat);
    this.broadcast({ type: "player_out", userId: s.userId, username: s.username, seat, side: s.side, tick: rec.game.tick, digest: stateDigest(rec.game) });
    if (!anyPresent) {
      await this.abandon(now);
      return;
    }
    if (rec.phase === "paused" && remaining.every((i) => rec.seats[i]!.present)) this.beginCountdown(now, "resume");
    await this.save();
  }

  private beginCountdown(now: number, reason: "start" | "resume"): void {
    const rec = this.rec!;
    const n = rec.config.countdownS;
    if (n <= 0) {
      rec.countdown = null;
      this.startPlaying(now, reason === "resume");
      return;
    }
    rec.phase = "countdown";
    rec.countdown = { endsAt: now + n * 1000, reason, lastSent: n };
    this.broadcast({ type: "countdown", n, reason });
  }

  /** Alarm-driven countdown: one alarm per second, then the match starts. */
  private async advanceCountdown(now: number): Promise<void> {
    const rec = this.rec!;
    const cd = rec.countdown;
    if (!cd) return;
    const left = Math.ceil((cd.endsAt - now) / 1000);
    if (left <= 0) {
      rec.countdown = null;
      this.startPlaying(now, cd.reason === "resume");
      await this.save();
      return;
    }
    if (left < cd.lastSent) {
      cd.lastSent = left;
      this.broadcast({ type: "countdown", n: left, reason: cd.reason });
    }
  }

  private startPlaying(now: number, resumed: boolean): void {
    const rec = this.rec!;
    rec.phase = "playing";
    if (rec.startedAt === null) {
      rec.startedAt = now;
      logEvent("info", "game.started", { gameId: rec.gameId, mode: rec.mode, tournamentId: rec.tournament?.tournamentId });
      this.hooks.onGameStarted?.(rec.mode);
    }
    this.broadcast({ type: "game_started", tick: rec.game.tick, t0: now, resumed, digest: stateDigest(rec.game) });
    this.startLoop(now);
  }

  // ------------------------------------------------------------------ the tick loop

  private startLoop(now: number): void {
    const rec = this.rec!;
    this.stopLoop();
    this.clock = new FixedRateClock(rec.config.tickHz, now);
    const nextAt = () => this.clock!.nextTickAt;
    this.driver =
      rec.config.driver === "alarm"
        ? new AlarmTickDriver(nextAt)
        : new TimerTickDriver(nextAt, () => this.safeRunDueTicks(Date.now()), () => Date.now());
    this.driver.start(now);
    this.lastView = null; // next snapshot is a keyframe
  }

  private stopLoop(): void {
    this.driver?.stop();
    this.driver = null;
    this.clock = null;
  }

  /** The timer driver's entry: an exception must not escape a timer callback and kill the loop. */
  private safeRunDueTicks(now: number): void {
    try {
      this.runDueTicks(now);
    } catch (err) {
      if (!this.tickErrorLogged) logEvent("error", "game.tick_failed", { gameId: this.rec?.gameId, error: err });
      this.tickErrorLogged = true;
    }
    // The timer driver's watchdog alarm never fires while the loop is alive (each tick pushes it
    // on), so silent sockets are looked for from here too; the check itself is once a second.
    if (this.rec?.phase === "playing" && now - this.lastReapAt >= 1_000) {
      this.reapSilentSockets(now).catch((err) => logEvent("error", "game.reap_failed", { gameId: this.rec?.gameId, error: err }));
    }
  }

  /** Runs every tick that is due at `now`: the hot path. Nothing a client sent can throw here. */
  private runDueTicks(now: number): void {
    const rec = this.rec;
    const clock = this.clock;
    if (!rec || !clock || rec.phase !== "playing") return;
    const due = clock.due(now);
    if (due.steps === 0) return;
    this.stats.recordWake(due.latenessMs, due.steps, due.skipped);
    this.hooks.onTick?.(due.latenessMs, due.skipped);
    const events = this.events;
    let checkpoint = false;
    let over = false;
    for (let i = 0; i < due.steps && !over; i++) {
      events.length = 0;
      stepInPlace(rec.game, undefined, events);
      for (const ev of events) {
        if (ev.type === "point") {
          checkpoint = true;
          this.broadcast({ type: "point", scorer: ev.scorer, side: ev.side, scores: [...rec.game.scores], tick: rec.game.tick, digest: stateDigest(rec.game) });
        } else if (ev.type === "game_over") {
          over = true;
        }
      }
      // Every snapshotEvery ticks, and on the first tick after an input was applied (its ack goes
      // out then; the cadence restarts from that snapshot).
      const last = this.lastView;
      if (over || this.ackPending || last === null || rec.game.tick - last.tick >= rec.config.snapshotEvery) this.broadcastSnapshot();
    }
    if (over) {
      this.finish(now, "normal").catch((err) => logEvent("error", "game.finish_failed", { gameId: rec.gameId, error: err }));
    } else if (checkpoint) {
      this.save().catch((err) => logEvent("error", "game.checkpoint_failed", { gameId: rec.gameId, error: err }));
    }
    if (this.driver?.kind === "alarm" && !over) {
      this.scheduleAlarm(now).catch((err) => logEvent("error", "game.alarm_failed", { gameId: rec.gameId, error: err }));
    } else if (this.driver?.kind === "timer" && !over) {
      this.maybeRearmWatchdog(now);
    }
  }

  private broadcastSnapshot(): void {
    const rec = this.rec!;
    const view = viewInto(this.spareView, rec.game, rec.acks);
    const keyframe = this.lastView === null || this.snapshotsSent % KEYFRAME_EVERY === 0;
    const bytes = encodeSnapshot(view, keyframe ? null : this.lastView);
    this.spareView = this.lastView;
    this.lastView = view;
    this.ackPending = false;
    this.snapshotsSent++;
    // Serialized once; the same bytes go to every socket.
    const sockets = this.liveSockets();
    const sent = sockets.length;
    for (const ws of sockets) {
      try {
        ws.send(bytes);
      } catch {
        // A socket closing under us: its close handler deals with it.
      }
    }
    this.stats.snapshots++;
    this.stats.framesOut += sent;
    this.stats.bytesOut += bytes.byteLength * sent;
    this.hooks.onSent?.(bytes.byteLength, sent, "snapshot");
  }

  // ------------------------------------------------------------------ the end

  /** Ends the match exactly once: persist, announce, close, then record (retried by alarm). */
  private async finish(now: number, reason: "normal" | "forfeit"): Promise<void> {
    const rec = this.rec!;
    if (rec.phase === "finished" || rec.phase === "abandoned") return;
    this.stopLoop();
    rec.phase = "finished";
    rec.countdown = null;
    this.clearDeadlines();
    rec.endedAt = now;
    rec.cleanupAt = now + rec.config.cleanupGraceS * 1000;
    const winnerSeat = rec.game.winner >= 0 ? rec.game.winner : null;
    rec.result = { winnerSeat, scores: [...rec.game.scores], reason };
    await this.save(); // persisted before anyone hears of it: a second alarm sees "finished"
    this.broadcastSnapshot();
    this.broadcast(this.gameOverMessage(rec.result));
    for (const ws of this.ctx.getWebSockets()) {
      this.hooks.onSocketClose?.("game_over");
      this.markClosing(ws);
      ws.close(CloseCode.normal, "game over");
    }
    logEvent("info", "game.over", {
      gameId: rec.gameId,
      mode: rec.mode,
      reason,
      durationMs: rec.startedAt ? now - rec.startedAt : 0,
      tournamentId: rec.tournament?.tournamentId,
    });
    this.hooks.onGameOver?.(rec.mode, reason, rec.startedAt ? (now - rec.startedAt) / 1000 : 0);
    await this.completeAfterGame(now);
    await this.scheduleAlarm(now);
  }

  private async abandon(now: number): Promise<void> {
    const rec = this.rec!;
    if (rec.phase === "finished" || rec.phase === "abandoned") return;
    const started = rec.startedAt !== null;
    this.stopLoop();
    rec.phase = "abandoned";
    rec.countdown = null;
    this.clearDeadlines();
    rec.endedAt = now;
    rec.cleanupAt = now + rec.config.cleanupGraceS * 1000;
    rec.result = { winnerSeat: null, scores: [...rec.game.scores], reason: "abandoned" };
    rec.recorded = true; // nothing to record in D1 for an abandoned game
    await this.save();
    if (started) this.broadcast(this.gameOverMessage(rec.result));
    for (const ws of this.ctx.getWebSockets()) {
      this.hooks.onSocketClose?.("game_over");
      this.markClosing(ws);
      ws.close(CloseCode.normal, "game abandoned");
    }
    logEvent("info", "game.abandoned", { gameId: rec.gameId, mode: rec.mode, tournamentId: rec.tournament?.tournamentId });
    this.hooks.onGameOver?.(rec.mode, "abandoned", rec.startedAt ? (now - rec.startedAt) / 1000 : 0);
    await this.completeAfterGame(now);
    await this.scheduleAlarm(now);
  }

  /** D1 row and tournament report, each exactly once; failures are retried by the alarm. */
  private async completeAfterGame(now: number): Promise<void> {
    const rec = this.rec!;
    if (!rec.result) return;
    let changed = false;
    if (!rec.recorded && this.hooks.recordResult) {
      try {
        await this.hooks.recordResult(rec);
        rec.recorded = true;
        changed = true;
      } catch (err) {
        logEvent("error", "game.record_failed", { gameId: rec.gameId, error: err });
        // A row D1 can never take (e.g. an account deleted meanwhile) is not retried forever.
        if (err instanceof RecordMatchError) {
          rec.recorded = true;
          changed = true;
        }
      }
    } else if (!rec.recorded) {
      rec.recorded = true;
      changed = true;
    }
    if (!rec.reported && rec.tournament && this.hooks.reportResult) {
      try {
        await this.hooks.reportResult(rec);
        rec.reported = true;
        changed = true;
      } catch (err) {
        logEvent("error", "game.report_failed", { gameId: rec.gameId, error: err });
      }
    }
    if (changed) await this.save();
    void now;
  }

  private async cleanup(): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) {
      this.hooks.onSocketClose?.("game_over");
      this.markClosing(ws);
      ws.close(CloseCode.gameGone, "game closed");
    }
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.rec = null;
    this.alarmAt = null;
  }

  // ------------------------------------------------------------------ scheduling

  /** Arms the one alarm for the earliest thing that must happen (deadlines, countdown, ticks, watchdog). */
  private async scheduleAlarm(now: number): Promise<void> {
    const rec = this.rec;
    if (!rec) return;
    let at = Infinity;
    if (!this.ended()) for (const s of rec.seats) if (s && !s.present && !s.out && s.rejoinDeadline !== null) at = Math.min(at, s.rejoinDeadline);
    if (rec.phase === "waiting" && rec.idleDeadline !== null && !this.anyonePresent()) at = Math.min(at, rec.idleDeadline);
    if (rec.phase === "countdown" && rec.countdown) {
      const nextSecond = rec.countdown.endsAt - (rec.countdown.lastSent - 1) * 1000;
      at = Math.min(at, Math.max(now, nextSecond));
    }
    if (rec.phase === "playing" && this.driver) {
      const wanted = this.driver.alarmWanted(now);
      if (wanted !== null) {
        // The timer driver's watchdog only needs re-arming when it is about to fire.
        if (this.driver.kind === "timer" && this.alarmAt !== null && this.alarmAt > now + 1_000 && this.alarmAt <= wanted) return;
        at = Math.min(at, wanted);
      }
    }
    if (rec.phase === "finished" || rec.phase === "abandoned") {
      at = Math.min(at, !rec.recorded || (rec.tournament && !rec.reported) ? now + 2_000 : (rec.cleanupAt ?? now));
    }
    if (at === Infinity) {
      if (this.alarmAt !== null) {
        await this.ctx.storage.deleteAlarm();
        this.alarmAt = null;
      }
      return;
    }
    if (this.alarmAt === at) return;
    this.alarmAt = at;
    this.stats.setAlarms++;
    this.stats.storageWrites++;
    await this.ctx.storage.setAlarm(at);
  }

  private maybeRearmWatchdog(now: number): void {
    if (this.alarmAt === null || this.alarmAt < now + 2_000) {
      this.scheduleAlarm(now).catch((err) => logEvent("error", "game.alarm_failed", { gameId: this.rec?.gameId, error: err }));
    }
  }

  // ------------------------------------------------------------------ helpers

  /**
   * A player whose client has been sending heartbeats (`ping`, answered by the runtime) and has
   * gone silent is treated as gone, even if no close ever reaches us (a dead network path).
   * Checked from the tick loop, at most once a second; clients that never ping are not judged.
   */
  private async reapSilentSockets(now: number): Promise<void> {
    if (now - this.lastReapAt < 1_000) return;
    this.lastReapAt = now;
    const limitMs = (this.rec!.config.heartbeatTimeoutS ?? 6) * 1000;
    for (const ws of this.ctx.getWebSockets("player")) {
      const last = this.ctx.getWebSocketAutoResponseTimestamp(ws);
      if (last === null || now - last.getTime() <= limitMs) continue;
      this.markClosing(ws);
      this.hooks.onSocketClose?.("heartbeat");
      try {
        ws.close(CloseCode.heartbeatTimeout, "heartbeat timeout");
      } catch {
        // already closing
      }
      await this.onSocketGone(ws);
    }
  }

  /** After a restart, seats marked present whose sockets are gone are treated as just disconnected. */
  private reconcilePresence(now: number): boolean {
    const rec = this.rec!;
    let changed = false;
    rec.seats.forEach((s, seat) => {
      if (!s || !s.present) return;
      const hasSocket = this.socketsOf(s.userId).some((ws) => (ws.deserializeAttachment() as SocketAttachment | null)?.seat === seat);
      if (!hasSocket && this.markSeatAway(seat, now)) changed = true;
    });
    return changed;
  }

  private ended(): boolean {
    const phase = this.rec?.phase;
    return phase === "finished" || phase === "abandoned";
  }

  /** At the end no seat waits for anyone any more: no deadline may wake the object again. */
  private clearDeadlines(): void {
    for (const s of this.rec!.seats) if (s) s.rejoinDeadline = null;
  }

  private anyonePresent(): boolean {
    return this.rec!.seats.some((s) => s?.present);
  }

  private seatOf(userId: string): number {
    return this.rec ? this.rec.seats.findIndex((s) => s?.userId === userId) : -1;
  }

  private socketsOf(userId: string): WebSocket[] {
    return this.ctx.getWebSockets(`user:${userId}`);
  }

  private welcome(att: SocketAttachment): ServerMessage {
    const rec = this.rec!;
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
        ack: att.seat >= 0 ? (rec.acks[att.seat] ?? -1) : -1,
      },
      players: playerInfos(rec),
      config: {
        engine: rec.game.config,
        tickHz: rec.config.tickHz,
        maxLeadTicks: MAX_INPUT_LEAD_TICKS,
        snapshotHz: rec.config.tickHz / rec.config.snapshotEvery,
        rejoinTimeoutS: rec.config.rejoinTimeoutS,
        countdownS: rec.config.countdownS,
      },
      protocol: PROTOCOL_VERSION,
      tick: rec.game.tick,
      serverTime: Date.now(),
      tournamentId: rec.tournament?.tournamentId ?? null,
    };
  }

  private gameOverMessage(result: GameResult): GameOverMsg {
    const rec = this.rec!;
    const w = result.winnerSeat !== null ? rec.seats[result.winnerSeat] : null;
    return {
      type: "game_over",
      winner: w && result.winnerSeat !== null ? { seat: result.winnerSeat, userId: w.userId, username: w.username } : null,
      scores: result.scores,
      reason: result.reason,
      players: playerInfos(rec),
      tick: rec.game.tick,
      digest: stateDigest(rec.game),
    };
  }

  private send(ws: WebSocket, msg: ServerMessage): void {
    const text = JSON.stringify(msg);
    try {
      ws.send(text);
    } catch {
      // closing socket
    }
    this.stats.framesOut++;
    this.stats.bytesOut += text.length;
    this.hooks.onSent?.(text.length, 1, "json");
  }

  /** The accepted sockets, read from the runtime again after any open, close or loss (see socketList). */
  private liveSockets(): WebSocket[] {
    return (this.socketList ??= this.ctx.getWebSockets());
  }

  /** A socket we are about to close: its late frames are ignored; the socket list is read again. */
  private markClosing(ws: WebSocket): void {
    this.closing.add(ws);
    this.socketList = null;
  }

  private sendError(ws: WebSocket, code: ErrorCode, message: string): void {
    this.send(ws, { type: "error", code, message });
  }

  private broadcast(msg: ServerMessage): void {
    const text = JSON.stringify(msg);
    const sockets = this.liveSockets();
    for (const ws of sockets) {
      try {
        ws.send(text);
      } catch {
        // closing socket
      }
    }
    this.stats.framesOut += sockets.length;
    this.stats.bytesOut += text.length * sockets.length;
    this.hooks.onSent?.(text.length, sockets.length, "json");
  }

  private async save(): Promise<void> {
    const rec = this.rec;
    if (!rec) return;
    this.stats.storageWrites++;
    await this.ctx.storage.put(RECORD_KEY, { ...rec, game: serializeGame(rec.game) });
    this.hooks.onSaved?.(rec);
  }

  /** Loop timing and billable units of this instance (benchmarks, cost accounting). */
  async loopStats(): Promise<LoopStatsSnapshot & { gameId: string | null; phase: SessionPhase | null; driver: string | null }> {
    return { ...this.stats.snapshot(), gameId: this.rec?.gameId ?? null, phase: this.rec?.phase ?? null, driver: this.rec?.config.driver ?? null };
  }

  /** Test helper: the live engine state. */
  async debugState(): Promise<{ rec: SessionRecord | null; running: boolean; alarmAt: number | null }> {
    return { rec: this.rec, running: this.driver?.running ?? false, alarmAt: this.alarmAt };
  }
}

export type { GameState };
