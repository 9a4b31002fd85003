/**
 * The `load` bench part: a ladder of N concurrent 2P matches on the timer driver (permessage-deflate
 * offered, as browsers do), one comparison step without deflate, one step on the alarm driver, and
 * the cost per game-hour of each driver from the units the objects counted.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Api } from "./api";
import { costOf, pricesLine, PRICES, type Cost } from "./cost";
import { registerAccounts, runStep, type NetPath, type StepResult } from "./load";
import { machineInfo, machineLine } from "../machine";
import { waitForQuiet } from "./procstat";
import { REPO, startDevServer, type DevServer, type SourceMode } from "./server";

export interface LoadOptions {
  matches?: number[];
  seconds?: number;
  warmupS?: number;
  botProcs?: number;
  aiLevel?: "easy" | "medium" | "hard";
  /** N for the no-deflate comparison step (0: skip). */
  noDeflateMatches?: number;
  /** How bots reach the Worker in the ladder (default "direct"; see NetPath). */
  path?: NetPath;
  /** N for the comparison step over the other path (0: skip). */
  otherPathMatches?: number;
  /** N for the alarm-driver step (0: skip). */
  alarmMatches?: number;
  /** Run the ladder itself without deflate (default: deflate offered). */
  deflate?: boolean;
  source?: SourceMode;
  countdownS?: number;
  /** Stop climbing the ladder after a step whose worst-game p99 exceeds this (ms); 0 = never stop. */
  stopAboveP99Ms?: number;
  log?: (line: string) => void;
  /** Write bench/results/<stamp>-load.json (default true). */
  writeJson?: boolean;
  label?: string;
  /** Local state on "disk" (default) or "tmpfs"; wrangler dev's local observability on or off (default off). */
  stateOn?: "disk" | "tmpfs";
  localObservability?: boolean;
  /** Re-run a step (once) whose window saw other processes use more than this % of a core (default 50; 0 = never). */
  retryNoisyPct?: number;
  /** Before each step, wait up to this long for other processes' CPU to drop below quietPct (default 90 s, 30 %). */
  quietWaitS?: number;
  quietPct?: number;
}

export const METRICS_TOKEN = "bench-metrics-token-0123456789";

export function benchVars(driver: "timer" | "alarm", countdownS: number): Record<string, string> {
  return {
    APP_ENV: "development",
    METRICS_TOKEN,
    WIN_SCORE: "99", // matches never end by score during a step
    TICK_DRIVER: driver,
    COUNTDOWN_S: String(countdownS),
    REGISTER_RATE_LIMIT: "1000000",
    REGISTER_GLOBAL_RATE_LIMIT: "1000000",
    LOGIN_RATE_LIMIT: "1000000",
    LOGIN_FAILURE_LIMIT: "1000000",
    TOURNAMENT_CREATE_RATE_LIMIT: "1000000",
  };
}

export interface DriverCost {
  driver: "timer" | "alarm";
  /** Set on the projection row: what the units would be at one alarm + one setAlarm per tick (60/s). */
  projected?: string;
  fromStep: { matches: number; deflate: boolean };
  unitsPerGameHour: { messagesIn: number; alarms: number; rowsWritten: number; activeSeconds: number; otherRequests: number };
  cost: Cost;
  /** Per match, outside play: create/countdown/end writes and alarms, 2 upgrades + 3 RPCs. */
  perMatchFixed: { requests: number; rowsWritten: number; usd: number };
}

export interface LoadResult {
  machine: ReturnType<typeof machineInfo>;
  workerd: string;
  wrangler: string;
  source: { mode: SourceMode; commit: string; dirtyFiles: string[] };
  steps: StepResult[];
  costs: DriverCost[];
  headline: { maxMatchesP99Within2Ms: number | null; criterion: string };
  prices: typeof PRICES;
  markdown: string;
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
}

function driverCost(step: StepResult): DriverCost {
  const u = step.unitsPerGameHour;
  const units = { messagesIn: u.messagesIn, alarms: u.alarms, rowsWritten: u.storageWrites, activeSeconds: u.activeSeconds, otherRequests: 0 };
  // Outside play: lifetime units minus what the steady rate explains for the ticks played.
  const lt = step.lifetimePerMatch;
  const playHours = lt.ticks / 60 / 3600;
  const fixedRows = Math.max(0, lt.storageWrites - u.storageWrites * playHours);
  const fixedAlarms = Math.max(0, lt.alarms - u.alarms * playHours);
  const fixedMsgs = Math.max(0, lt.messagesIn - u.messagesIn * playHours);
  const fixedRequests = fixedMsgs / PRICES.wsMessagesPerRequest + fixedAlarms + 2 /* upgrades */ + 3; /* init + 2 claimSeat RPCs */
  const fixedCost = costOf({ messagesIn: 0, alarms: 0, otherRequests: fixedRequests, rowsWritten: fixedRows, activeSeconds: 0 });
  return {
    driver: step.driver,
    fromStep: { matches: step.matches, deflate: step.deflateOffered },
    unitsPerGameHour: units,
    cost: costOf(units),
    perMatchFixed: { requests: fixedRequests, rowsWritten: fixedRows, usd: fixedCost.usd.total },
  };
}

/**
 * The alarm driver as scheduled: one alarm invocation and one setAlarm (a row written) per tick,
 * 216,000 each per hour. Locally alarms fire late, so fewer run (the clock catches up several ticks
 * per wake-up); in production they fire close to their time.
 */
function projectAlarm(measured: DriverCost): DriverCost {
  const perHour = 60 * 3600;
  const u = { ...measured.unitsPerGameHour, alarms: perHour, rowsWritten: perHour + Math.max(0, measured.unitsPerGameHour.rowsWritten - measured.unitsPerGameHour.alarms) };
  return { ...measured, projected: "one alarm + one setAlarm per tick", unitsPerGameHour: u, cost: costOf(u) };
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
const f0 = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString("en-US") : "–");
const pctf = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(v >= 0.999 ? 2 : 1)}%` : "–");
const kb = (v: number) => (Number.isFinite(v) ? (v / 1000).toFixed(2) : "–");

function errorsCell(s: StepResult): string {
  const e = s.errors;
  const parts: string[] = [];
  if (e.connectFailures) parts.push(`${e.connectFailures} connect failed`);
  if (e.notStarted) parts.push(`${e.notStarted} not started`);
  if (e.unexpectedCloses) parts.push(`${e.unexpectedCloses} unexpected closes`);
  if (e.wsErrors) parts.push(`${e.wsErrors} ws errors`);
  if (e.decodeErrors) parts.push(`${e.decodeErrors} decode errors`);
  const se = Object.entries(e.serverErrors).map(([k, v]) => `${v} ${k}`);
  if (se.length) parts.push(`server errors: ${se.join(", ")}`);
  if (e.gameOverMissing) parts.push(`${e.gameOverMissing} game_over missed`);
  if (e.gameOverDuplicated) parts.push(`${e.gameOverDuplicated} game_over duplicated`);
  if (e.gamesNotFinished) parts.push(`${e.gamesNotFinished} games not finished`);
  return parts.length ? parts.join("; ") : "none";
}

function mode(s: StepResult): string {
  const negotiated = Object.keys(s.extensions).filter((k) => k !== "none");
  return `${s.path} | ${s.deflateOffered ? (negotiated.length ? "deflate" : "offered, refused") : "off"}`;
}

export function loadMarkdown(r: Omit<LoadResult, "markdown">, jsonPath: string | null, label?: string): string {
  const rows1 = r.steps.map(
    (s) =>
      `| ${s.matches} | ${s.driver} | ${mode(s)} | ${s.server.window ? `${pctf(s.server.window.within1Ms)} / ${pctf(s.server.window.within2Ms)} / ≤ ${s.server.window.p99AtMostMs}` : "–"} | ${f1(s.server.latenessP50Median)} / ${f1(s.server.latenessP99Median)} / ${f1(s.server.latenessP99Worst)} / ${f1(s.server.latenessMax)} | ` +
      `${f1(s.server.tickRatePerGame)} | ${f1(s.client.gap.p50)} / ${f1(s.client.gap.p99)} / ${f1(s.client.gap.max)} | ${(s.client.gapsOver1_5Periods * 100).toFixed(2)}% | ${f1(s.client.snapshotsPerSecPerPlayer)} | ` +
      `${f1(s.client.ack.p50)} / ${f1(s.client.ack.p99)} | ${s.load.before[0].toFixed(2)} → ${s.load.after[0].toFixed(2)} |`,
  );
  const rows2 = r.steps.map(
    (s) =>
      `| ${s.matches} | ${s.driver} | ${mode(s)} | ${kb(s.bytes.downPayload)} / ${kb(s.bytes.downFramed)} / ${kb(s.bytes.downSocket)} | ` +
      `${kb(s.bytes.upPayload)} / ${kb(s.bytes.upFramed)} / ${kb(s.bytes.upSocket)} | ${f1(s.bytes.snapshotAvgBytes)} | ${f1(s.client.inputsPerSecPerPlayer)} |`,
  );
  const rows3 = r.steps.map(
    (s) =>
      `| ${s.matches} | ${s.driver} | ${mode(s)} | ${f0(s.cpu.appWorkerd)} | ${f0(s.cpu.proxyWorkerd)} | ${f0(s.cpu.wrangler)} | ${f0(s.cpu.bots)} | ${f0(s.cpu.other)} | ${f0(s.cpu.machine)} | ` +
      `${f0(s.cpu.appRssMiB)} / ${f0(s.cpu.proxyRssMiB)} | ${f1(s.botLoopDelay.p99)} | ${errorsCell(s)} |`,
  );
  const costRows = r.costs.map(
    (c) =>
      `| ${c.driver}${c.projected ? ` (projected: ${c.projected})` : " (measured)"} | ${c.fromStep.matches} | ${f0(c.unitsPerGameHour.messagesIn)} | ${f0(c.unitsPerGameHour.alarms)} | ${f0(c.unitsPerGameHour.rowsWritten)} | ${f0(c.cost.requests)} | ${f0(c.cost.gbSeconds)} | ` +
      `$${c.cost.usd.requests.toFixed(5)} | $${c.cost.usd.duration.toFixed(5)} | $${c.cost.usd.rows.toFixed(5)} | **$${c.cost.usd.total.toFixed(4)}** | ${c.perMatchFixed.requests.toFixed(0)} req + ${c.perMatchFixed.rowsWritten.toFixed(0)} rows ($${c.perMatchFixed.usd.toFixed(6)}) |`,
  );
  const h = r.headline;
  return [
    `## Load${label ? ` (\`${label}\`)` : ""}: concurrent 2P matches on \`wrangler dev\``,
    "",
    `Machine: ${machineLine(r.machine)}; workerd ${r.workerd}, wrangler ${r.wrangler}. Sources: ${r.source.mode} at ${r.source.commit}` +
      `${r.source.dirtyFiles.length ? ` with ${r.source.dirtyFiles.length} uncommitted files of the tree (${r.source.dirtyFiles.slice(0, 6).join(", ")}${r.source.dirtyFiles.length > 6 ? ", …" : ""})` : ""}. ` +
      `Run on ${r.steps[0]?.startedAt.slice(0, 16).replace("T", " ") ?? "?"} UTC.${jsonPath ? ` Raw figures: \`${jsonPath}\`.` : ""}`,
    "",
    h.maxMatchesP99Within2Ms === null
      ? `**Headline: none of the N tried kept p99 tick lateness <= 2 ms** (${h.criterion}).`
      : `**Headline: ${h.maxMatchesP99Within2Ms} concurrent 2P matches** (${h.criterion}).`,
    "",
    "Timing. Tick lateness is the server's own measurement, read two ways. Window: the difference of the cumulative lateness histogram every game reports to `/metrics` " +
      "(Prometheus buckets at 1, 2, 4, 8, 16, ... ms; games report every 5 s, so this covers the window give or take 5 s, start-up excluded), all games merged: share of loop runs at most 1 ms and at most 2 ms late, " +
      "and the bucket bound that holds p99. Since game start: each game's own 0.1 ms histogram (`GET /api/admin/games/:id/stats`), which also holds the start of the match when every game starts at once: " +
      "median over games of each game's p50 / median of the p99s / the worst game's p99 / the largest single lateness, in ms. Tick rate: ticks per second per game over the window (60 = on schedule). " +
      "Gaps and input→ack are what the bots measured in the window (all bots merged): snapshot inter-arrival p50 / p99 / max; share of gaps over 1.5 periods (50 ms); input→ack = `input` sent → first snapshot whose ack for that seat reaches its seq (p50 / p99, ms).",
    "",
    "| N | driver | path | WS compression | window: runs ≤ 1 ms / ≤ 2 ms late, p99 bucket (ms) | since game start, ms: p50 / p99 (median game) / p99 (worst game) / max | ticks/s per game | snapshot gap ms p50 / p99 / max | gaps > 50 ms | snapshots/s per player | input→ack ms p50 / p99 | load avg (1 min) before → after |",
    "| ---: | --- | --- | --- | --- | --- | ---: | --- | ---: | ---: | --- | --- |",
    ...rows1,
    "",
    "Bandwidth per player, KB/s (1 KB = 1000 bytes): payload (message bytes after decompression) / framed (payload + WebSocket frame headers: 2 bytes down, 6 masked up, no compression) / " +
      "socket (bytes that crossed the bot's TCP socket: frames as sent, compressed when deflate was negotiated; no TCP/IP or TLS overhead).",
    "",
    "| N | driver | path | WS compression | down payload / framed / socket | up payload / framed / socket | avg snapshot bytes | inputs/s per player |",
    "| ---: | --- | --- | --- | --- | --- | ---: | ---: |",
    ...rows2,
    "",
    "CPU in % of one core over the window (the machine has 2 cores = 200 %), from /proc: the app workerd (all Durable Objects and the Worker), the proxy workerd that `wrangler dev` puts in front of it (every frame crosses both), " +
      "wrangler's node processes, the bot processes, and everything else on the machine (other engineers' work). RSS at the end of the window. Bot loop delay: the bots' worst event-loop delay p99 (ms); high values mean the bots, not the server, delayed what they measured.",
    "",
    "| N | driver | path | WS compression | app workerd | proxy workerd | wrangler | bots | other | machine | RSS MiB app / proxy | bot loop delay p99 | errors |",
    "| ---: | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |",
    ...rows3,
    "",
    "### Cost per game-hour",
    "",
    `Units counted by the objects themselves over the window (per game, scaled to one hour; a playing match never hibernates, so it is active the whole hour). Prices: ${pricesLine()}. ` +
      "Requests = incoming WebSocket messages / 20 + alarm invocations; rows written = every `setAlarm` + every `put`; duration = 3,600 s x 128 MB. " +
      "Per match outside play (create, countdown, end): the lifetime units the objects counted minus what the steady rate explains, plus 2 WebSocket upgrades and 3 RPCs (init, two claimSeat); " +
      "not counted: the stateless Worker's own requests (API calls, upgrades) and the GameSession's RPCs to the Matchmaker and Metrics objects (a few per minute).",
    "",
    "| driver | from N | WS messages in | alarms | rows written | requests | GB-s | requests $ | duration $ | rows $ | total per game-hour | per match outside play |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...costRows,
  ].join("\n");
}

function versions(): { workerd: string; wrangler: string } {
  const read = (p: string) => {
    try {
      return JSON.parse(readFileSync(`${REPO}/node_modules/${p}/package.json`, "utf8")).version as string;
    } catch {
      return "?";
    }
  };
  return { workerd: read("workerd"), wrangler: read("wrangler") };
}

/** Headline and per-driver costs of a run's steps. */
export function summarizeRun(steps: StepResult[], path: NetPath, deflate: boolean, alarmN: number): { headline: LoadResult["headline"]; costs: DriverCost[] } {
  const ladder = steps.filter((s) => s.driver === "timer" && s.deflateOffered === deflate && s.path === path);
  const ok = ladder.filter((s) => (s.server.window?.within2Ms ?? 0) >= 0.99 && s.errors.connectFailures === 0 && s.errors.notStarted === 0);
  const headline = {
    maxMatchesP99Within2Ms: ok.length ? Math.max(...ok.map((s) => s.matches)) : null,
    criterion: `largest N of the timer-driver ladder (${path === "direct" ? "bots connected to the app workerd directly" : "through wrangler dev's proxy"}, ${deflate ? "deflate offered" : "no deflate"}) whose p99 tick lateness over the window (all games merged) was <= 2 ms, i.e. at least 99% of loop runs at most 2 ms late, with every match started; tried ${ladder.map((s) => s.matches).join(", ")}`,
  };
  const costs: DriverCost[] = [];
  const timerStep = [...ladder].sort((a, b) => Math.abs(a.matches - alarmN) - Math.abs(b.matches - alarmN))[0];
  if (timerStep) costs.push(driverCost(timerStep));
  const alarmStep = steps.find((s) => s.driver === "alarm");
  if (alarmStep) costs.push(driverCost(alarmStep), projectAlarm(driverCost(alarmStep)));
  return { headline, costs };
}

/** Markdown of a saved run (bench/results/*-load*.json), with the current rendering and cost model. */
export function renderLoadJson(file: string): string {
  const d = JSON.parse(readFileSync(file, "utf8")) as Omit<LoadResult, "markdown"> & { options?: LoadOptions };
  const path: NetPath = d.options?.path ?? "direct";
  const deflate = d.options?.deflate ?? true;
  const alarmN = d.steps.find((s) => s.driver === "alarm")?.matches ?? 50;
  const { headline, costs } = summarizeRun(d.steps, path, deflate, alarmN);
  const rel = file.startsWith(REPO) ? file.slice(REPO.length + 1) : file;
  return loadMarkdown({ ...d, headline, costs }, rel, d.options?.label);
}

export async function runLoadBench(o: LoadOptions = {}): Promise<LoadResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const matches = o.matches ?? [10, 25, 50, 100];
  const seconds = o.seconds ?? 10;
  // Games report their tick metrics every 5 s: 6 s of warm-up keeps the start-up burst out of the window.
  const warmupS = o.warmupS ?? 6;
  const botProcs = o.botProcs ?? 2;
  const aiLevel = o.aiLevel ?? "medium";
  const countdownS = o.countdownS ?? 3;
  const deflate = o.deflate ?? true;
  const noDeflateN = o.noDeflateMatches ?? Math.min(100, Math.max(...matches));
  const alarmN = o.alarmMatches ?? Math.min(50, Math.max(...matches));
  const stopAbove = o.stopAboveP99Ms ?? 0;
  const path: NetPath = o.path ?? "direct";
  const otherPath: NetPath = path === "direct" ? "proxy" : "direct";
  const otherPathN = o.otherPathMatches ?? Math.min(50, Math.max(...matches));
  const quietWaitS = o.quietWaitS ?? 90;
  const quietPct = o.quietPct ?? 30;
  const retryNoisyPct = o.retryNoisyPct ?? 50;
  const machine = machineInfo();
  const steps: StepResult[] = [];
  let src: LoadResult["source"] = { mode: o.source ?? "worktree", commit: "?", dirtyFiles: [] };
  const tag = Date.now().toString(36).slice(-6);

  const withServer = async (driver: "timer" | "alarm", fn: (server: DevServer, api: Api) => Promise<void>) => {
    const server = await startDevServer({ vars: benchVars(driver, countdownS), source: o.source, stateOn: o.stateOn, localObservability: o.localObservability, log });
    src = { mode: server.source, commit: server.gitCommit, dirtyFiles: server.dirtyFiles };
    try {
      await fn(server, new Api(server.appEntryUrl ?? server.baseUrl, METRICS_TOKEN));
    } finally {
      await server.stop();
    }
  };

  const step = async (
    server: DevServer,
    directApi: Api,
    accounts: Awaited<ReturnType<typeof registerAccounts>>,
    n: number,
    driver: "timer" | "alarm",
    df: boolean,
    netPath: NetPath = path,
    attempt = 1,
  ): Promise<StepResult> => {
    const api = netPath === "direct" ? directApi : new Api(server.baseUrl, METRICS_TOKEN);
    const quiet = await waitForQuiet([process.pid, server.pid], quietPct, quietWaitS * 1000, machine.cores);
    log(
      `step: N=${n} driver=${driver} path=${netPath} deflate=${df ? "offered" : "off"} (${seconds} s window); other load ${quiet.otherPct.toFixed(0)}% of a core` +
        (quiet.waitedMs > 1500 ? ` after waiting ${(quiet.waitedMs / 1000).toFixed(0)} s for quiet` : ""),
    );
    const r = await runStep(server, api, accounts, { matches: n, path: netPath, seconds, warmupS, deflate: df, botProcs, aiLevel, driver, metricsToken: METRICS_TOKEN, log });
    r.quietBefore = { otherPct: quiet.otherPct, waitedS: quiet.waitedMs / 1000 };
    const wl = r.server.window;
    log(
      `  window lateness: ${wl ? `${pctf(wl.within1Ms)} <= 1 ms, ${pctf(wl.within2Ms)} <= 2 ms, p99 <= ${wl.p99AtMostMs} ms` : "n/a"}; lifetime lateness p50 ${f1(r.server.latenessP50Median)} p99 median ${f1(r.server.latenessP99Median)} worst ${f1(r.server.latenessP99Worst)} max ${f1(r.server.latenessMax)} ms; ` +
        `gaps p50 ${f1(r.client.gap.p50)} p99 ${f1(r.client.gap.p99)} ms; ack p50 ${f1(r.client.ack.p50)} p99 ${f1(r.client.ack.p99)} ms; ` +
        `down ${kb(r.bytes.downPayload)}/${kb(r.bytes.downSocket)} KB/s; cpu app ${f0(r.cpu.appWorkerd)}% proxy ${f0(r.cpu.proxyWorkerd)}% bots ${f0(r.cpu.bots)}% other ${f0(r.cpu.other)}%; errors: ${errorsCell(r)}`,
    );
    if (retryNoisyPct > 0 && attempt === 1 && r.cpu.other > retryNoisyPct) {
      log(`  other processes used ${f0(r.cpu.other)}% of a core during the window: running this step again`);
      const again = await step(server, directApi, accounts, n, driver, df, netPath, 2);
      if (again.cpu.other <= r.cpu.other) return again;
      steps.splice(steps.indexOf(again), 1);
      r.noisyRetried = true;
    }
    steps.push(r);
    return r;
  };

  const maxN = Math.max(...matches, noDeflateN);
  await withServer("timer", async (server, api) => {
    const accounts = await registerAccounts(api, 2 * maxN, tag, log);
    for (const n of matches) {
      const r = await step(server, api, accounts, n, "timer", deflate);
      if (stopAbove > 0 && r.server.latenessP99Worst > stopAbove) {
        log(`  worst-game p99 above ${stopAbove} ms: not climbing further`);
        break;
      }
    }
    if (noDeflateN > 0) await step(server, api, accounts, noDeflateN, "timer", !deflate);
    if (otherPathN > 0) await step(server, api, accounts, otherPathN, "timer", deflate, otherPath);
  });
  if (alarmN > 0) {
    await withServer("alarm", async (server, api) => {
      const accounts = await registerAccounts(api, 2 * alarmN, `${tag}a`, log);
      await step(server, api, accounts, alarmN, "alarm", deflate);
    });
  }

  const { headline, costs } = summarizeRun(steps, path, deflate, alarmN);

  const v = versions();
  let jsonPath: string | null = null;
  const base = { machine, workerd: v.workerd, wrangler: v.wrangler, source: src, steps, costs, headline, prices: PRICES };
  if (o.writeJson !== false) {
    mkdirSync(`${REPO}/bench/results`, { recursive: true });
    jsonPath = `bench/results/${stamp()}-load${o.label ? `-${o.label}` : ""}.json`;
  }
  const markdown = loadMarkdown(base, jsonPath, o.label);
  if (jsonPath) {
    writeFileSync(`${REPO}/${jsonPath}`, JSON.stringify({ ...base, options: { ...o, log: undefined } }, null, 1));
    log(`wrote ${jsonPath}`);
  }
  return { ...base, markdown };
}
