/**
 * The `flood` bench part (issue 12.1's figure): what a hostile spectator costs the honest players.
 *
 * One `wrangler dev`, N concurrent 2P matches of the load bench's bots, measured twice in a row:
 * quiet, then with a flooder watching every other match. A flooder is a signed-in spectator that
 * sends malformed frames (`{bad`) at a fixed rate and, each time the server closes it (1008, the
 * frame budget), connects again at once: the attack the budget cannot end by closing one socket.
 * Bot process 0 plays the flooded matches and process 1 the others (match i goes to process i % 2),
 * so the relay latency of the honest player *in* a flooded match and of a match next to one are
 * read apart. The flood comes from this machine's own CPU (2 cores shared with the server): the
 * figures are an upper bound on what a remote attacker at this rate would do.
 */
import WebSocket from "ws";
import { Api } from "./api";
import { benchVars, METRICS_TOKEN } from "./index";
import { registerAccounts, runStep, type Quantiles, type StepResult } from "./load";
import { startDevServer, type DevServer } from "./server";
import { machineInfo, machineLine } from "../machine";

export interface FloodOptions {
  matches?: number;
  seconds?: number;
  /** Malformed frames per second each flooder tries to send (default 2000, the rate the issue reproduced). */
  framesPerS?: number;
  log?: (line: string) => void;
}

export interface FloodFigures {
  sockets: number;
  seconds: number;
  framesSent: number;
  connects: number;
  /** Close codes the flooders received (1008 = frame budget). */
  closes: Record<string, number>;
  /** Upgrades the Worker refused, by HTTP status. */
  refused: Record<string, number>;
}

/** Spectator sockets that send junk at a fixed rate and reconnect whenever they are closed. */
export class Flooder {
  private stopped = false;
  private readonly open = new Set<WebSocket>();
  private readonly t0 = Date.now();
  readonly figures: FloodFigures;

  constructor(
    private readonly wsBase: string,
    private readonly targets: { gameId: string; token: string }[],
    private readonly framesPerS: number,
  ) {
    this.figures = { sockets: targets.length, seconds: 0, framesSent: 0, connects: 0, closes: {}, refused: {} };
    for (const t of targets) void this.loop(t);
  }

  private async loop(t: { gameId: string; token: string }): Promise<void> {
    while (!this.stopped) await this.once(t);
  }

  private once(t: { gameId: string; token: string }): Promise<void> {
    return new Promise((resolve) => {
      const ws = new WebSocket(`${this.wsBase}/ws/game/${t.gameId}`, { headers: { Authorization: `Bearer ${t.token}` }, perMessageDeflate: false });
      this.open.add(ws);
      let pump: NodeJS.Timeout | null = null;
      const done = () => {
        if (pump) clearInterval(pump);
        this.open.delete(ws);
        resolve();
      };
      ws.on("unexpected-response", (_req, res) => {
        const k = String(res.statusCode);
        this.figures.refused[k] = (this.figures.refused[k] ?? 0) + 1;
        res.resume();
        setTimeout(done, 100); // a refused upgrade: try again soon, not in a hot loop
      });
      ws.on("error", () => undefined); // the close (or the refusal above) follows
      ws.on("open", () => {
        this.figures.connects++;
        // 10 ms batches at the chosen rate; the server closes the socket long before a second passes.
        const batch = Math.max(1, Math.round(this.framesPerS / 100));
        pump = setInterval(() => {
          if (ws.readyState !== WebSocket.OPEN) return;
          for (let i = 0; i < batch; i++) ws.send("{bad");
          this.figures.framesSent += batch;
        }, 10);
      });
      ws.on("close", (code) => {
        const k = String(code);
        this.figures.closes[k] = (this.figures.closes[k] ?? 0) + 1;
        done();
      });
    });
  }

  stop(): FloodFigures {
    this.stopped = true;
    this.figures.seconds = (Date.now() - this.t0) / 1000;
    for (const ws of this.open) ws.terminate();
    return this.figures;
  }
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
const f0 = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString("en-US") : "–");
const relayCell = (q: Quantiles | undefined) => (q && q.n ? `${f1(q.p50)} / ${f1(q.p99)} (${f0(q.n)})` : "–");
const counts = (c: Record<string, number>) => Object.entries(c).map(([k, v]) => `${f0(v)} × ${k}`).join(", ") || "none";

export async function runFloodBench(o: FloodOptions = {}): Promise<{ markdown: string; quiet: StepResult; flooded: StepResult; flood: FloodFigures }> {
  const log = o.log ?? ((s: string) => console.log(s));
  const n = Math.max(2, o.matches ?? 20);
  const seconds = o.seconds ?? 10;
  const framesPerS = o.framesPerS ?? 2000;
  const floodedMatches = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 0);
  let server: DevServer | null = null;
  try {
    server = await startDevServer({ vars: benchVars(3), log });
    const base = server.appEntryUrl ?? server.baseUrl;
    const api = new Api(base, METRICS_TOKEN);
    const tag = Date.now().toString(36).slice(-6);
    const players = await registerAccounts(api, 2 * n, `f${tag}`, log);
    const attackers = await registerAccounts(api, floodedMatches.length, `x${tag}`, log);
    const stepOpts = { mode: "game" as const, matches: n, path: "direct" as const, seconds, warmupS: 3, deflate: true, botProcs: 2, aiLevel: "medium" as const, floorInputsPerS: 4, metricsToken: METRICS_TOKEN, log };

    log(`flood: step 1, ${n} matches, no flood (${seconds} s window)`);
    const quiet = await runStep(server, api, players, stepOpts);
    let flooder: Flooder | null = null;
    log(`flood: step 2, ${n} matches, a flooder at ${framesPerS} frames/s on each of ${floodedMatches.length}`);
    const flooded = await runStep(server, api, players, {
      ...stepOpts,
      onWindowStart: async (gameIds) => {
        flooder = new Flooder(base.replace(/^http/, "ws"), floodedMatches.map((i, k) => ({ gameId: gameIds[i], token: attackers[k].token })), framesPerS);
      },
      onWindowStop: async () => void flooder?.stop(),
    });
    const flood = (flooder as Flooder | null)?.figures ?? { sockets: 0, seconds: 0, framesSent: 0, connects: 0, closes: {}, refused: {} };
    const markdown = render(n, seconds, framesPerS, quiet, flooded, flood);
    log(markdown);
    return { markdown, quiet, flooded, flood };
  } finally {
    await server?.stop();
  }
}

function render(n: number, seconds: number, framesPerS: number, quiet: StepResult, flooded: StepResult, flood: FloodFigures): string {
  const row = (label: string, r: StepResult) =>
    `| ${label} | ${relayCell(r.client.relayByProc[0])} | ${relayCell(r.client.relayByProc[1])} | ${f1(r.client.pointLate.p99)} | ${f1(r.server.tickRatePerGame)} | ${r.integrity.desyncs} | ${f0(r.cpu.serverGroup)} % |`;
  const perS = (v: number) => (flood.seconds ? v / flood.seconds : NaN);
  return [
    "## Flood: what a hostile spectator costs the honest players (issue 12.1)",
    "",
    `${machineLine(machineInfo())}. One \`wrangler dev\`, ${n} concurrent 2P matches (the load bench's bots, medium AI, about 4 direction changes a second per player), ${seconds} s windows, the same server for both steps.`,
    "",
    "| step | relay p50 / p99 ms, flooded matches (n) | relay p50 / p99 ms, the other matches (n) | point late p99 ms | ticks/s per game | desyncs | server group CPU |",
    "|---|---|---|---:|---:|---:|---:|",
    row("no flood", quiet),
    row(`a flooder in every other match (${flood.sockets})`, flooded),
    "",
    `The flood: ${flood.sockets} signed-in spectators, each trying ${f0(framesPerS)} malformed frames a second and reconnecting as soon as it is closed. ` +
      `They sent ${f0(perS(flood.framesSent))} frames/s together over ${f1(flood.seconds)} s, opened ${f1(perS(flood.connects))} sockets a second; closes: ${counts(flood.closes)}; upgrades refused: ${counts(flood.refused)} (a refused flooder tries again after 100 ms).`,
    "Frames a flooder sends after its budget is spent are dropped unread (they arrive behind the close), and its user is then refused by that object for `FLOOD_BAR_MS` (10 s, 429): what is left of a flood is one budget (at most 120 parsed frames) per bar, and refused upgrades, which cost the Worker a token and session check each (on Cloudflare the Worker runs apart from the match's object; here it shares the one workerd thread, so the CPU column counts it).",
  ].join("\n");
}
