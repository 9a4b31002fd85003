/**
 * One online game as this browser sees it: the game socket (reconnecting), the session state for
 * the UI (players, countdown, away players, result), the local paddle's prediction and the
 * interpolation buffer for everything else. Framework-free: the screen subscribes to `MatchInfo`
 * changes (rare: phase, players, scores, banners) and calls `frame(now)` from requestAnimationFrame
 * to get the GameState to draw.
 */
import { createGame, sideOfSeat } from "../../shared/engine";
import type { Dir, GameState } from "../../shared/engine/types";
import { InterpolationBuffer, PaddlePredictor } from "../../shared/net";
import { CloseCode } from "../../shared/protocol/limits";
import {
  parseServerMessage,
  type GameOverMsg,
  type InputMsg,
  type PlayerInfo,
  type ServerMessage,
  type SessionPhase,
  type WelcomeMsg,
} from "../../shared/protocol/messages";
import { decodeSnapshot, SnapshotDecodeError, type SnapshotView } from "../../shared/protocol/snapshot";
import { dismissNotice, showNotice } from "../notices";
import { onlineApi } from "./api";
import { ReconnectingSocket } from "./socket";

export type ConnState = "connecting" | "open" | "reconnecting" | "ended";

export interface MatchEnd {
  kind: "replaced" | "gone" | "out" | "left" | "expired" | "error";
  message: string;
}

export interface MatchInfo {
  conn: ConnState;
  welcome: WelcomeMsg | null;
  phase: SessionPhase;
  players: PlayerInfo[];
  countdown: { n: number; reason: "start" | "resume" } | null;
  scores: number[];
  /** Epoch ms until which this player may still come back (while reconnecting), else null. */
  reconnectDeadline: number | null;
  gameOver: GameOverMsg | null;
  /** Why the connection ended without a result (replaced by another tab, game gone…). */
  end: MatchEnd | null;
}

/** Netcode counters, readable by tests and the curious as `window.__pongNet` while a game is open. */
export interface NetStats {
  snapshots: number;
  inputs: number;
  /** Snapshots that moved the predicted paddle, and those whose correction was snapped. */
  corrections: number;
  snaps: number;
  maxCorrection: number;
  frames: number;
  /** Frames drawn past the newest snapshot (a late snapshot). */
  extrapolatedFrames: number;
  delayMs: number;
  jitterMs: number;
}

const STALL_MS = 1500;
/**
 * The game socket's heartbeat. The server treats a player silent for 6 s as gone and pauses the
 * match, so a ping every 2 s lets two go missing before that; the runtime answers them without
 * waking the game object. A pong 3 s late means this side's line is dead: reconnect.
 */
const GAME_PING_MS = 2000;
const GAME_PONG_TIMEOUT_MS = 3000;
const SEQ_KEY = "pong.seq.";

function storedSeq(gameId: string): number {
  try {
    return Number(localStorage.getItem(SEQ_KEY + gameId)) || 0;
  } catch {
    return 0;
  }
}

export class OnlineMatch {
  info: MatchInfo = {
    conn: "connecting",
    welcome: null,
    phase: "waiting",
    players: [],
    countdown: null,
    scores: [],
    reconnectDeadline: null,
    gameOver: null,
    end: null,
  };
  predictor: PaddlePredictor | null = null;
  readonly stats: NetStats = { snapshots: 0, inputs: 0, corrections: 0, snaps: 0, maxCorrection: 0, frames: 0, extrapolatedFrames: 0, delayMs: 0, jitterMs: 0 };
  private buffer: InterpolationBuffer | null = null;
  private readonly socket: ReconnectingSocket;
  private readonly listeners = new Set<(info: MatchInfo) => void>();
  private lastView: SnapshotView | null = null;
  private lastMessageAt = 0;
  private welcomed = 0;
  /** Wall clock of the local tick count while the simulation runs (null while it stands). */
  private clock: { t0: number; tick0: number } | null = null;
  private tickMs = 1000 / 60;
  private idle: GameState | null = null;
  private leaving = false;
  /** The predictor has been placed from a snapshot. */
  private synced = false;

  constructor(readonly gameId: string) {
    this.socket = new ReconnectingSocket(`/ws/game/${encodeURIComponent(gameId)}`, {
      onOpen: () => this.update({ conn: "open" }),
      onText: (text) => this.onMessage(parseServerMessage(text)),
      onBinary: (data) => this.onSnapshot(data),
      onClose: (code, reason, opened) => this.onClose(code, reason, opened),
    }, GAME_PING_MS, GAME_PONG_TIMEOUT_MS);
  }

  start(): void {
    (window as { __pongNet?: NetStats }).__pongNet = this.stats;
    this.socket.start();
  }

  /** Leaves the screen: the socket closes (the server starts this seat's rejoin window). */
  dispose(): void {
    this.leaving = true;
    this.socket.stop(1000, "left the page");
    this.listeners.clear();
    dismissNotice("game-net");
  }

  /** Cancel while waiting: give the seat back, then close. */
  async cancel(): Promise<boolean> {
    this.leaving = true;
    const result = await onlineApi.cancel();
    if (!result.ok) {
      this.leaving = false;
      return false;
    }
    this.socket.stop(1000, "cancelled");
    return true;
  }

  subscribe(listener: (info: MatchInfo) => void): () => void {
    this.listeners.add(listener);
    listener(this.info);
    return () => void this.listeners.delete(listener);
  }

  get seat(): number {
    const w = this.info.welcome;
    return w && w.you.role === "player" ? w.you.seat : -1;
  }

  private update(patch: Partial<MatchInfo>): void {
    this.info = { ...this.info, ...patch };
    for (const listener of this.listeners) listener(this.info);
  }

  private setPlayer(seat: number, patch: Partial<PlayerInfo>): void {
    this.update({ players: this.info.players.map((p) => (p.seat === seat ? { ...p, ...patch } : p)) });
  }

  // ------------------------------------------------------------------ input

  /**
   * The local player now holds `dir` (field direction). Sends an input when it changed; at most
   * one per local tick (the server allows 60/s), a change within the same tick waits for the next.
   */
  steer(dir: Dir, now: number): void {
    const p = this.predictor;
    if (!p || this.seat < 0 || this.info.phase === "finished" || this.info.conn !== "open") return;
    this.advance(now);
    if (dir !== p.dir && p.unacked.length && p.unacked[p.unacked.length - 1].tick > p.tick && this.clock) return;
    this.send(p.setDir(dir));
  }

  private send(msg: InputMsg | null): void {
    if (!msg) return;
    this.stats.inputs++;
    this.socket.send(JSON.stringify(msg));
    try {
      localStorage.setItem(SEQ_KEY + this.gameId, String(msg.seq));
    } catch {
      /* storage unavailable: the server's ack still guides the next page */
    }
  }

  /** Steps the prediction to the wall clock while the simulation runs. */
  private advance(now: number): void {
    const p = this.predictor;
    if (!p || !this.clock) return;
    const target = this.clock.tick0 + Math.floor((now - this.clock.t0) / this.tickMs);
    let steps = target - p.tick;
    if (steps > 600) {
      // Asleep for ages (background tab): the paddle is long at rest or at a wall.
      p.resetTiming(target - 600);
      steps = 600;
    }
    for (let i = 0; i < steps; i++) p.step();
  }

  private run(tick: number, now: number): void {
    this.clock = { t0: now, tick0: tick };
    this.predictor?.resetTiming(tick);
    this.buffer?.resetClock();
  }

  private halt(): void {
    this.clock = null;
    this.predictor?.resetTiming();
    this.buffer?.resetClock();
  }

  // ------------------------------------------------------------------ socket

  private onMessage(msg: ServerMessage | null): void {
    if (!msg) return;
    const now = performance.now();
    this.lastMessageAt = now;
    this.socket.healthy();
    switch (msg.type) {
      case "welcome":
        this.onWelcome(msg, now);
        break;
      case "player_joined": {
        const others = this.info.players.filter((p) => p.seat !== msg.player.seat);
        this.update({ players: [...others, msg.player].sort((a, b) => a.seat - b.seat) });
        break;
      }
      case "seat_freed":
        this.update({ players: this.info.players.filter((p) => p.seat !== msg.seat) });
        break;
      case "match_ready":
        this.update({ players: msg.players });
        break;
      case "countdown":
        if (this.info.phase === "playing") this.halt();
        this.update({ phase: "countdown", countdown: { n: msg.n, reason: msg.reason } });
        break;
      case "game_started":
        this.run(msg.tick, now);
        this.update({ phase: "playing", countdown: null });
        break;
      case "player_left":
        this.halt();
        this.setPlayer(msg.seat, { present: false, rejoinDeadline: msg.rejoinDeadline });
        if (this.info.phase !== "waiting") this.update({ phase: "paused", countdown: null });
        break;
      case "player_rejoined":
        this.setPlayer(msg.seat, { present: true, rejoinDeadline: null });
        break;
      case "player_out":
        this.setPlayer(msg.seat, { present: false, out: true, rejoinDeadline: null });
        break;
      case "point":
        this.update({ scores: msg.scores });
        break;
      case "game_over":
        this.clock = null;
        this.update({ phase: "finished", gameOver: msg, scores: msg.scores, players: msg.players, countdown: null });
        break;
      case "error":
        if (msg.code === "rate_limited") console.warn("server:", msg.message);
        break;
    }
  }

  private onWelcome(msg: WelcomeMsg, now: number): void {
    const rejoin = this.welcomed++ > 0;
    const cfg = msg.config;
    this.tickMs = 1000 / cfg.tickHz;
    if (!this.buffer) {
      this.buffer = new InterpolationBuffer({ config: cfg.engine, tickHz: cfg.tickHz, snapshotHz: cfg.snapshotHz });
      this.idle = createGame(cfg.engine, 0);
    }
    this.lastView = null; // a full snapshot follows; deltas before it cannot be decoded
    if (msg.you.role === "player" && msg.you.side) {
      if (!this.predictor) {
        // Continue above what the server already applied (welcome carries it; the stored seq
        // covers inputs sent but not yet acknowledged when the page went away).
        const firstSeq = Math.max(storedSeq(msg.gameId), msg.you.ack ?? -1) + 1;
        this.predictor = new PaddlePredictor({ config: cfg.engine, side: msg.you.side, firstSeq });
      } else if (rejoin) {
        // Inputs sent on the dead socket may never have arrived: hold the current direction again.
        this.send(this.predictor.resync());
      }
    }
    if (msg.phase === "playing") this.run(msg.tick, now);
    else this.halt();
    if (rejoin) {
      dismissNotice("game-net");
      showNotice("game-net-back", "info", "Reconnected.", 2500);
    }
    this.update({
      conn: "open",
      welcome: msg,
      phase: msg.phase,
      players: msg.players,
      scores: this.info.scores.length ? this.info.scores : this.idle!.scores.slice(),
      reconnectDeadline: null,
      countdown: null,
    });
  }

  private onSnapshot(data: ArrayBuffer): void {
    const now = performance.now();
    this.lastMessageAt = now;
    let view: SnapshotView;
    try {
      view = decodeSnapshot(data, this.lastView);
    } catch (err) {
      if (err instanceof SnapshotDecodeError) return; // wait for the next full snapshot
      throw err;
    }
    // The snapshot right after a welcome is the server's last broadcast, replayed: not on time.
    const catchUp = this.lastView === null;
    this.lastView = view;
    this.stats.snapshots++;
    this.buffer?.push(view, now, !catchUp);
    const seat = this.seat;
    const p = this.predictor;
    if (p && seat >= 0 && view.paddles[seat]) {
      const mine = view.paddles[seat];
      if (!this.synced) {
        // A fresh page (first load or back after closing the tab): start where the server is.
        this.synced = true;
        p.reset(mine.pos, p.dir);
      }
      const result = p.reconcile({ tick: view.tick, pos: mine.pos, dir: mine.dir, ack: view.acks[seat] });
      if (result.correction !== 0) {
        this.stats.corrections++;
        if (result.snapped) this.stats.snaps++;
        this.stats.maxCorrection = Math.max(this.stats.maxCorrection, Math.abs(result.correction));
      }
      this.send(result.resend);
    }
    if (view.scores.some((s, i) => s !== this.info.scores[i])) this.update({ scores: view.scores.slice() });
  }

  private onClose(code: number, reason: string, opened: boolean): boolean {
    this.halt();
    if (this.leaving || this.info.gameOver) {
      this.update({ conn: "ended" });
      return false;
    }
    const end = (kind: MatchEnd["kind"], message: string) => {
      dismissNotice("game-net");
      this.update({ conn: "ended", end: { kind, message }, reconnectDeadline: null });
      return false;
    };
    if (code === CloseCode.replaced) return end("replaced", "This game was opened in another tab or window. Play on there.");
    if (code === CloseCode.gameGone) return end("gone", "This game no longer exists.");
    if (code === CloseCode.policyViolation || code === CloseCode.tooLarge) return end("error", "The server closed the connection (protocol error).");
    if (code === CloseCode.normal && opened) {
      if (reason.includes("expired")) return end("expired", "You were away too long: you are out of this match.");
      if (reason.includes("resign")) return end("out", "You resigned.");
      return end("left", "You left this game.");
    }
    // Unexpected: reconnect inside the rejoin window.
    const w = this.info.welcome;
    const now = Date.now();
    let deadline = this.info.reconnectDeadline;
    if (deadline === null && w && w.you.role === "player" && w.phase !== "finished") deadline = now + w.config.rejoinTimeoutS * 1000;
    if (deadline !== null && now > deadline) return end("expired", "Could not reconnect in time.");
    if (!opened) void this.checkGone();
    showNotice("game-net", "error", "Connection to the game lost. Reconnecting…", 0);
    this.update({ conn: "reconnecting", reconnectDeadline: deadline });
    return true;
  }

  /** After a failed reconnect: is the game still there at all? */
  private async checkGone(): Promise<void> {
    const result = await onlineApi.status(this.gameId);
    if (this.info.conn === "ended" || this.leaving) return;
    if (!result.ok && result.error.kind === "http") {
      this.socket.stop();
      dismissNotice("game-net");
      const message = result.error.status === 401 ? "Sign in to play online." : "This game no longer exists.";
      this.update({ conn: "ended", end: { kind: result.error.status === 401 ? "error" : "gone", message }, reconnectDeadline: null });
    } else if (result.ok && (result.data.phase === "finished" || result.data.phase === "abandoned") && this.seat < 0) {
      this.socket.stop();
      dismissNotice("game-net");
      this.update({ conn: "ended", end: { kind: "gone", message: "This game is over." }, reconnectDeadline: null });
    }
  }

  // ------------------------------------------------------------------ drawing

  /** The state to draw at `now` (performance.now()): interpolated world + predicted own paddle. */
  frame(now: number): GameState | null {
    const w = this.info.welcome;
    if (!w || !this.idle) return null;
    this.advance(now);
    // Snapshots stopped while the server should be running: check the line now.
    if (this.clock && now - this.lastMessageAt > STALL_MS) {
      this.socket.probe();
      this.lastMessageAt = now;
    }
    const f = this.buffer?.sample(now);
    if (f && this.clock) {
      this.stats.frames++;
      if (f.extrapolatedMs > 0) this.stats.extrapolatedFrames++;
      this.stats.delayMs = this.buffer!.delayMs;
      this.stats.jitterMs = this.buffer!.jitterMs;
    }
    const seat = this.seat;
    const p = this.predictor;
    const config = w.config.engine;
    const state: GameState = f
      ? {
          config,
          tick: Math.floor(f.tick),
          phase: f.base.phase,
          serveIn: f.base.serveIn,
          ball: { x: f.ball.x, y: f.ball.y, vx: f.base.ball.vx, vy: f.base.ball.vy, speed: 0 },
          paddles: f.base.paddles.map((q, i) => ({ side: sideOfSeat(config.mode, i), pos: f.paddles[i], dir: q.dir, active: q.active })),
          scores: f.base.scores,
          lastTouch: f.base.lastTouch,
          winner: f.base.winner,
          rng: 0,
        }
      : { ...this.idle, paddles: this.idle.paddles.map((q) => ({ ...q })) };
    for (const player of this.info.players) {
      const paddle = state.paddles[player.seat];
      if (paddle && player.out) paddle.active = false;
    }
    if (p && seat >= 0 && state.paddles[seat]?.active) state.paddles[seat].pos = p.displayPos;
    return state;
  }
}
