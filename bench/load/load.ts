/**
 * Load bench: N concurrent 2-player matches against `wrangler dev`, played by bot processes.
 *
 * One step = one N: N private games are created through the API (POST /api/games + /join), all
 * seat-0 sockets connect, then all seat-1 sockets (the countdown of each game starts when its
 * second player connects, so the connection ramp is mostly over before the ticks begin), every
 * game starts, a warm-up passes, then a measured window of `seconds`. The server's own loop stats
 * are read per game before and after the window (units billed, lateness histogram quantiles),
 * the bots report what clients saw, /proc says where the CPU went. Then every seat-0 bot resigns:
 * every bot must see exactly one game_over, and every socket must close normally.
 */
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { Api, latenessBetween, pool, scrapeLateness, type Account, type LatenessScrape, type ServerStats } from "./api";
import { Hist } from "./hist";
import type { BotSpec, BotsReport, FromBots, ToBots } from "./ipc";
import { cpuPercent, loadAverage, machineCpu, machineCpuPercent, sample, type ProcSample } from "./procstat";
import type { DevServer } from "./server";

export type NetPath = "direct" | "proxy";

export interface StepOptions {
  matches: number;
  /** "proxy": wrangler dev's public port (its proxy workerd in front); "direct": the app workerd's own entry socket. */
  path: NetPath;
  seconds: number;
  warmupS: number;
  deflate: boolean;
  botProcs: number;
  aiLevel: "easy" | "medium" | "hard";
  driver: "timer" | "alarm";
  metricsToken: string;
  log: (line: string) => void;
  /** Called right after the measured window opens / before it closes (e.g. a CPU profile). */
  onWindowStart?: () => Promise<void>;
  onWindowStop?: () => Promise<void>;
}

export interface CpuFigures {
  /** % of one core over the window. */
  appWorkerd: number;
  proxyWorkerd: number;
  wrangler: number;
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
  matches: number;
  players: number;
  driver: "timer" | "alarm";
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
  server: {
    games: number;
    /** Median over games of each game's p50 lateness. */
    latenessP50Median: number;
    /** Median over games of each game's p99. */
    latenessP99Median: number;
    /** 95th percentile over games of each game's p99. */
    latenessP99P95: number;
    /** The worst game's p99 (headline criterion). */
    latenessP99Worst: number;
    latenessMax: number;
    ticks: number;
    skippedTicks: number;
    /** Ticks the games ran per second of window, per game (60 = on schedule). */
    tickRatePerGame: number;
    statsFetchS: number;
    /**
     * The window alone, all games merged: differences of the cumulative tick-lateness histogram at
     * /metrics (Prometheus buckets 1, 2, 4, 8, ... ms). Games report every 5 s of ticks, so the
     * difference covers about the window, shifted by up to 5 s per game.
     */
    window: ReturnType<typeof latenessBetween>;
  };
  client: {
    gap: Quantiles;
    /** Share of snapshot gaps above 1.5 periods (50 ms at 30 Hz). */
    gapsOver1_5Periods: number;
    snapshotsPerSecPerPlayer: number;
    ack: Quantiles;
    inputsSent: number;
    inputsUnacked: number;
    inputsPerSecPerPlayer: number;
    playersReceiving: number;
  };
  bytes: {
    /** Per player, bytes per second. */
    downPayload: number;
    downFramed: number;
    downSocket: number;
    upPayload: number;
    upFramed: number;
    upSocket: number;
    snapshotAvgBytes: number;
  };
  /** Billable units per game over the window, scaled to one hour. */
  unitsPerGameHour: {
    messagesIn: number;
    alarms: number;
    setAlarms: number;
    storageWrites: number;
    activeSeconds: number;
  };
  /** Whole-lifetime units per match (create, countdown, play, resign, end), averaged over matches. */
  lifetimePerMatch: { messagesIn: number; alarms: number; storageWrites: number; setAlarms: number; ticks: number };
  cpu: CpuFigures;
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
    gamesNotFinished: number;
  };
  points: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const median = (xs: number[]) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};
const pct = (xs: number[], q: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

/** A bot child process with a typed message queue. */
class BotProc {
  readonly child: ChildProcess;
  private queue: FromBots[] = [];
  private waiters: (() => void)[] = [];
  startedCount = 0;

  constructor() {
    const file = fileURLToPath(new URL("./bot-process.ts", import.meta.url));
    this.child = fork(file, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
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
  bots: (ProcSample | null)[];
  machine: ReturnType<typeof machineCpu>;
}

function readCpu(server: DevServer, bots: BotProc[]): CpuReading {
  return {
    app: sample(server.appPid),
    proxy: sample(server.proxyPid),
    wrangler: server.wranglerPids.map(sample),
    bots: bots.map((b) => sample(b.child.pid!)),
    machine: machineCpu(),
  };
}

function cpuBetween(a: CpuReading, b: CpuReading): CpuFigures {
  const sum = (xs: (ProcSample | null)[], ys: (ProcSample | null)[]) => xs.reduce((acc, x, i) => acc + (cpuPercent(x, ys[i]) || 0), 0);
  const appWorkerd = cpuPercent(a.app, b.app);
  const proxyWorkerd = cpuPercent(a.proxy, b.proxy);
  const wrangler = sum(a.wrangler, b.wrangler);
  const bots = sum(a.bots, b.bots);
  const machine = machineCpuPercent(a.machine, b.machine, os.cpus().length);
  return {
    appWorkerd,
    proxyWorkerd,
    wrangler,
    bots,
    machine,
    other: Math.max(0, machine - appWorkerd - proxyWorkerd - wrangler - bots),
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

/** One measured step with N matches. `accounts` needs at least 2N entries. */
export async function runStep(server: DevServer, api: Api, accounts: Account[], o: StepOptions): Promise<StepResult> {
  const { log } = o;
  const n = o.matches;
  if (accounts.length < 2 * n) throw new Error(`need ${2 * n} accounts, have ${accounts.length}`);
  const loadBefore = loadAverage();
  const startedAt = new Date().toISOString();

  // Games: seat 0 creates a private game, seat 1 joins it.
  let t = Date.now();
  const gameIds = await pool(
    Array.from({ length: n }, (_, i) => i),
    8,
    async (i) => {
      const g = await api.createGame(accounts[2 * i]);
      const j = await api.joinGame(accounts[2 * i + 1], g.gameId);
      if (g.seat !== 0 || j.seat !== 1) throw new Error(`unexpected seats ${g.seat}/${j.seat} in ${g.gameId} (${g.status}/${j.status})`);
      return g.gameId;
    },
  );
  const createS = (Date.now() - t) / 1000;

  // Bot processes: match i goes to process i % P (both of its seats).
  const procCount = Math.max(1, Math.min(o.botProcs, n));
  const procs = Array.from({ length: procCount }, () => new BotProc());
  const specs: BotSpec[][] = procs.map(() => []);
  gameIds.forEach((gameId, i) => {
    for (const seat of [0, 1]) {
      const a = accounts[2 * i + seat];
      specs[i % procCount].push({ botId: 2 * i + seat, gameId, seat, token: a.token, seed: (i * 7919 + seat * 104729) >>> 0 });
    }
  });
  try {
    await Promise.all(procs.map((p) => p.next("ready")));
    const baseUrl = o.path === "direct" ? server.appEntryUrl : server.baseUrl;
    if (!baseUrl) throw new Error("the app workerd's entry socket was not found: use --path proxy");
    procs.forEach((p, i) => p.send({ type: "assign", baseUrl, bots: specs[i], deflate: o.deflate, aiLevel: o.aiLevel }));
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
    log(`  ${n} games: created in ${createS.toFixed(1)} s, seat 0 connected in ${seat0S.toFixed(1)} s, seat 1 in ${seat1S.toFixed(1)} s, all started ${allStartedS.toFixed(1)} s after the first seat-1 connect`);

    await sleep(o.warmupS * 1000);

    // Server units before the window (per game, with the time each answer came back).
    const fetchStats = async () =>
      pool(gameIds, 4, async (id) => {
        try {
          const s = await api.stats(id);
          return { s, at: Date.now() };
        } catch {
          return null;
        }
      });
    const before = await fetchStats();
    const scrape0 = await scrapeLateness(api.baseUrl, o.metricsToken);

    const cpu0 = readCpu(server, procs);
    procs.forEach((p) => p.send({ type: "window-start" }));
    await Promise.all(procs.map((p) => p.next("window-started")));
    await o.onWindowStart?.();
    await sleep(o.seconds * 1000);
    await o.onWindowStop?.();
    procs.forEach((p) => p.send({ type: "window-stop" }));
    const windowReports = (await Promise.all(procs.map((p) => p.next("window")))).map((m) => m.report);
    const cpu1 = readCpu(server, procs);
    const loadAfter = loadAverage();

    // Let every game's next 5 s metrics report land, so the scrape covers the whole window.
    await sleep(5500);
    const scrape1 = await scrapeLateness(api.baseUrl, o.metricsToken);
    t = Date.now();
    const after = await fetchStats();
    const statsFetchS = (Date.now() - t) / 1000;

    // End every match: seat 0 resigns, both sides must see exactly one game_over.
    procs.forEach((p) => p.send({ type: "end", timeoutMs: 20_000 }));
    const endReports = (await Promise.all(procs.map((p) => p.next("ended", 60_000)))).map((m) => m.report);
    await sleep(500);
    const finals = await pool(gameIds, 4, async (id) => {
      try {
        return await api.stats(id);
      } catch {
        return null;
      }
    });

    return summarize(o, {
      startedAt,
      loadBefore,
      loadAfter,
      createS,
      seat0S,
      seat1S,
      allStartedS,
      statsFetchS,
      windowLateness: latenessBetween(scrape0, scrape1),
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
  windowLateness: ReturnType<typeof latenessBetween>;
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
  // Server side.
  const games = r.after.filter((x): x is { s: ServerStats; at: number } => x !== null);
  const p50s = games.map((g) => g.s.latenessP50Ms);
  const p99s = games.map((g) => g.s.latenessP99Ms);
  let ticks = 0;
  let skipped = 0;
  let tickRateSum = 0;
  let rateGames = 0;
  const units = { messagesIn: 0, alarms: 0, setAlarms: 0, storageWrites: 0, activeSeconds: 0 };
  r.after.forEach((a, i) => {
    const b = r.before[i];
    if (!a || !b || a.s.activeSinceMs !== b.s.activeSinceMs) return; // restarted instance: no delta
    const hours = (a.at - b.at) / 3_600_000;
    if (hours <= 0) return;
    ticks += a.s.ticks - b.s.ticks;
    skipped += a.s.skippedTicks - b.s.skippedTicks;
    tickRateSum += (a.s.ticks - b.s.ticks) / (hours * 3600);
    rateGames++;
    units.messagesIn += (a.s.messagesIn - b.s.messagesIn) / hours;
    units.alarms += (a.s.alarms - b.s.alarms) / hours;
    units.setAlarms += (a.s.setAlarms - b.s.setAlarms) / hours;
    units.storageWrites += (a.s.storageWrites - b.s.storageWrites) / hours;
    units.activeSeconds += 3600; // a playing match never hibernates: active for the whole hour
  });
  for (const k of Object.keys(units) as (keyof typeof units)[]) units[k] = rateGames ? units[k] / rateGames : NaN;

  // Client side.
  const gap = new Hist();
  const ack = new Hist();
  const w = {
    seconds: 0,
    snapshots: 0,
    snapshotBytes: 0,
    textFrames: 0,
    textBytes: 0,
    upFrames: 0,
    upBytes: 0,
    socketRead: 0,
    socketWritten: 0,
    frameHeaderDown: 0,
    frameHeaderUp: 0,
    inputsSent: 0,
    inputsUnacked: 0,
    botsReceiving: 0,
  };
  const loop = { p50: 0, p99: 0, max: 0 };
  for (const rep of r.windowReports) {
    const win = rep.window!;
    gap.merge(win.gap);
    ack.merge(win.ack);
    w.seconds = Math.max(w.seconds, win.seconds);
    for (const k of Object.keys(w) as (keyof typeof w)[]) if (k !== "seconds") w[k] += win[k];
    loop.p50 = Math.max(loop.p50, rep.loopDelay.p50);
    loop.p99 = Math.max(loop.p99, rep.loopDelay.p99);
    loop.max = Math.max(loop.max, rep.loopDelay.max);
  }
  let over = 0;
  const gj = gap.toJSON();
  for (const [i, c] of gj.b) if ((i + 1) * 0.1 > 50) over += c;

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
    gamesNotFinished: r.finals.filter((s) => !s || s.phase !== "finished").length,
  };
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
    points += rep.points;
  }
  const botCpu = r.cpu;
  const fin = r.finals.filter((x): x is ServerStats => x !== null);
  const avg = (f: (s: ServerStats) => number) => (fin.length ? fin.reduce((a, s) => a + f(s), 0) / fin.length : NaN);
  const lifetimePerMatch = {
    messagesIn: avg((s) => s.messagesIn),
    alarms: avg((s) => s.alarms),
    storageWrites: avg((s) => s.storageWrites),
    setAlarms: avg((s) => s.setAlarms),
    ticks: avg((s) => s.ticks),
  };
  const per = (v: number) => v / players / (w.seconds || 1);
  const q = (h: Hist): Quantiles => ({ p50: h.quantile(0.5), p99: h.quantile(0.99), max: h.max, n: h.n });
  return {
    matches: n,
    players,
    driver: o.driver,
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
      latenessP50Median: median(p50s),
      latenessP99Median: median(p99s),
      latenessP99P95: pct(p99s, 0.95),
      latenessP99Worst: p99s.length ? Math.max(...p99s) : NaN,
      latenessMax: games.length ? Math.max(...games.map((g) => g.s.latenessMaxMs)) : NaN,
      ticks,
      skippedTicks: skipped,
      tickRatePerGame: rateGames ? tickRateSum / rateGames : NaN,
      statsFetchS: r.statsFetchS,
      window: r.windowLateness,
    },
    client: {
      gap: q(gap),
      gapsOver1_5Periods: gap.n ? over / gap.n : NaN,
      snapshotsPerSecPerPlayer: per(w.snapshots),
      ack: q(ack),
      inputsSent: w.inputsSent,
      inputsUnacked: w.inputsUnacked,
      inputsPerSecPerPlayer: per(w.inputsSent),
      playersReceiving: w.botsReceiving,
    },
    bytes: {
      downPayload: per(w.snapshotBytes + w.textBytes),
      downFramed: per(w.snapshotBytes + w.textBytes + w.frameHeaderDown),
      downSocket: per(w.socketRead),
      upPayload: per(w.upBytes),
      upFramed: per(w.upBytes + w.frameHeaderUp),
      upSocket: per(w.socketWritten),
      snapshotAvgBytes: w.snapshots ? w.snapshotBytes / w.snapshots : NaN,
    },
    unitsPerGameHour: units,
    lifetimePerMatch,
    cpu: botCpu,
    botLoopDelay: loop,
    errors,
    points,
  };
}
