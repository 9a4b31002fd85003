/**
 * Load bench: N concurrent 2-player matches against `wrangler dev`, played by bot processes.
 *
 * One step = one N on one server:
 * - "game" (the project): N private games are created through the API (POST /api/games + /join), all
 *   seat-0 sockets connect, then all seat-1 sockets (each game's countdown starts when its second
 *   player connects), every game starts, a warm-up passes, then a measured window. The GameSessions'
 *   own counters are read per game before and after the window (billable units, alarm lateness), the
 *   bots report what clients saw (relay latency, point lateness, bytes, desyncs), /proc says where
 *   the CPU went. Then every seat-0 bot resigns: every seat-1 bot must see exactly one game_over and
 *   every game must reach `finished` (a seat-0 bot hearing the one game_over of a match that ended
 *   before its resignation is no duplicate: bench/load/game-over.ts).
 * - "floor" (bench/floor): N relay rooms, the same bots and input rate, the same window; no API.
 */
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { Api, pool, scrapeCounter, type Account, type ServerStats } from "./api";
import { Hist } from "./hist";
import type { BotMode, BotSpec, BotsReport, FromBots, ToBots } from "./ipc";
import type { AlarmFloorResult } from "./alarm-floor";
import type { CheckTotals } from "./match-check";
import { cpuPercent, descendants, loadAverage, machineCpu, machineCpuPercent, sample, type ProcSample } from "./procstat";
import type { DevServer } from "./server";

export type NetPath = "direct" | "proxy";

export interface StepOptions {
  mode: BotMode;
  matches: number;
  /** "proxy": wrangler dev's public port (its proxy workerd in front); "direct": the app workerd's own entry socket. */
  path: NetPath;
  seconds: number;
  warmupS: number;
  deflate: boolean;
  botProcs: number;
  aiLevel: "easy" | "medium" | "hard";
  /** Floor: input frames per second per socket. */
  floorInputsPerS: number;
  metricsToken: string;
  log: (line: string) => void;
  /** Called right after the measured window opens / before it closes (e.g. a CPU profile, a flood). */
  onWindowStart?: (gameIds: string[]) => Promise<void>;
  onWindowStop?: () => Promise<void>;
}

export interface CpuFigures {
  /** % of one core over the window. */
  appWorkerd: number;
  proxyWorkerd: number;
  wrangler: number;
  /** Every process of the `wrangler dev` tree (app + proxy workerd, wrangler's node processes, the shell). */
  serverGroup: number;
  bots: number;
  machine: number;
  /** Machine total minus the processes above: other work on the machine (other engineers' tests). */
  other: number;
  appRssMiB: number;
  proxyRssMiB: number;
  botsRssMiB: number;
}

export interface Quantiles {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

export interface StepResult {
  mode: BotMode;
  matches: number;
  players: number;
  path: NetPath;
  deflateOffered: boolean;
  /** What the server accepted, per socket: "permessage-deflate" or "" (none). */
  extensions: Record<string, number>;
  seconds: number;
  warmupS: number;
  startedAt: string;
  load: { before: number[]; after: number[] };
  /** Other processes' CPU (% of a core) in the second before the step started, and how long the bench waited for it to drop. */
  quietBefore?: { otherPct: number; waitedS: number };
  /** This step's window was noisy (other processes busy), was run again, and the retry was noisier still. */
  noisyRetried?: boolean;
  rampS: { createGames: number; connectSeat0: number; connectSeat1: number; allStarted: number };
  /** Game mode: the GameSessions' own counters. */
  server: {
    games: number;
    /** Alarm lateness each object measured (since it started; `Date.now()` in alarm() - the time set): median of p50s / median of p99s / worst p99 / max. */
    alarmLatenessP50Median: number;
    alarmLatenessP99Median: number;
    alarmLatenessP99Worst: number;
    alarmLatenessMax: number;
    /** Ticks the timelines advanced per second of window, per game (60 = keeping up with the clock). */
    tickRatePerGame: number;
    statsFetchS: number;
    /** Clients' digest mismatches the server counted at /metrics during the step (null: unreadable). */
    desyncsCounted: number | null;
    /** Protocol 3 wakes: received per game-hour, points found late that nobody asked for (per game-hour), games assisted at the end of the window. */
    wakesPerGameHour: number;
    unaskedPointsPerGameHour: number;
    assistedGames: number;
  };
  client: {
    relay: Quantiles;
    /** The same, per bot process (match i is played by process i % P): a subset of matches alone. */
    relayByProc: Quantiles[];
    pointLate: Quantiles;
    inputsSent: number;
    inputsUnrelayed: number;
    inputsPerSecPerPlayer: number;
    playersReceiving: number;
    framesDownPerSecPerPlayer: number;
  };
  /** Over the whole step (desyncs must be 0 from the first sync to the last game_over); `window`: the window alone. */
  integrity: CheckTotals & { samples: string[]; movedNotices: number; refusedNotices: number; clockOffsetMaxMs: number; window: CheckTotals };
  bytes: {
    /** Per player, bytes per second. */
    downPayload: number;
    downFramed: number;
    downSocket: number;
    /** Socket bytes + 52 bytes of IPv4/TCP headers (with timestamps) per socket read: an estimate of what the wire carries. */
    downWireEstimate: number;
    upPayload: number;
    upFramed: number;
    upSocket: number;
  };
  /** Game mode: billable units per game over the window, scaled to one hour. */
  unitsPerGameHour: {
    messagesIn: number;
    alarms: number;
    setAlarms: number;
    storageWrites: number;
    framesOut: number;
    bytesOut: number;
    /** Alarms by what they were set for (next-wake.ts reasons). */
    alarmsFor: Record<string, number>;
  };
  /** Game mode: whole-lifetime units per match (create, countdown, play, resign, end), averaged over matches. */
  lifetimePerMatch: { messagesIn: number; alarms: number; storageWrites: number; setAlarms: number };
  cpu: CpuFigures;
  /** Server CPU per concurrent match: the whole `wrangler dev` process group / N, % of one core. */
  serverCpuPerMatch: number;
  botLoopDelay: { p50: number; p99: number; max: number };
  errors: {
    connectFailures: number;
    connectFailureSamples: string[];
    unexpectedCloses: number;
    closeCodes: Record<string, number>;
    serverErrors: Record<string, number>;
    decodeErrors: number;
    wsErrors: number;
    notStarted: number;
    gameOverMissing: number;
    gameOverDuplicated: number;
    /** Not an error: matches that ended (a forfeit under overload) before seat 0 resigned, whose one game_over seat 0 heard. */
    gameOverBeforeResign?: number;
    gamesNotFinished: number;
  };
  points: number;
  /** The bare alarm probe in the same server's workerd during the window (absent: not run). */
  alarmProbe?: AlarmFloorResult | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const median = (xs: number[]) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};

/** A bot child process with a typed message queue. */
class BotProc {
  readonly child: ChildProcess;
  private queue: FromBots[] = [];
  private waiters: (() => void)[] = [];
  startedCount = 0;

  constructor() {
    const file = fileURLToPath(new URL("./bot-process.ts", import.meta.url));
    // BENCH_BOT_PROFILE=<dir>: each bot process writes a V8 CPU profile there when it exits (to see
    // what the load generator itself spends, since it shares the machine with the server).
    const prof = process.env.BENCH_BOT_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_BOT_PROFILE}`] : [];
    this.child = fork(file, [], { execArgv: ["--import", "tsx", ...prof], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.child.on("message", (m: FromBots) => {
      if (m.type === "started") {
        this.startedCount = m.started;
        return;
      }
      this.queue.push(m);
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    });
  }

  send(msg: ToBots): void {
    this.child.send(msg);
  }

  async next<T extends FromBots["type"]>(type: T, timeoutMs = 120_000): Promise<Extract<FromBots, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.queue.findIndex((m) => m.type === type);
      if (i >= 0) return this.queue.splice(i, 1)[0] as Extract<FromBots, { type: T }>;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`bot process ${this.child.pid}: no "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  kill(): void {
    try {
      this.send({ type: "exit" });
    } catch {
      // gone
    }
    setTimeout(() => this.child.kill("SIGKILL"), 2000).unref();
  }
}

interface CpuReading {
  app: ProcSample | null;
  proxy: ProcSample | null;
  wrangler: (ProcSample | null)[];
  group: (ProcSample | null)[];
  bots: (ProcSample | null)[];
  machine: ReturnType<typeof machineCpu>;
}

function readCpu(server: DevServer, groupPids: number[], bots: BotProc[]): CpuReading {
  return {
    app: sample(server.appPid),
    proxy: sample(server.proxyPid),
    wrangler: server.wranglerPids.map(sample),
    group: groupPids.map(sample),
    bots: bots.map((b) => sample(b.child.pid!)),
    machine: machineCpu(),
  };
}

function cpuBetween(a: CpuReading, b: CpuReading): CpuFigures {
  const sum = (xs: (ProcSample | null)[], ys: (ProcSample | null)[]) => xs.reduce((acc, x, i) => acc + (cpuPercent(x, ys[i]) || 0), 0);
  const appWorkerd = cpuPercent(a.app, b.app);
  const proxyWorkerd = cpuPercent(a.proxy, b.proxy);
  const wrangler = sum(a.wrangler, b.wrangler);
  const serverGroup = sum(a.group, b.group);
  const bots = sum(a.bots, b.bots);
  const machine = machineCpuPercent(a.machine, b.machine, os.cpus().length);
  return {
    appWorkerd,
    proxyWorkerd,
    wrangler,
    serverGroup,
    bots,
    machine,
    other: Math.max(0, machine - serverGroup - bots),
    appRssMiB: b.app?.rssMiB ?? NaN,
    proxyRssMiB: b.proxy?.rssMiB ?? NaN,
    botsRssMiB: b.bots.reduce((s, x) => s + (x?.rssMiB ?? 0), 0),
  };
}

/** Registers `count` bot accounts (PBKDF2 on the server makes this the slow part of setup). */
export async function registerAccounts(api: Api, count: number, tag: string, log: (s: string) => void): Promise<Account[]> {
  const t0 = Date.now();
  const accounts = await pool(
    Array.from({ length: count }, (_, i) => i),
    4,
    (i) => api.register(`b${tag}${i}`.slice(0, 20), "bench-password-1"),
  );
  log(`registered ${count} bot accounts in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return accounts;
}

/** One measured step with N matches. Game mode: `api` and at least 2N `accounts`; floor mode: neither. */
export async function runStep(server: DevServer, api: Api | null, accounts: Account[], o: StepOptions): Promise<StepResult> {
  const { log } = o;
  const n = o.matches;
  const game = o.mode === "game";
  if (game && (!api || accounts.length < 2 * n)) throw new Error(`need an API and ${2 * n} accounts, have ${accounts.length}`);
  const loadBefore = loadAverage();
  const startedAt = new Date().toISOString();

  // Games: seat 0 creates a private game, seat 1 joins it. Floor: room names.
  let t = Date.now();
  const tag = Date.now().toString(36);
  const gameIds = game
    ? await pool(
        Array.from({ length: n }, (_, i) => i),
        8,
        async (i) => {
          const g = await api!.createGame(accounts[2 * i]);
          const j = await api!.joinGame(accounts[2 * i + 1], g.gameId);
          if (g.seat !== 0 || j.seat !== 1) throw new Error(`unexpected seats ${g.seat}/${j.seat} in ${g.gameId} (${g.status}/${j.status})`);
          return g.gameId;
        },
      )
    : Array.from({ length: n }, (_, i) => `r${tag}-${i}`);
  const createS = (Date.now() - t) / 1000;

  // Bot processes: match i goes to process i % P (both of its seats: the relay latency and the
  // digest checks of a match are measured in one process).
  const procCount = Math.max(1, Math.min(o.botProcs, n));
  const procs = Array.from({ length: procCount }, () => new BotProc());
  const specs: BotSpec[][] = procs.map(() => []);
  gameIds.forEach((gameId, i) => {
    for (const seat of [0, 1]) {
      const token = game ? accounts[2 * i + seat].token : "";
      specs[i % procCount].push({ botId: 2 * i + seat, match: i, gameId, seat, token, seed: (i * 7919 + seat * 104729) >>> 0 });
    }
  });
  try {
    await Promise.all(procs.map((p) => p.next("ready")));
    const baseUrl = o.path === "direct" ? server.appEntryUrl : server.baseUrl;
    if (!baseUrl) throw new Error("the app workerd's entry socket was not found: use --path proxy");
    procs.forEach((p, i) => p.send({ type: "assign", mode: o.mode, baseUrl, bots: specs[i], deflate: o.deflate, aiLevel: o.aiLevel, floorInputsPerS: o.floorInputsPerS }));
    await Promise.all(procs.map((p) => p.next("ready")));

    let connectFailed = 0;
    const connect = async (seat: number) => {
      const t0 = Date.now();
      procs.forEach((p) => p.send({ type: "connect", seat, concurrency: 16 }));
      const res = await Promise.all(procs.map((p) => p.next("connected", 300_000)));
      const failed = res.reduce((s, r) => s + r.failed, 0);
      connectFailed += failed;
      if (failed) log(`  seat ${seat}: ${failed} connections failed`);
      return (Date.now() - t0) / 1000;
    };
    const seat0S = await connect(0);
    t = Date.now();
    const seat1S = await connect(1);
    // Every game starts after its countdown: wait until every bot saw game_started.
    const startDeadline = Date.now() + 60_000;
    while (Date.now() < startDeadline && procs.reduce((s, p) => s + p.startedCount, 0) < 2 * n) await sleep(100);
    const allStartedS = (Date.now() - t) / 1000;
    log(`  ${n} ${game ? "games" : "rooms"}: created in ${createS.toFixed(1)} s, seat 0 connected in ${seat0S.toFixed(1)} s, seat 1 in ${seat1S.toFixed(1)} s, all started ${allStartedS.toFixed(1)} s after the first seat-1 connect`);

    await sleep(o.warmupS * 1000);

    // Server units before the window (per game, with the time each answer came back).
    const fetchStats = async () =>
      game
        ? pool(gameIds, 4, async (id) => {
            try {
              const s = await api!.stats(id);
              return { s, at: Date.now() };
            } catch {
              return null;
            }
          })
        : [];
    const before = await fetchStats();
    const desyncs0 = game ? await scrapeCounter(api!.baseUrl, o.metricsToken, "pong_game_desyncs_total") : null;

    const groupPids = [server.pid, ...descendants(server.pid)];
    const cpu0 = readCpu(server, groupPids, procs);
    procs.forEach((p) => p.send({ type: "window-start" }));
    await Promise.all(procs.map((p) => p.next("window-started")));
    await o.onWindowStart?.(gameIds);
    await sleep(o.seconds * 1000);
    await o.onWindowStop?.();
    procs.forEach((p) => p.send({ type: "window-stop" }));
    const windowReports = (await Promise.all(procs.map((p) => p.next("window")))).map((m) => m.report);
    const cpu1 = readCpu(server, groupPids, procs);
    const loadAfter = loadAverage();

    t = Date.now();
    const after = await fetchStats();
    const statsFetchS = (Date.now() - t) / 1000;

    // End every match: seat 0 resigns, the other side must see exactly one game_over.
    procs.forEach((p) => p.send({ type: "end", timeoutMs: 20_000 }));
    const endReports = (await Promise.all(procs.map((p) => p.next("ended", 60_000)))).map((m) => m.report);
    await sleep(500);
    const finals = game
      ? await pool(gameIds, 4, async (id) => {
          try {
            return await api!.stats(id);
          } catch {
            return null;
          }
        })
      : [];
    // Metrics reach /metrics in batches: give the last ones a moment.
    if (game) await sleep(1500);
    const desyncs1 = game ? await scrapeCounter(api!.baseUrl, o.metricsToken, "pong_game_desyncs_total") : null;

    return summarize(o, {
      startedAt,
      loadBefore,
      loadAfter,
      createS,
      seat0S,
      seat1S,
      allStartedS,
      statsFetchS,
      desyncsCounted: desyncs0 !== null && desyncs1 !== null ? desyncs1 - desyncs0 : null,
      connectFailed,
      before,
      after,
      finals,
      windowReports,
      endReports,
      cpu: cpuBetween(cpu0, cpu1),
    });
  } finally {
    procs.forEach((p) => p.kill());
  }
}

interface Raw {
  startedAt: string;
  loadBefore: number[];
  loadAfter: number[];
  createS: number;
  seat0S: number;
  seat1S: number;
  allStartedS: number;
  statsFetchS: number;
  desyncsCounted: number | null;
  connectFailed: number;
  before: ({ s: ServerStats; at: number } | null)[];
  after: ({ s: ServerStats; at: number } | null)[];
  finals: (ServerStats | null)[];
  windowReports: BotsReport[];
  endReports: BotsReport[];
  cpu: CpuFigures;
}

function summarize(o: StepOptions, r: Raw): StepResult {
  const n = o.matches;
  const players = 2 * n;
  const game = o.mode === "game";
  // Server side (game mode).
  const games = r.after.filter((x): x is { s: ServerStats; at: number } => x !== null);
  let tickRateSum = 0;
  let rateGames = 0;
  const units = { messagesIn: 0, alarms: 0, setAlarms: 0, storageWrites: 0, framesOut: 0, bytesOut: 0 };
  const alarmsFor: Record<string, number> = {};
  const assist = { wakes: 0, unasked: 0 };
  r.after.forEach((a, i) => {
    const b = r.before[i];
    if (!a || !b || a.s.activeSinceMs !== b.s.activeSinceMs) return; // restarted instance: no delta
    const hours = (a.at - b.at) / 3_600_000;
    if (hours <= 0) return;
    tickRateSum += (a.s.ticks - b.s.ticks) / (hours * 3600);
    rateGames++;
    for (const k of Object.keys(units) as (keyof typeof units)[]) units[k] += (a.s[k] - b.s[k]) / hours;
    for (const [why, count] of Object.entries(a.s.alarmsFor ?? {})) alarmsFor[why] = (alarmsFor[why] ?? 0) + (count - (b.s.alarmsFor?.[why] ?? 0)) / hours;
    assist.wakes += ((a.s.wakes ?? 0) - (b.s.wakes ?? 0)) / hours;
    assist.unasked += ((a.s.unaskedPoints ?? 0) - (b.s.unaskedPoints ?? 0)) / hours;
  });
  for (const k of Object.keys(units) as (keyof typeof units)[]) units[k] = rateGames ? units[k] / rateGames : NaN;
  for (const why of Object.keys(alarmsFor)) alarmsFor[why] = alarmsFor[why] / rateGames;

  // Client side.
  const relay = new Hist();
  const pointLate = new Hist();
  const w = {
    seconds: 0,
    binaryFrames: 0,
    binaryBytes: 0,
    textFrames: 0,
    textBytes: 0,
    upFrames: 0,
    upBytes: 0,
    socketRead: 0,
    socketWritten: 0,
    socketReads: 0,
    frameHeaderDown: 0,
    frameHeaderUp: 0,
    inputsSent: 0,
    inputsUnrelayed: 0,
    botsReceiving: 0,
  };
  const loop = { p50: 0, p99: 0, max: 0 };
  const windowChecks: CheckTotals = { checked: 0, desyncs: 0, badRelays: 0, exact: 0, moved: 0, refused: 0, unverifiable: 0 };
  for (const rep of r.windowReports) {
    const win = rep.window!;
    for (const k of Object.keys(windowChecks) as (keyof CheckTotals)[]) windowChecks[k] += win.checks?.[k] ?? 0;
    relay.merge(win.relay);
    pointLate.merge(win.pointLate);
    w.seconds = Math.max(w.seconds, win.seconds);
    for (const k of Object.keys(w) as (keyof typeof w)[]) if (k !== "seconds") w[k] += win[k];

    loop.p50 = Math.max(loop.p50, rep.loopDelay.p50);
    loop.p99 = Math.max(loop.p99, rep.loopDelay.p99);
    loop.max = Math.max(loop.max, rep.loopDelay.max);
  }

  const errors = {
    connectFailures: r.connectFailed,
    connectFailureSamples: [] as string[],
    unexpectedCloses: 0,
    closeCodes: {} as Record<string, number>,
    serverErrors: {} as Record<string, number>,
    decodeErrors: 0,
    wsErrors: 0,
    notStarted: 0,
    gameOverMissing: 0,
    gameOverDuplicated: 0,
    gameOverBeforeResign: 0,
    gamesNotFinished: game ? r.finals.filter((s) => !s || s.phase !== "finished").length : 0,
  };
  const integrity = { checked: 0, desyncs: 0, badRelays: 0, exact: 0, moved: 0, refused: 0, unverifiable: 0, samples: [] as string[], movedNotices: 0, refusedNotices: 0, clockOffsetMaxMs: 0, window: windowChecks };
  const extensions: Record<string, number> = {};
  let points = 0;
  for (const rep of r.endReports) {
    errors.connectFailureSamples.push(...rep.connectFailures);
    errors.unexpectedCloses += rep.unexpectedCloses;
    for (const [k, v] of Object.entries(rep.closeCodes)) errors.closeCodes[k] = (errors.closeCodes[k] ?? 0) + v;
    for (const [k, v] of Object.entries(rep.serverErrors)) errors.serverErrors[k] = (errors.serverErrors[k] ?? 0) + v;
    for (const [k, v] of Object.entries(rep.extensions)) extensions[k || "none"] = (extensions[k || "none"] ?? 0) + v;
    errors.decodeErrors += rep.decodeErrors;
    errors.wsErrors += rep.wsErrors;
    errors.notStarted += rep.bots - rep.started;
    errors.gameOverMissing += rep.gameOver.none;
    errors.gameOverDuplicated += rep.gameOver.more;
    errors.gameOverBeforeResign += rep.gameOver.endedBeforeResign ?? 0;
    points += rep.points;
    for (const k of ["checked", "desyncs", "badRelays", "exact", "moved", "refused", "unverifiable"] as const) integrity[k] += rep.checks[k];
    integrity.samples.push(...rep.desyncSamples);
    integrity.movedNotices += rep.movedNotices;
    integrity.refusedNotices += rep.refusedNotices;
    integrity.clockOffsetMaxMs = Math.max(integrity.clockOffsetMaxMs, rep.clockOffsetMaxMs);
  }
  const fin = r.finals.filter((x): x is ServerStats => x !== null);
  const avg = (f: (s: ServerStats) => number) => (fin.length ? fin.reduce((a, s) => a + f(s), 0) / fin.length : NaN);
  const per = (v: number) => v / players / (w.seconds || 1);
  const q = (h: Hist): Quantiles => ({ p50: h.quantile(0.5), p99: h.quantile(0.99), max: h.n ? h.max : NaN, n: h.n });
  return {
    mode: o.mode,
    matches: n,
    players,
    path: o.path,
    deflateOffered: o.deflate,
    extensions,
    seconds: w.seconds,
    warmupS: o.warmupS,
    startedAt: r.startedAt,
    load: { before: r.loadBefore, after: r.loadAfter },
    rampS: { createGames: r.createS, connectSeat0: r.seat0S, connectSeat1: r.seat1S, allStarted: r.allStartedS },
    server: {
      games: games.length,
      alarmLatenessP50Median: median(games.map((g) => g.s.latenessP50Ms)),
      alarmLatenessP99Median: median(games.map((g) => g.s.latenessP99Ms)),
      alarmLatenessP99Worst: games.length ? Math.max(...games.map((g) => g.s.latenessP99Ms)) : NaN,
      alarmLatenessMax: games.length ? Math.max(...games.map((g) => g.s.latenessMaxMs)) : NaN,
      tickRatePerGame: rateGames ? tickRateSum / rateGames : NaN,
      statsFetchS: r.statsFetchS,
      desyncsCounted: r.desyncsCounted,
      wakesPerGameHour: rateGames ? assist.wakes / rateGames : NaN,
      unaskedPointsPerGameHour: rateGames ? assist.unasked / rateGames : NaN,
      assistedGames: games.filter((g) => g.s.assisted).length,
    },
    client: {
      relay: q(relay),
      relayByProc: r.windowReports.map((rep) => q(Hist.from(rep.window!.relay))),
      pointLate: q(pointLate),
      inputsSent: w.inputsSent,
      inputsUnrelayed: w.inputsUnrelayed,
      inputsPerSecPerPlayer: per(w.inputsSent),
      playersReceiving: w.botsReceiving,
      framesDownPerSecPerPlayer: per(w.binaryFrames + w.textFrames),
    },
    integrity,
    bytes: {
      downPayload: per(w.binaryBytes + w.textBytes),
      downFramed: per(w.binaryBytes + w.textBytes + w.frameHeaderDown),
      downSocket: per(w.socketRead),
      downWireEstimate: per(w.socketRead + 52 * w.socketReads),
      upPayload: per(w.upBytes),
      upFramed: per(w.upBytes + w.frameHeaderUp),
      upSocket: per(w.socketWritten),
    },
    unitsPerGameHour: { ...units, alarmsFor },
    lifetimePerMatch: {
      messagesIn: avg((s) => s.messagesIn),
      alarms: avg((s) => s.alarms),
      storageWrites: avg((s) => s.storageWrites),
      setAlarms: avg((s) => s.setAlarms),
    },
    cpu: r.cpu,
    serverCpuPerMatch: r.cpu.serverGroup / n,
    botLoopDelay: loop,
    errors,
    points,
  };
}
