/**
 * A bot process of the load bench. Two modes, the same load:
 *
 * - "game": plays its share of the matches against the project over protocol 2, as a browser
 *   client would: reads `welcome`/`sync`/`game_started`, stamps each input with the tick it is for
 *   (the match clock `tickAt(t0, now)` plus a small lead that grows when the server reports an input
 *   as late), steers with the shared AI (AiPlayer, looking at the present once a second through a
 *   copy of the match timeline) and, like a person tapping keys, releases or presses a key when it
 *   has sent nothing for NUDGE_AFTER_TICKS: about 4 direction changes a second per player. The two
 *   bots of a match share one MatchCheck (match-check.ts): relay latency and digest verification.
 * - "floor": the same bots against the relay-only floor (bench/floor/worker.ts): each socket sends
 *   an input frame of the same shape at the same rate and measures how long the room takes to relay
 *   it to the other socket. Nothing else.
 *
 * Every bot also sends the heartbeat `ping` every 2 s like the browser client. Times: epoch ms with
 * sub-millisecond resolution (performance.timeOrigin + performance.now()), shared by every process
 * on the machine and comparable with the server's `t0` (Date.now() in workerd, same machine clock).
 * Runs as a child process (forked by load.ts) so bots and server compete for the cores visibly.
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import type { Socket } from "node:net";
import WebSocket from "ws";
import { AiPlayer, AI_VIEW_INTERVAL, type AiLevel } from "../../src/shared/ai";
import { Rng, sideOfSeat, type Dir, type GameState } from "../../src/shared/engine";
import { decodeRelay, RelayDecodeError } from "../../src/shared/protocol/relay";
import { decodeInputFrame, encodeInputFrame } from "../../src/shared/protocol/input-frame";
import { PROTOCOL_VERSION, type ServerMessage } from "../../src/shared/protocol/messages";
import { tickAt, timeOfTick, type TickClock } from "../../src/shared/timeline";
import { WakeAsker } from "../../src/shared/net";
import { tallyGameOvers, type GameOverHeard } from "./game-over";
import { Hist } from "./hist";
import type { BotMode, BotSpec, BotsReport, FromBots, ToBots, WindowReport } from "./ipc";
import { MatchCheck, type CheckTotals } from "./match-check";

/** Epoch ms, sub-millisecond, the same clock in every process of the machine. */
const epochNow = () => performance.timeOrigin + performance.now();
/** A key tap after this many ticks without an input (about 4 direction changes a second with the medium AI). */
const NUDGE_AFTER_TICKS = 30;
/** Ticks a tap lasts. */
const NUDGE_TICKS = 3;
const HEARTBEAT_MS = 2000;
/** How far ahead the bots look for the next point (they send `wake` when it is due; a browser sees it in its own simulation instead). */
const WAKE_LOOK_TICKS = 120;
const START_LEAD_TICKS = 2;
const MAX_LEAD_TICKS = 20;

function send(msg: FromBots): void {
  process.send!(msg);
}

// ------------------------------------------------------------------ process-wide measurement

let mode: BotMode = "game";
let measuring = false;
let windowStart = 0;
const relayHist = new Hist();
const pointHist = new Hist();
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
const win = {
  binaryFrames: 0,
  binaryBytes: 0,
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
  moved: 0,
  refused: 0,
  clockOffsetMaxMs: 0,
  closeCodes: {} as Record<string, number>,
  serverErrors: {} as Record<string, number>,
  connectFailures: [] as string[],
};
let ending = false;

const headerDown = (n: number) => (n < 126 ? 2 : n < 65536 ? 4 : 10);
const headerUp = (n: number) => headerDown(n) + 4;

/** Per match: the protocol-2 check (game mode) or the floor's sent-input book (floor mode). */
const checks = new Map<number, MatchCheck>();
const floorSent = new Map<number, Map<number, number>[]>();

function checkOf(match: number): MatchCheck {
  let c = checks.get(match);
  if (!c) checks.set(match, (c = new MatchCheck(2)));
  return c;
}

// ------------------------------------------------------------------ one bot

class Bot {
  ws: WebSocket | null = null;
  private readonly ai: AiPlayer;
  private readonly rng: Rng;
  private clock: TickClock | null = null;
  private tickHz = 60;
  private seq = 0;
  private held: Dir = 0;
  private lastInputTick = -1;
  private nudgeUntil = -1;
  private nudgeDir: Dir = 0;
  private lastView = -Infinity;
  private lead = START_LEAD_TICKS;
  private lastMovedAt = 0;
  private nextFloorAt = 0;
  private nextPingAt = 0;
  private readonly wakes = new WakeAsker();
  private wakeTimer: ReturnType<typeof setTimeout> | null = null;
  private wakeTimerFor = -1;
  started = false;
  /** Each game_over heard: its reason and winner (bench/load/game-over.ts reads them at the end). */
  gameOvers: GameOverHeard[] = [];
  closed = false;
  gotFrameInWindow = false;
  sock0Read = 0;
  sock0Written = 0;
  socketReads = 0;
  sock0Reads = 0;

  constructor(
    readonly spec: BotSpec,
    level: AiLevel,
  ) {
    this.ai = new AiPlayer(level, spec.seat, spec.seed);
    this.rng = new Rng(spec.seed ^ 0x5bd1e995);
  }

  private get check(): MatchCheck {
    return checkOf(this.spec.match);
  }

  socket(): Socket | null {
    return ((this.ws as unknown as { _socket?: Socket })?._socket as Socket) ?? null;
  }

  connect(baseUrl: string, deflate: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws =
        mode === "game"
          ? new WebSocket(`${baseUrl.replace(/^http/, "ws")}/ws/game/${this.spec.gameId}`, { headers: { Authorization: `Bearer ${this.spec.token}` }, perMessageDeflate: deflate })
          : new WebSocket(`${baseUrl.replace(/^http/, "ws")}/ws/${this.spec.gameId}`, { perMessageDeflate: deflate });
      ws.binaryType = "arraybuffer";
      this.ws = ws;
      let opened = false;
      ws.on("open", () => {
        opened = true;
        this.socket()?.on("data", () => this.socketReads++);
        this.nextPingAt = epochNow() + HEARTBEAT_MS * this.rng.next();
        if (mode === "floor") {
          this.nextFloorAt = epochNow() + this.floorGap();
          this.markStarted();
        }
        resolve();
      });
      ws.on("unexpected-response", (_req, res) => reject(new Error(`upgrade ${res.statusCode}`)));
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

  private markStarted(): void {
    if (this.started) return;
    this.started = true;
    totals.started++;
    reportStarted();
  }

  private onMessage(data: ArrayBuffer, isBinary: boolean): void {
    const now = epochNow();
    if (measuring) {
      if (isBinary) {
        win.binaryFrames++;
        win.binaryBytes += data.byteLength;
      } else {
        win.textFrames++;
        win.textBytes += data.byteLength;
      }
      win.frameHeaderDown += headerDown(data.byteLength);
      this.gotFrameInWindow = true;
    }
    if (mode === "floor") return this.onFloorFrame(data, now);
    if (isBinary) return this.onRelay(data, now);
    const text = Buffer.from(data).toString("utf8");
    if (text === "pong") return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(text) as ServerMessage;
    } catch {
      totals.decodeErrors++;
      return;
    }
    this.onJson(msg, now);
  }

  private onRelay(data: ArrayBuffer, now: number): void {
    let frame;
    try {
      frame = decodeRelay(data);
    } catch (err) {
      if (!(err instanceof RelayDecodeError)) throw err;
      totals.decodeErrors++;
      return;
    }
    if (frame.kind === "check") {
      this.check.authoritative({ seat: this.spec.seat, tick: frame.tick, digest: frame.digest, kind: "check", acks: frame.acks });
      return;
    }
    const sent = this.check.relayed(frame.seat, frame.tick, frame.dir);
    if (sent && measuring && sent.at >= windowStart) relayHist.add(now - sent.at);
  }

  private onJson(msg: ServerMessage, now: number): void {
    const check = this.check;
    const seat = this.spec.seat;
    switch (msg.type) {
      case "welcome":
        if (msg.protocol !== PROTOCOL_VERSION) totals.decodeErrors++;
        this.tickHz = msg.config.tickHz;
        this.ws!.send(JSON.stringify({ type: "time", c: now }));
        break;
      case "time": {
        // Offset of the server's clock: its answer time against the midpoint of the round trip.
        const offset = Math.abs(msg.s - (msg.c + now) / 2);
        if (offset > totals.clockOffsetMaxMs) totals.clockOffsetMaxMs = offset;
        break;
      }
      case "sync":
        check.sync(msg.timeline);
        this.clock = msg.running ? { t0: msg.t0, tickHz: this.tickHz } : null;
        break;
      case "game_started":
        this.clock = { t0: msg.t0, tickHz: this.tickHz };
        check.authoritative({ seat, tick: msg.tick, digest: msg.digest, kind: "game_started" });
        this.markStarted();
        break;
      case "paused":
        this.clock = null;
        check.authoritative({ seat, tick: msg.tick, digest: msg.digest, kind: "paused" });
        break;
      case "point":
        if (seat === 0) totals.points++;
        check.authoritative({ seat, tick: msg.tick, digest: msg.digest, kind: "point", acks: msg.acks });
        if (measuring && this.clock) pointHist.add(now - timeOfTick(this.clock, msg.tick));
        break;
      case "player_out":
        check.authoritative({ seat, tick: msg.tick, digest: msg.digest, kind: "player_out", eliminate: [msg.seat] });
        break;
      case "game_over": {
        this.gameOvers.push({ reason: msg.reason, winnerSeat: msg.winner?.seat ?? null });
        const losers = msg.reason === "forfeit" && msg.winner ? msg.players.map((p) => p.seat).filter((s) => s !== msg.winner!.seat) : [];
        if (msg.tick >= 0) check.authoritative({ seat, tick: msg.tick, digest: msg.digest, kind: `game_over (${msg.reason})`, eliminate: losers });
        break;
      }
      case "input_moved":
        totals.moved++;
        this.lead = Math.min(MAX_LEAD_TICKS, this.lead + 1);
        this.lastMovedAt = now;
        break;
      case "input_refused":
        totals.refused++;
        check.refused(seat, msg.seq);
        break;
      case "error":
        totals.serverErrors[msg.code] = (totals.serverErrors[msg.code] ?? 0) + 1;
        break;
      default:
        break;
    }
  }

  /** Floor: the relayed frame is the other socket's input frame, verbatim. */
  private onFloorFrame(data: ArrayBuffer, now: number): void {
    if (data.byteLength === 4 && Buffer.from(data).toString("utf8") === "pong") return;
    const input = decodeInputFrame(data);
    if (!input.ok) return void totals.decodeErrors++;
    const book = floorSent.get(this.spec.match)?.[1 - this.spec.seat];
    const at = book?.get(input.msg.seq);
    if (at === undefined) return;
    book!.delete(input.msg.seq);
    if (measuring && at >= windowStart) relayHist.add(now - at);
  }

  private floorGap(): number {
    const mean = 1000 / floorInputsPerS;
    return mean * (0.8 + 0.4 * this.rng.next());
  }

  private sendDueWake(clock: TickClock): void {
    if (this.closed || !this.ws || ending) return;
    const due = this.wakes.due(clock, Date.now());
    if (due === null) return;
    const text = `{"type":"wake","tick":${due}}`;
    this.ws.send(text);
    this.countUp(text.length);
  }

  /** Called by the process's 60 Hz loop. */
  frame(now: number): void {
    if (!this.started || ending || this.closed || !this.ws) return;
    if (now >= this.nextPingAt) {
      this.nextPingAt = now + HEARTBEAT_MS;
      this.ws.send("ping");
      this.countUp(4);
    }
    if (mode === "floor") {
      if (now < this.nextFloorAt) return;
      this.nextFloorAt += this.floorGap();
      if (this.nextFloorAt < now) this.nextFloorAt = now + this.floorGap();
      const dir = this.held === 1 ? -1 : 1;
      this.held = dir;
      const seq = ++this.seq;
      let books = floorSent.get(this.spec.match);
      if (!books) floorSent.set(this.spec.match, (books = [new Map(), new Map()]));
      books[this.spec.seat].set(seq, now);
      this.sendInput(seq, Math.floor(now / 16), dir);
      return;
    }
    const clock = this.clock;
    if (!clock) return;
    const tick = tickAt(clock, Date.now());
    if (tick < 0) return;
    // Like a client (shared/net/wake-asker.ts): when a point this match's players foresee against
    // this bot's side is due on the server (same machine clock: a message sent now arrives now),
    // tell it. A foreseen point that a later input saves still gets its (harmless) wake.
    const point = this.check.nextPoint(tick, WAKE_LOOK_TICKS);
    if (point !== null && point.side === sideOfSeat("2p", this.spec.seat)) this.wakes.foresee(point.tick, tick);
    this.sendDueWake(clock);
    // A timer for the exact moment, not the next 60 Hz frame (a browser is within a frame of it).
    const head = this.wakes.next;
    if (head !== null && head !== this.wakeTimerFor) {
      if (this.wakeTimer) clearTimeout(this.wakeTimer);
      this.wakeTimerFor = head;
      this.wakeTimer = setTimeout(() => this.sendDueWake(clock), Math.max(0, timeOfTick(clock, head) - Date.now()));
    }
    if (tick - this.lastView >= AI_VIEW_INTERVAL) {
      // The AI glances at the present: the settled timeline, stepped forward with what is known.
      const tl = this.check.cloneTimeline();
      if (tl) {
        tl.stepTo(tick);
        this.ai.observe(tl.state as GameState);
        this.lastView = tick;
      }
    }
    let dir = this.ai.decide(tick);
    if (tick < this.nudgeUntil) dir = this.nudgeDir;
    else if (dir === this.held && tick - this.lastInputTick >= NUDGE_AFTER_TICKS) {
      this.nudgeDir = this.held !== 0 ? 0 : this.rng.next() < 0.5 ? -1 : 1;
      this.nudgeUntil = tick + NUDGE_TICKS;
      dir = this.nudgeDir;
    }
    if (dir === this.held) return;
    this.held = dir;
    this.lastInputTick = tick;
    // The lead shrinks again after 5 s without a late input.
    if (this.lead > 1 && now - this.lastMovedAt > 5000) {
      this.lead--;
      this.lastMovedAt = now;
    }
    const seq = ++this.seq;
    const stamp = tick + this.lead;
    this.check.inputSent(this.spec.seat, seq, stamp, dir, now);
    this.sendInput(seq, stamp, dir);
  }

  private sendInput(seq: number, tick: number, dir: Dir): void {
    const frame = encodeInputFrame(seq, tick, dir);
    this.ws!.send(frame);
    this.countUp(frame.byteLength);
    if (measuring) win.inputsSent++;
  }

  private countUp(bytes: number): void {
    if (!measuring) return;
    win.upFrames++;
    win.upBytes += bytes;
    win.frameHeaderUp += headerUp(bytes);
  }

  resign(): void {
    if (this.ws && !this.closed) this.ws.send(mode === "game" ? `{"type":"resign"}` : "bye");
  }
}

// ------------------------------------------------------------------ process control

let bots: Bot[] = [];
let baseUrl = "";
let deflate = true;
let floorInputsPerS = 4;
let startedTimer: NodeJS.Timeout | null = null;
let cpuAtWindow = process.cpuUsage();
let windowReport: WindowReport | null = null;
let checksAtWindow: CheckTotals = emptyTotals();

function emptyTotals(): CheckTotals {
  return { checked: 0, desyncs: 0, badRelays: 0, exact: 0, moved: 0, refused: 0, unverifiable: 0 };
}

/** The match checks' counters summed over this process's matches. */
function sumChecks(): CheckTotals {
  const sum = emptyTotals();
  for (const c of checks.values()) for (const k of Object.keys(sum) as (keyof CheckTotals)[]) sum[k] += c.totals[k];
  return sum;
}

/** One fixed-rate 60 Hz loop per process drives every bot, like a browser's fixed-step loop. */
function startFrameLoop(): void {
  const period = 1000 / 60;
  let next = performance.now();
  const loop = () => {
    const now = epochNow();
    for (const b of bots) b.frame(now);
    next += period;
    const t = performance.now();
    if (next < t) next = t + period;
    setTimeout(loop, next - t);
  };
  setTimeout(loop, period);
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
  windowStart = epochNow();
  relayHist.reset();
  pointHist.reset();
  for (const k of Object.keys(win) as (keyof typeof win)[]) win[k] = 0;
  for (const b of bots) {
    const s = b.socket();
    b.sock0Read = s?.bytesRead ?? 0;
    b.sock0Written = s?.bytesWritten ?? 0;
    b.sock0Reads = b.socketReads;
    b.gotFrameInWindow = false;
  }
  loopDelay.reset();
  loopDelay.enable();
  checksAtWindow = sumChecks();
  cpuAtWindow = process.cpuUsage();
  windowReport = null;
}

function unrelayedInWindow(): number {
  let n = 0;
  if (mode === "game") for (const c of checks.values()) n += c.unresolvedSince(windowStart);
  else for (const books of floorSent.values()) for (const book of books) for (const at of book.values()) if (at >= windowStart) n++;
  return n;
}

function stopWindow(): void {
  const seconds = (epochNow() - windowStart) / 1000;
  measuring = false;
  loopDelay.disable();
  let socketRead = 0;
  let socketWritten = 0;
  let socketReads = 0;
  let receiving = 0;
  for (const b of bots) {
    const s = b.socket();
    if (s) {
      socketRead += s.bytesRead - b.sock0Read;
      socketWritten += s.bytesWritten - b.sock0Written;
    }
    socketReads += b.socketReads - b.sock0Reads;
    if (b.gotFrameInWindow) receiving++;
  }
  windowReport = {
    seconds,
    ...win,
    socketRead,
    socketWritten,
    socketReads,
    relay: relayHist.toJSON(),
    pointLate: pointHist.toJSON(),
    inputsUnrelayed: unrelayedInWindow(),
    botsReceiving: receiving,
    checks: diffTotals(sumChecks(), checksAtWindow),
  };
}

function diffTotals(a: CheckTotals, b: CheckTotals): CheckTotals {
  const d = emptyTotals();
  for (const k of Object.keys(d) as (keyof CheckTotals)[]) d[k] = a[k] - b[k];
  return d;
}

function report(): BotsReport {
  const cpu = process.cpuUsage(cpuAtWindow);
  // Seat 0 resigns at the end (game-over.ts: what each seat must hear, and a forfeit seat 0 hears).
  const gameOver = mode === "game" ? tallyGameOvers(bots.map((b) => ({ seat: b.spec.seat, heard: b.gameOvers }))) : { none: 0, once: 0, more: 0, endedBeforeResign: 0 };
  const extensions: Record<string, number> = {};
  for (const b of bots) {
    const ext = b.ws?.extensions ?? "";
    extensions[ext] = (extensions[ext] ?? 0) + 1;
  }
  const sum = sumChecks();
  const samples: string[] = [];
  for (const [match, c] of checks) for (const s of c.samples) if (samples.length < 5) samples.push(`match ${match}: ${s}`);
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
    checks: sum,
    desyncSamples: samples,
    movedNotices: totals.moved,
    refusedNotices: totals.refused,
    clockOffsetMaxMs: totals.clockOffsetMaxMs,
    extensions,
    loopDelay: { p50: ns(loopDelay.percentile(50)), p99: ns(loopDelay.percentile(99)), max: ns(loopDelay.max) },
    cpuUserS: cpu.user / 1e6,
    cpuSystemS: cpu.system / 1e6,
    window: windowReport,
  };
}

async function end(timeoutMs: number): Promise<void> {
  ending = true;
  if (mode === "game") {
    for (const b of bots) if (b.spec.seat === 0) b.resign();
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline && bots.some((b) => !b.closed && b.ws)) await new Promise((r) => setTimeout(r, 50));
  } else {
    for (const b of bots) if (!b.closed) b.ws?.close(1000, "done");
    const deadline = performance.now() + Math.min(timeoutMs, 5000);
    while (performance.now() < deadline && bots.some((b) => !b.closed && b.ws)) await new Promise((r) => setTimeout(r, 50));
  }
  for (const b of bots) if (!b.closed) b.ws?.terminate();
  send({ type: "ended", report: report() });
}

process.on("message", (msg: ToBots) => {
  switch (msg.type) {
    case "assign":
      mode = msg.mode;
      baseUrl = msg.baseUrl;
      deflate = msg.deflate;
      floorInputsPerS = msg.floorInputsPerS;
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
