/**
 * `npm run bench -- --only scale` (not a default part: about 60-90 s with the server start).
 * Starts `wrangler dev` with bench/scale/wrangler.toml (the project's real object classes) and, at
 * two worldwide totals (10,000 and 100,000 concurrent matches; 200 and 2,000 match starts/s),
 * drives ONE shard of each sharded role at its projected share for the shard count the model
 * chooses (model.ts), measuring achieved rate, latency and the app workerd's CPU. It then prints
 * the projection at 1k/10k/100k before (singletons) and after (shards).
 *
 * What it can and cannot show: the per-shard rate stays under the target at both totals (the
 * shard count grows with the total, each shard's load does not); one local workerd process on a
 * shared 2-core machine runs every object on one thread, so it cannot show the parallel speed-up
 * of many shards on many machines, and its latencies are a single-thread floor, not production's.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { machineLine } from "../machine";
import { cmdline, descendants, sample } from "../load/procstat";
import { listenPort } from "../../scripts/listen-port";
import { REPO } from "../load/server";
import { ASSUME, OBJECT_LIMIT_RPS, ROLES, TARGET_PER_SHARD, shardsFor, singletonRates } from "./model";

interface Drive {
  kind: string;
  offered: number;
  calls: number;
  errors: number;
  seconds: number;
  achievedRps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ScaleRow extends Drive {
  total: number;
  role: string;
  knob: string;
  shards: number;
  cpuPct: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");

export async function runScaleBench(opts: { totals?: number[]; ms?: number; log?: (s: string) => void } = {}): Promise<{ rows: ScaleRow[]; markdown: string }> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const totals = opts.totals ?? [10_000, 100_000];
  const ms = opts.ms ?? 4_000;
  const dir = mkdtempSync(join(tmpdir(), "pong-scale-"));
  const port = await listenPort();
  const inspector = await listenPort();
  const out = openSync(join(dir, "wrangler.log"), "a");
  const child = spawn(
    "bash",
    [join(REPO, "scripts/offline.sh"), "wrangler", "dev", "-c", "bench/scale/wrangler.toml", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), "--persist-to", join(dir, "state"), "--show-interactive-dev-session=false", "--log-level", "warn"],
    { cwd: REPO, detached: true, stdio: ["ignore", out, out], env: { ...process.env, PATH: `${join(REPO, "node_modules/.bin")}:${process.env.PATH}`, X_LOCAL_OBSERVABILITY: "false", X_LOCAL_EXPLORER: "false" } },
  );
  const rows: ScaleRow[] = [];
  try {
    let up = false;
    for (let i = 0; i < 300 && !up; i++) {
      await sleep(100);
      try {
        up = (await fetch(`http://127.0.0.1:${port}/health`)).ok;
      } catch {
        // not yet
      }
    }
    if (!up) throw new Error(`scale worker did not start (log: ${join(dir, "wrangler.log")})`);
    const app = descendants(child.pid!).find((pid) => cmdline(pid).includes("workerd serve") && !cmdline(pid).includes(`entry=127.0.0.1:${port}`));
    // Role by role, both totals side by side; matchmaking last (its games stay behind, waiting).
    for (const role of ROLES) {
      for (const total of totals) {
        const shards = shardsFor(role, total);
        const rate = Math.round(role.perShard(total, shards));
        const pool = role.key === "metrics" || role.key === "live" ? Math.max(1, Math.round(total / shards)) : 100;
        const a = app ? sample(app) : null;
        const res = await fetch(`http://127.0.0.1:${port}/drive?kind=${role.key}&rate=${rate}&ms=${ms}&pool=${pool}&run=t${total}`, { method: "POST" });
        const b = app ? sample(app) : null;
        if (!res.ok) throw new Error(`drive ${role.key}: ${res.status} ${await res.text()}`);
        const d = (await res.json()) as Drive;
        const cpuPct = a && b ? ((b.cpuS - a.cpuS) / ((b.at - a.at) / 1000)) * 100 : NaN;
        const row: ScaleRow = { ...d, total, role: role.name, knob: role.knob, shards, cpuPct };
        rows.push(row);
        log(`scale ${total} matches, ${role.name}: ${role.knob}=${shards}, offered ${rate}/s, achieved ${fmt(d.achievedRps)}/s, p50 ${fmt(d.p50Ms, 1)} ms, p99 ${fmt(d.p99Ms, 1)} ms, errors ${d.errors}, app workerd ${fmt(cpuPct)}% CPU`);
      }
    }
  } finally {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // gone
    }
    await sleep(300);
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows, markdown: render(rows) };
}

function render(rows: ScaleRow[]): string {
  const lines: string[] = [];
  lines.push(`Scale model (\`npm run bench -- --only scale\`, bench/scale): ${machineLine()}.`);
  lines.push("");
  lines.push(
    `Assumptions (bench/scale/model.ts): matches last ${ASSUME.matchSeconds} s (100,000 concurrent = 2,000 starts/s), a game reports metrics every ${ASSUME.metricsEveryS} s, ${ASSUME.liveUpdatesPerMatch} live-list updates and ${ASSUME.logCallsPerMatch} log ingest calls per match, ${ASSUME.playsPerMatch} plays per start, the busiest region has ${ASSUME.busiestRegionShare * 100} % of plays. Shard counts are the smallest power of two keeping a shard at or under ${TARGET_PER_SHARD} req/s (${(TARGET_PER_SHARD / OBJECT_LIMIT_RPS) * 100} % of the ~${OBJECT_LIMIT_RPS} req/s per object guidance), and a matchmaking shard at or under ${ROLES.find((r) => r.key === "match")!.target} plays/s (its plays run one at a time, each awaiting 3-4 RPCs: latency-bound, not request-bound).`,
  );
  lines.push("");
  lines.push("### Projection: requests/s to the busiest object");
  lines.push("");
  lines.push("| concurrent matches | before: Matchmaker (global) | before: Metrics | before: LogShipper | after: Metrics shard | after: live-list shard | after: LogShipper shard | after: matchmaking shard (busiest region) |");
  lines.push("|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const c of [1_000, 10_000, 100_000]) {
    const before = singletonRates(c).map((r) => fmt(r.rps));
    const after = ["metrics", "live", "log", "match"].map((key) => {
      const role = ROLES.find((r) => r.key === key)!;
      const k = shardsFor(role, c);
      return `${fmt(role.perShard(c, k))} (${role.knob}=${k})`;
    });
    lines.push(`| ${c.toLocaleString("en-US")} | ${before.join(" | ")} | ${after.join(" | ")} |`);
  }
  lines.push("");
  lines.push("Per-user (PlayerDirectory) and per-game (GameSession) objects see a few requests per match whatever the total.");
  lines.push("");
  lines.push("### Measured: one shard of each kind driven at its share (one local workerd)");
  lines.push("");
  lines.push("| concurrent matches | object | shards | offered req/s | achieved req/s | p50 ms | p99 ms | errors | app workerd CPU (% of a core) |");
  lines.push("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    lines.push(`| ${r.total.toLocaleString("en-US")} | ${r.role} | ${r.knob}=${r.shards} | ${r.offered} | ${fmt(r.achievedRps)} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | ${r.errors} | ${fmt(r.cpuPct)} |`);
  }
  lines.push("");
  lines.push(
    "Each object's offered rate stays at or under the target at both totals: the shard count grows with the total, the per-object load does not. One local workerd process runs every object on one thread of a shared 2-core machine: it cannot show the parallel speed-up of shards on separate machines, and its CPU figure is the whole process (driver included).",
  );
  return lines.join("\n") + "\n";
}
