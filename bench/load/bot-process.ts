/**
 * A bot process of the load bench: plays its share of the matches over real WebSockets, each bot
 * seeing the game only through the server's binary snapshots (decodeSnapshot) and steering with the
 * shared AI (AiPlayer), sending `input` only when its held direction changes, with increasing seq.
 * It measures what a client sees: snapshot inter-arrival, input -> acknowledgement latency, bytes
 * (payload and what crossed its TCP socket), errors, closes and game_over counts.
 * Runs as a child process (forked by load.ts) so bots and server compete for the cores visibly.
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import type { Socket } from "node:net";
import WebSocket from "ws";
import { AiPlayer, type AiLevel } from "../../src/shared/ai";
import type { Dir, GameConfig, GameState, Side } from "../../src/shared/engine";
import { decodeSnapshot, SnapshotDecodeError, type SnapshotView } from "../../src/shared/protocol/snapshot";
import { Hist } from "./hist";
import type { BotSpec, BotsReport, FromBots, ToBots, WindowReport } from "./ipc";

const TICK_MS = 1000 / 60;
const SIDES: Record<string, Side[]> = { "2p": ["left", "right"], "4p": ["left", "right", "top", "bottom"] };

function send(msg: FromBots): void {
  process.send!(msg);
}

// ------------------------------------------------------------------ process-wide measurement

let measuring = false;
let windowStart = 0;
const gapHist = new Hist();
const ackHist = new Hist();
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
const win = {
  snapshots: 0,
  snapshotBytes: 0,
  textFrames: 0,
  textBytes: 0,
  upFrames: 0,
  upBytes: 0,
  frameHeaderDown: 0,
  frameHeaderUp: 0,
  inputsSent: 0,
};
const totals = {
  started: 0,
  decodeErrors: 0,
  wsErrors: 0,
  points: 0,
  unexpectedCloses: 0,
  closeCodes: {} as Record<string, number>,
  serverErrors: {} as Record<string, number>,
  connectFailures: [] as string[],
};
let ending = false;

const headerDown = (n: number) => (n < 126 ? 2 : n < 65536 ? 4 : 10);
const headerUp = (n: number) => headerDown(n) + 4;

// ------------------------------------------------------------------ one bot

class Bot {
  ws: WebSocket | null = null;
  private view: SnapshotView | null = null;
  private config: GameConfig | null = null;
  private state: GameState | null = null;
  private readonly ai: AiPlayer;
  private seq = 0;
  private dir: Dir = 0;
  private pendSeq: number[] = [];
  private pendAt: number[] = [];
  private pendHead = 0;
  private lastSnapAt = -1;
  private lastDecided = -1;
  started = false;
  gameOvers = 0;
  closed = false;
  gotSnapshotInWindow = false;
  sock0Read = 0;
  sock0Written = 0;

  constructor(
    readonly spec: BotSpec,
    level: AiLevel,
  ) {
    this.ai = new AiPlayer(level, spec.seat, spec.seed);
  }

  socket(): Socket | null {
    return ((this.ws as unknown as { _socket?: Socket })?._socket as Socket) ?? null;
  }

  connect(baseUrl: string, deflate: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const url = `${baseUrl.replace(/^http/, "ws")}/ws/game/${this.spec.gameId}`;
      const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${this.spec.token}` }, perMessageDeflate: deflate });
      ws.binaryType = "arraybuffer";
      this.ws = ws;
      let opened = false;
      ws.on("open", () => {
        opened = true;
        resolve();
      });
      ws.on("unexpected-response", (_req, res) => {
        reject(new Error(`upgrade ${res.statusCode}`));
      });
      ws.on("error", (err) => {
        totals.wsErrors++;
        if (!opened) reject(err);
      });
      ws.on("message", (data: ArrayBuffer, isBinary: boolean) => this.onMessage(data, isBinary));
      ws.on("close", (code) => {
        this.closed = true;
        totals.closeCodes[code] = (totals.closeCodes[code] ?? 0) + 1;
        if (!ending || code !== 1000) totals.unexpectedCloses++;
      });
    });
  }

  private onMessage(data: ArrayBuffer, isBinary: boolean): void {
    const now = performance.now();
    if (!isBinary) {
      const text = Buffer.from(data).toString("utf8");
      if (measuring) {
        win.textFrames++;
        win.textBytes += data.byteLength;
        win.frameHeaderDown += headerDown(data.byteLength);
      }
      if (text === "pong") return;
      this.onJson(JSON.parse(text));
      return;
    }
    if (measuring) {
      win.snapshots++;
      win.snapshotBytes += data.byteLength;
      win.frameHeaderDown += headerDown(data.byteLength);
      if (this.lastSnapAt >= windowStart) gapHist.add(now - this.lastSnapAt);
      this.gotSnapshotInWindow = true;
    }
    this.lastSnapAt = now;
    let view: SnapshotView;
    try {
      view = decodeSnapshot(data, this.view);
    } catch (err) {
      if (!(err instanceof SnapshotDecodeError)) throw err;
      totals.decodeErrors++;
      return;
    }
    this.view = view;
    // Input -> acknowledgement: the first snapshot whose ack for our seat reaches the seq.
    const ack = view.acks[this.spec.seat];
    while (this.pendHead < this.pendSeq.length && this.pendSeq[this.pendHead] <= ack) {
      const at = this.pendAt[this.pendHead];
      if (measuring && at >= windowStart) ackHist.add(now - at);
      this.pendHead++;
    }
    if (this.pendHead > 64 && this.pendHead * 2 > this.pendSeq.length) {
      this.pendSeq = this.pendSeq.slice(this.pendHead);
      this.pendAt = this.pendAt.slice(this.pendHead);
      this.pendHead = 0;
    }
    this.steer(view, now);
  }

  /** On a snapshot: the AI may take its once-per-second view, then decides for the snapshot's tick. */
  private steer(view: SnapshotView, now: number): void {
    const st = this.state;
    if (!st || !this.started || ending || this.closed || view.phase === "over") return;
    st.tick = view.tick;
    st.phase = view.phase;
    st.ball.x = view.ball.x;
    st.ball.y = view.ball.y;
    st.ball.vx = view.ball.vx;
    st.ball.vy = view.ball.vy;
    st.ball.speed = Math.hypot(view.ball.vx, view.ball.vy);
    for (let i = 0; i < st.paddles.length; i++) {
      st.paddles[i].pos = view.paddles[i].pos;
      st.paddles[i].dir = view.paddles[i].dir;
      st.paddles[i].active = view.paddles[i].active;
    }
    this.ai.observe(st);
    this.decideAt(view.tick, now);
  }

  /**
   * Like a browser client's fixed-step loop: between snapshots (30 Hz) the bot still decides once
   * per 60 Hz tick, at the tick it estimates the server is at.
   */
  frame(now: number): void {
    const view = this.view;
    if (!view || this.lastSnapAt < 0 || !this.started || ending || this.closed || view.phase === "over") return;
    this.decideAt(view.tick + Math.floor((now - this.lastSnapAt) / TICK_MS), now);
  }

  private decideAt(tick: number, now: number): void {
    if (tick <= this.lastDecided) return;
    this.lastDecided = tick;
    const dir = this.ai.decide(tick);
    if (dir === this.dir) return;
    this.dir = dir;
    const text = `{"type":"input","seq":${++this.seq},"dir":${dir}}`;
    this.ws!.send(text);
    this.pendSeq.push(this.seq);
    this.pendAt.push(now);
    if (measuring) {
      win.upFrames++;
      win.upBytes += text.length;
      win.frameHeaderUp += headerUp(text.length);
      win.inputsSent++;
    }
  }

  private onJson(msg: { type: string; [k: string]: unknown }): void {
    switch (msg.type) {
      case "welcome": {
        const config = (msg.config as { engine: GameConfig }).engine;
        this.config = config;
        const sides = SIDES[config.mode];
        this.state = {
          config,
          tick: 0,
          phase: "serving",
          ball: { x: config.width / 2, y: config.height / 2, vx: 0, vy: 0, speed: 0 },
          paddles: sides.map((side) => ({ side, pos: 0, dir: 0 as Dir, active: true })),
          scores: sides.map(() => 0),
        } as unknown as GameState;
        break;
      }
      case "game_started":
        if (!this.started) {
          this.started = true;
          totals.started++;
          reportStarted();
        }
        break;
      case "game_over":
        this.gameOvers++;
        break;
      case "point":
        if (this.spec.seat === 0) totals.points++;
        break;
      case "error": {
        const code = String(msg.code);
        totals.serverErrors[code] = (totals.serverErrors[code] ?? 0) + 1;
        break;
      }
    }
  }

  /** Unacknowledged inputs sent inside the window. */
  unackedInWindow(): number {
    let n = 0;
    for (let i = this.pendHead; i < this.pendSeq.length; i++) if (this.pendAt[i] >= windowStart) n++;
    return n;
  }

  resign(): void {
    if (this.ws && !this.closed) this.ws.send(`{"type":"resign"}`);
  }
}

// ------------------------------------------------------------------ process control

let bots: Bot[] = [];
let baseUrl = "";
let deflate = true;
let startedTimer: NodeJS.Timeout | null = null;
let cpuAtWindow = process.cpuUsage();
let windowReport: WindowReport | null = null;

/** One fixed-rate 60 Hz loop per process drives every bot's between-snapshot decisions. */
function startFrameLoop(): void {
  let next = performance.now();
  const loop = () => {
    const now = performance.now();
    for (const b of bots) b.frame(now);
    next += TICK_MS;
    if (next < now) next = now + TICK_MS;
    setTimeout(loop, next - performance.now());
  };
  setTimeout(loop, TICK_MS);
}

function reportStarted(): void {
  if (startedTimer) return;
  startedTimer = setTimeout(() => {
    startedTimer = null;
    send({ type: "started", started: totals.started, total: bots.length });
  }, 50);
}

async function connectSeat(seat: number, concurrency: number): Promise<void> {
  const t0 = performance.now();
  const todo = bots.filter((b) => b.spec.seat === seat);
  let ok = 0;
  let failed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, todo.length) }, async () => {
      while (next < todo.length) {
        const b = todo[next++];
        try {
          await b.connect(baseUrl, deflate);
          ok++;
        } catch (err) {
          failed++;
          if (totals.connectFailures.length < 10) totals.connectFailures.push(`${b.spec.gameId}/${seat}: ${(err as Error).message}`);
        }
      }
    }),
  );
  send({ type: "connected", seat, ok, failed, ms: performance.now() - t0 });
}

function startWindow(): void {
  measuring = true;
  windowStart = performance.now();
  gapHist.reset();
  ackHist.reset();
  for (const k of Object.keys(win) as (keyof typeof win)[]) win[k] = 0;
  for (const b of bots) {
    const s = b.socket();
    b.sock0Read = s?.bytesRead ?? 0;
    b.sock0Written = s?.bytesWritten ?? 0;
    b.gotSnapshotInWindow = false;
  }
  loopDelay.reset();
  loopDelay.enable();
  cpuAtWindow = process.cpuUsage();
  windowReport = null;
}

function stopWindow(): void {
  const seconds = (performance.now() - windowStart) / 1000;
  measuring = false;
  loopDelay.disable();
  let socketRead = 0;
  let socketWritten = 0;
  let unacked = 0;
  let receiving = 0;
  for (const b of bots) {
    const s = b.socket();
    if (s) {
      socketRead += s.bytesRead - b.sock0Read;
      socketWritten += s.bytesWritten - b.sock0Written;
    }
    unacked += b.unackedInWindow();
    if (b.gotSnapshotInWindow) receiving++;
  }
  windowReport = {
    seconds,
    ...win,
    socketRead,
    socketWritten,
    gap: gapHist.toJSON(),
    ack: ackHist.toJSON(),
    inputsUnacked: unacked,
    botsReceiving: receiving,
  };
}

function report(): BotsReport {
  const cpu = process.cpuUsage(cpuAtWindow);
  const gameOver = { none: 0, once: 0, more: 0 };
  const extensions: Record<string, number> = {};
  for (const b of bots) {
    // The resigning side (seat 0) is closed with "resigned" before the game_over broadcast, by
    // design: only the other side must hear game_over, exactly once.
    if (b.spec.seat === 0) {
      if (b.gameOvers > 0) gameOver.more++;
    } else if (b.gameOvers === 0) gameOver.none++;
    else if (b.gameOvers === 1) gameOver.once++;
    else gameOver.more++;
    const ext = b.ws?.extensions ?? "";
    extensions[ext] = (extensions[ext] ?? 0) + 1;
  }
  const ns = (v: number) => (Number.isFinite(v) ? v / 1e6 : NaN);
  return {
    pid: process.pid,
    bots: bots.length,
    connected: bots.filter((b) => b.ws && b.ws.readyState !== WebSocket.CONNECTING).length,
    connectFailures: totals.connectFailures,
    started: totals.started,
    gameOver,
    unexpectedCloses: totals.unexpectedCloses,
    closeCodes: totals.closeCodes,
    serverErrors: totals.serverErrors,
    decodeErrors: totals.decodeErrors,
    wsErrors: totals.wsErrors,
    points: totals.points,
    extensions,
    loopDelay: { p50: ns(loopDelay.percentile(50)), p99: ns(loopDelay.percentile(99)), max: ns(loopDelay.max) },
    cpuUserS: cpu.user / 1e6,
    cpuSystemS: cpu.system / 1e6,
    window: windowReport,
  };
}

async function end(timeoutMs: number): Promise<void> {
  ending = true;
  for (const b of bots) if (b.spec.seat === 0) b.resign();
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && bots.some((b) => !b.closed && b.ws)) await new Promise((r) => setTimeout(r, 50));
  for (const b of bots) if (!b.closed) b.ws?.terminate();
  send({ type: "ended", report: report() });
}

process.on("message", (msg: ToBots) => {
  switch (msg.type) {
    case "assign":
      baseUrl = msg.baseUrl;
      deflate = msg.deflate;
      bots = msg.bots.map((s) => new Bot(s, msg.aiLevel));
      startFrameLoop();
      send({ type: "ready" });
      break;
    case "connect":
      void connectSeat(msg.seat, msg.concurrency);
      break;
    case "window-start":
      startWindow();
      send({ type: "window-started" });
      break;
    case "window-stop":
      stopWindow();
      send({ type: "window", report: report() });
      break;
    case "end":
      void end(msg.timeoutMs);
      break;
    case "exit":
      for (const b of bots) b.ws?.terminate();
      process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
