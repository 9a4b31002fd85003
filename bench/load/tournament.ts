/**
 * What a waiting tournament costs. Four bots join a tournament and sit in its hall; both
 * semi-finals start; sf1 ends (one player resigns), so the tournament waits for sf2 between
 * rounds (the final cannot form). Over the wait we count, inside the app workerd, every entry
 * into the Tournament object (constructor, fetch, webSocketMessage/Close/Error, alarm, RPCs) with
 * counting breakpoints set through the inspector, the frames its hall clients receive, and
 * whether it holds an alarm. Then sf2 ends and reports: a constructor run on that wake-up shows
 * the object had been evicted from memory (hibernated) during the wait.
 */
import WebSocket from "ws";
import { Api, type Account } from "./api";
import { Cdp } from "./cdp";
import { costOf } from "./cost";
import { benchVars, METRICS_TOKEN } from "./index";
import { machineLine } from "../machine";
import { startDevServer } from "./server";
import { loadAverage } from "./procstat";

export interface TournamentWaitResult {
  waitS: number;
  counts: Record<string, number>;
  /** Entries into the Tournament object during the wait (all handlers and RPCs). */
  eventsDuringWait: number;
  hallFramesDuringWait: number;
  alarmDuringWait: string;
  /** Constructor runs when sf2's report woke the object after the wait (1 = it had been evicted). */
  constructorsOnWake: number;
  wokeBy: Record<string, number>;
  hibernatedDuringWait: boolean;
  beforeWait: Record<string, number>;
  hallOpenAfter: number;
  framesAfterWake: number;
  billedGbSecondsMeasured: string;
  notes: string[];
  load: number[];
  markdown: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Tournament entry points to count (method names as they appear in the bundled source). */
const ENTRIES = ["constructor", "init", "join", "leave", "chart", "reportResult", "fetch", "webSocketMessage", "webSocketClose", "webSocketError", "alarm"];

interface Hall {
  ws: WebSocket;
  frames: number;
  matchReady: { matchId: string; gameId: string }[];
}

function openSocket(baseUrl: string, path: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
    ws.once("unexpected-response", (_q, res) => reject(new Error(`upgrade ${res.statusCode}`)));
  });
}

const HIT = "__pongBenchHit";

/**
 * Sets a never-pausing breakpoint on the first statement of each Tournament entry point whose
 * condition logs a marker (a logpoint); `hits` counts the markers as the inspector reports them.
 */
async function armCounters(cdp: Cdp, hits: Record<string, number>): Promise<void> {
  const scripts: { scriptId: string; url: string }[] = [];
  cdp.on((method, params) => {
    if (method === "Debugger.scriptParsed") scripts.push({ scriptId: String(params.scriptId), url: String(params.url ?? "") });
    if (method === "Runtime.consoleAPICalled") {
      const args = (params.args ?? []) as { value?: unknown }[];
      if (args[0]?.value === HIT && typeof args[1]?.value === "string") hits[args[1].value] = (hits[args[1].value] ?? 0) + 1;
    }
  });
  await cdp.send("Runtime.enable");
  await cdp.send("Debugger.enable");
  await sleep(500);
  let armed = 0;
  for (const s of scripts) {
    const { scriptSource } = await cdp.send<{ scriptSource: string }>("Debugger.getScriptSource", { scriptId: s.scriptId });
    const start = scriptSource.search(/(var|class|let|const) Tournament\b|Tournament = class/);
    if (start < 0) continue;
    // The class body runs until the next top-level declaration.
    const rest = scriptSource.slice(start + 1);
    const endRel = rest.search(/\n(var|class|let|const|function|export|__name)\b/);
    const body = scriptSource.slice(start, endRel < 0 ? undefined : start + 1 + endRel);
    const lineOf = (offset: number) => scriptSource.slice(0, offset).split("\n").length - 1;
    for (const name of ENTRIES) {
      const re = name === "constructor" ? /\n\s*constructor\(/ : new RegExp(`\\n\\s*(?:async\\s+)?${name}\\(`);
      const m = re.exec(body);
      if (!m) continue;
      const line = lineOf(start + m.index + 1) + 1; // first line of the body
      const key = JSON.stringify(name === "constructor" ? "ctor" : name);
      const counter = `(console.log(${JSON.stringify(HIT)}, ${key}), false)`;
      await cdp.send("Debugger.setBreakpoint", { location: { scriptId: s.scriptId, lineNumber: line, columnNumber: 0 }, condition: counter });
      armed++;
    }
  }
  if (armed === 0) throw new Error("could not find the Tournament class in the bundled Worker");
}

function readCounters(hits: Record<string, number>): Record<string, number> {
  return { ...hits };
}

const diff = (a: Record<string, number>, b: Record<string, number>) => {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = (b[k] ?? 0) - (a[k] ?? 0);
    if (d) out[k] = d;
  }
  return out;
};

export async function runTournamentWait(opts: { waitS?: number; log?: (s: string) => void } = {}): Promise<TournamentWaitResult> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const waitS = opts.waitS ?? 30;
  const load0 = loadAverage();
  const server = await startDevServer({ vars: benchVars(3), log });
  const sockets: WebSocket[] = [];
  try {

    const api = new Api(server.baseUrl, METRICS_TOKEN);
    const tag = Date.now().toString(36).slice(-6);
    const players: Account[] = [];
    for (let i = 0; i < 4; i++) players.push(await api.register(`t${tag}${i}`, "bench-password-1"));
    const { tournamentId } = await api.createTournament(players[0], "bench wait");
    for (const p of players.slice(1)) await api.joinTournament(p, tournamentId);

    const cdp = await Cdp.connect(server.inspectorPort); // wrangler's inspector proxy
    const hits: Record<string, number> = {};
    await armCounters(cdp, hits);

    const halls: Hall[] = [];
    for (const p of players) {
      const ws = await openSocket(server.baseUrl, `/ws/tournament/${tournamentId}`, p.token);
      sockets.push(ws);
      const hall: Hall = { ws, frames: 0, matchReady: [] };
      ws.on("message", (data) => {
        hall.frames++;
        const msg = JSON.parse(data.toString());
        if (msg.type === "match_ready") hall.matchReady.push({ matchId: msg.matchId, gameId: msg.gameId });
      });
      halls.push(hall);
    }
    // Both semi-finals open once their players are in the hall.
    for (let i = 0; i < 100 && halls.some((h) => h.matchReady.length === 0); i++) await sleep(100);
    if (halls.some((h) => h.matchReady.length === 0)) throw new Error("semi-finals did not open");
    const games: { ws: WebSocket; gameOver: Promise<void> }[] = [];
    for (let i = 0; i < 4; i++) {
      const ws = await openSocket(server.baseUrl, `/ws/game/${halls[i].matchReady[0].gameId}`, players[i].token);
      sockets.push(ws);
      const gameOver = new Promise<void>((resolve) => ws.on("message", (d, bin) => !bin && JSON.parse(d.toString()).type === "game_over" && resolve()));
      games.push({ ws, gameOver });
    }
    await sleep(5000); // countdown, play starts
    // sf1 ends: player 0 resigns; player 1 wins and waits for the final.
    games[0].ws.send(JSON.stringify({ type: "resign" }));
    await games[1].gameOver;
    await sleep(1000); // the report reaches the tournament, which updates its hall

    const chart = (await api.tournament(players[0], tournamentId)).chart;
    const c0 = readCounters(hits);
    const frames0 = halls.reduce((s, h) => s + h.frames, 0);
    log(`tournament ${tournamentId}: ${chart.status}, ${chart.matches.map((m) => `${m.id} ${m.status}`).join(", ")}; waiting ${waitS} s between rounds`);
    await sleep(waitS * 1000);
    const c1 = readCounters(hits);
    const frames1 = halls.reduce((s, h) => s + h.frames, 0);
    const during = diff(c0, c1);

    // sf2 ends: player 2 resigns; its report wakes the tournament.
    games[2].ws.send(JSON.stringify({ type: "resign" }));
    await games[3].gameOver;
    await sleep(1500);
    const c2 = readCounters(hits);
    const wake = diff(c1, c2);
    const chart2 = (await api.tournament(players[0], tournamentId)).chart;
    const framesAfterWake = halls.reduce((s, h) => s + h.frames, 0) - frames1;
    const hallOpen = halls.filter((h) => h.ws.readyState === WebSocket.OPEN).length;
    cdp.close();

    const eventsDuringWait = Object.values(during).reduce((s, v) => s + v, 0);
    const hibernated = (wake.ctor ?? 0) > 0;
    // The alarm: the object schedules one only for hall/idle deadlines; with every player present and the
    // final not formed there is none. Entries counted above include alarm(): 0 means none fired.
    const alarmDuringWait = (during.alarm ?? 0) === 0 ? "none fired (alarm() entered 0 times)" : `${during.alarm} alarm invocations`;
    const gbS = eventsDuringWait === 0 ? 0 : NaN;
    const notes = [
      "Measured: entries into every Tournament handler and RPC method during the wait (counting breakpoints in the app workerd), frames received by the four hall sockets, the tournament chart before and after.",
      hibernated
        ? "Measured: the report that ended the wait ran the Tournament constructor again, so workerd had evicted the object from memory during the wait (hibernation with its hall sockets kept open)."
        : "Measured: the report that ended the wait did not run the constructor again: workerd kept the object in memory during the wait (local workerd need not evict; production hibernates an object after about 10 s without events when no timer is pending).",
      "Inferred (not measurable locally): billed duration. Cloudflare bills duration only while an object is active; with no events, no timers and hibernatable sockets it hibernates about 10 s after its last event, so a wait of any length bills at most those ~10 s (1.25 GB-s at 128 MB, $0.000016), and 0 beyond them.",
    ];
    const result: Omit<TournamentWaitResult, "markdown"> = {
      waitS,
      counts: during,
      eventsDuringWait,
      hallFramesDuringWait: frames1 - frames0,
      alarmDuringWait,
      constructorsOnWake: wake.ctor ?? 0,
      wokeBy: wake,
      hibernatedDuringWait: hibernated,
      beforeWait: c0,
      hallOpenAfter: hallOpen,
      framesAfterWake,
      billedGbSecondsMeasured: Number.isNaN(gbS) ? "not zero: events during the wait" : "0 events, 0 timers during the wait",
      notes,
      load: load0,
    };
    const tail = costOf({ messagesIn: 0, alarms: 0, otherRequests: 0, rowsWritten: 0, activeSeconds: 10 });
    const markdown = [
      "## Tournament waiting between rounds",
      "",
      `Machine: ${machineLine()}. Run on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC.`,
      "",
      `Four bots in a tournament's hall; both semi-finals started; sf1 ended by resignation, so the tournament waited ${waitS} s for sf2 (chart during the wait: ${chart.status}, ${chart.matches.map((m) => `${m.id} ${m.status}`).join(", ")}; after sf2: ${chart2.status}, ${chart2.matches.map((m) => `${m.id} ${m.status}`).join(", ")}).`,
      "",
      "| measured over the wait | value |",
      "| --- | --- |",
      `| entries into the Tournament object (constructor, RPCs, fetch, webSocket*, alarm) | **${eventsDuringWait}**${eventsDuringWait ? ` (${JSON.stringify(during)})` : ""} |`,
      `| frames received by the 4 hall sockets | ${frames1 - frames0} |`,
      `| alarm | ${alarmDuringWait} |`,
      `| timers held | none (the Tournament code has no setTimeout/setInterval; deadlines are alarms only) |`,
      `| entries before the wait (setup: creation, joins, hall sockets, semi-final games, sf1's report), to show the counters count | ${JSON.stringify(c0)} |`,
      `| hall sockets still open after the wait / frames they received after the wake-up | ${hallOpen} of 4 / ${framesAfterWake} |`,
      `| on the wake-up after the wait (sf2's report) | ${JSON.stringify(wake)}: ${hibernated ? "constructor ran again, the object had been evicted (hibernated)" : "no constructor run: still in memory"} |`,
      "",
      `Billed duration of the wait: **0 GB-s beyond the ~10 s after its last event** (inferred from the zero events and timers above; at most ${tail.gbSeconds} GB-s = $${tail.usd.total.toFixed(6)} per wait for those 10 s).`,
      "",
      ...notes.map((n) => `- ${n}`),
    ].join("\n");
    log(`tournament wait: ${eventsDuringWait} events, ${frames1 - frames0} hall frames, alarm: ${alarmDuringWait}; wake: ${JSON.stringify(wake)}`);
    return { ...result, markdown };
  } finally {
    for (const s of sockets) s.terminate();
    await server.stop();
  }
}
