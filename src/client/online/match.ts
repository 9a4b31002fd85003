/**
 * One online game as this browser sees it: the game socket (reconnecting) and the session state
 * for the UI (players, countdown, away players, result). The simulation itself - rollback on the
 * shared timeline, clock sync, lead, smoothing - is NetPlay's (netplay.ts). Framework-free: the
 * screen subscribes to `MatchInfo` changes (rare: phase, players, scores, banners) and calls
 * `frame(now)` from requestAnimationFrame to get the GameState to draw.
 */
import { createGame } from "../../shared/engine";
import type { Dir, GameState } from "../../shared/engine/types";
import { CloseCode } from "../../shared/protocol/limits";
import {
  encodeClientMessage,
  type ClientMessage,
  parseServerMessage,
  type GameOverMsg,
  type PlayerInfo,
  type ServerMessage,
  type SessionPhase,
  type WelcomeMsg,
} from "../../shared/protocol/messages";
import { decodeRelay, RelayDecodeError } from "../../shared/protocol/relay";
import { callAttention } from "../attention";
import { dismissNotice, showNotice } from "../notices";
import { onlineApi } from "./api";
import { forgetLiveMatch, rememberLiveMatch } from "./live-match";
import { NetPlay, type FrameTrace, type NetStats } from "./netplay";
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
  /** The simulation, once the first `welcome` has come (it survives reconnects). */
  net: NetPlay | null = null;
  private readonly socket: ReconnectingSocket;
  private readonly listeners = new Set<(info: MatchInfo) => void>();
  private welcomed = 0;
  private idle: GameState | null = null;
  private leaving = false;

  constructor(readonly gameId: string) {
    this.socket = new ReconnectingSocket(`/ws/game/${encodeURIComponent(gameId)}`, {
      onOpen: () => this.update({ conn: "open" }),
      onText: (text) => this.onMessage(parseServerMessage(text)),
      onBinary: (data) => this.onBinary(data),
      onClose: (code, reason, opened) => this.onClose(code, reason, opened),
    }, GAME_PING_MS, GAME_PONG_TIMEOUT_MS);
  }

  start(): void {
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

  /** Resign a running match (the protocol's `resign`): the server takes the seat out and closes with "resigned". */
  resign(): void {
    if (this.seat < 0 || this.info.gameOver || this.info.conn !== "open") return;
    this.send({ type: "resign" });
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
   * The local player now holds `dir` (field direction). A stamped input goes out when it changed
   * (NetPlay: at most one per tick).
   */
  steer(dir: Dir, now: number): void {
    if (!this.net || this.seat < 0 || this.info.phase === "finished" || this.info.phase === "waiting" || this.info.conn !== "open") return;
    this.net.steer(dir, now);
  }

  private send(msg: ClientMessage): void {
    this.socket.send(encodeClientMessage(msg));
    if (msg.type !== "input") return;
    try {
      localStorage.setItem(SEQ_KEY + this.gameId, String(msg.seq));
    } catch {
      /* storage unavailable: the server's ack still guides the next page */
    }
  }

  // ------------------------------------------------------------------ socket

  private onMessage(msg: ServerMessage | null): void {
    if (!msg) return;
    const now = performance.now();
    this.socket.healthy();
    const net = this.net;
    switch (msg.type) {
      case "welcome":
        this.onWelcome(msg, now);
        break;
      case "sync":
        if (!net) break;
        net.onSync(msg);
        this.update({ scores: net.state ? [...net.state.scores] : this.info.scores });
        break;
      case "time":
        net?.onTime(msg.c, msg.s, now);
        break;
      case "input_moved":
        net?.onInputMoved(msg, now);
        break;
      case "input_refused":
        net?.onInputRefused(msg, now);
        break;
      case "seat_taken": // a seat given, its player not connected yet
      case "player_joined": {
        const others = this.info.players.filter((p) => p.seat !== msg.player.seat);
        this.update({ players: [...others, msg.player].sort((a, b) => a.seat - b.seat) });
        break;
      }
      case "seat_freed":
        this.update({ players: this.info.players.filter((p) => p.seat !== msg.seat) });
        break;
      case "match_ready":
        // The lobby filled: call a player who is looking at another tab back.
        if (this.seat >= 0 && this.info.phase === "waiting") callAttention("Your match is starting", `pong-game-${this.gameId}`);
        this.update({ players: msg.players });
        break;
      case "countdown":
        this.update({ phase: "countdown", countdown: { n: msg.n, reason: msg.reason } });
        break;
      case "game_started":
        net?.onGameStarted(msg, now);
        this.update({ phase: "playing", countdown: null });
        break;
      case "paused":
        net?.onPaused(msg, now);
        if (this.info.phase === "playing") this.update({ phase: "paused", countdown: null });
        break;
      case "player_left":
        net?.halt();
        this.setPlayer(msg.seat, { present: false, rejoinDeadline: msg.rejoinDeadline });
        if (this.info.phase !== "waiting") this.update({ phase: "paused", countdown: null });
        break;
      case "player_rejoined":
        this.setPlayer(msg.seat, { present: true, rejoinDeadline: null });
        break;
      case "player_out":
        net?.onPlayerOut(msg, now);
        this.setPlayer(msg.seat, { present: false, out: true, rejoinDeadline: null });
        break;
      case "point":
        net?.onPoint(msg, now);
        this.update({ scores: msg.scores });
        break;
      case "game_over":
        net?.onGameOver(msg, now);
        forgetLiveMatch(this.gameId);
        this.update({ phase: "finished", gameOver: msg, scores: msg.scores, players: msg.players, countdown: null });
        break;
      case "error":
        console.warn(`server: ${msg.code}: ${msg.message}`);
        break;
    }
  }

  private onWelcome(msg: WelcomeMsg, now: number): void {
    const rejoin = this.welcomed++ > 0;
    if (!this.net) {
      // Continue above what the server already applied (welcome carries it; the stored seq
      // covers inputs sent but not yet acknowledged when the page went away).
      const firstSeq = msg.you.role === "player" ? Math.max(storedSeq(msg.gameId), msg.you.ack) + 1 : 0;
      this.net = new NetPlay(msg, (m) => this.send(m), now, firstSeq);
      this.idle = createGame(msg.config.engine, 0);
      const w = window as { __pongNet?: NetStats; __pongTrace?: boolean | FrameTrace[] };
      w.__pongNet = this.net.stats;
      // Tracing was asked for (true) or was on for an earlier match on this page: trace this one.
      if (w.__pongTrace === true || Array.isArray(w.__pongTrace)) w.__pongTrace = this.net.trace = [];
    } else this.net.reconnected(msg, now);
    if (rejoin) {
      dismissNotice("game-net");
      showNotice("game-net-back", "info", "Reconnected.", 2500);
    }
    if (msg.you.role === "player" && msg.phase !== "finished" && msg.phase !== "abandoned") rememberLiveMatch(this.gameId, msg.you.userId);
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

  /** The binary frames: another seat's input, or a digest check. */
  private onBinary(data: ArrayBuffer): void {
    this.socket.healthy();
    try {
      this.net?.onRelay(decodeRelay(data), performance.now());
    } catch (err) {
      if (err instanceof RelayDecodeError) console.warn("server:", err.message);
      else throw err;
    }
  }

  private onClose(code: number, reason: string, opened: boolean): boolean {
    // The server pauses the match when this socket goes; the next welcome/sync says where it is.
    this.net?.halt();
    if (this.leaving || this.info.gameOver) {
      this.update({ conn: "ended" });
      return false;
    }
    const end = (kind: MatchEnd["kind"], message: string) => {
      dismissNotice("game-net");
      if (kind === "out" || kind === "expired" || kind === "gone") forgetLiveMatch(this.gameId);
      this.update({ conn: "ended", end: { kind, message }, reconnectDeadline: null });
      return false;
    };
    if (code === CloseCode.replaced) return end("replaced", "This game was opened in another tab or window. Play on there.");
    if (code === CloseCode.gameGone) return end("gone", "This game no longer exists.");
    if (code === CloseCode.policyViolation || code === CloseCode.tooLarge) return end("error", "The server closed the connection (protocol error).");
    if (code === CloseCode.normal && opened) {
      if (reason.includes("expired")) return end("expired", "You were away longer than the rejoin window: you forfeited this match.");
      if (reason.includes("resign")) return end("out", "You resigned: the match is forfeited.");
      return end("left", "You left this game.");
    }
    // Unexpected: reconnect inside the rejoin window.
    const w = this.info.welcome;
    const now = Date.now();
    let deadline = this.info.reconnectDeadline;
    if (deadline === null && w && w.you.role === "player" && w.phase !== "finished") deadline = now + w.config.rejoinTimeoutS * 1000;
    if (deadline !== null && now > deadline) return end("expired", "Could not reconnect before the rejoin window ran out: you forfeited this match.");
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

  /** The state to draw at `now` (performance.now()): the simulation, smoothed. */
  frame(now: number): GameState | null {
    if (!this.info.welcome || !this.idle) return null;
    return this.net?.frame(now) ?? { ...this.idle, paddles: this.idle.paddles.map((q) => ({ ...q })) };
  }
}
