/**
 * `npm run bench -- --only ab --ab <rev>,<rev>[,...] --matches 50,100 --rounds 2`: before/after
 * comparison of source versions (any git tree-ish: commits, or tree ids written for an experiment)
 * under the same load, interleaved (round 1: A, B, ...; round 2: A, B, ...) so a drifting machine
 * hits every version alike. Each step runs on a fresh `wrangler dev` of that version.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Api } from "./api";
import { benchVars, METRICS_TOKEN } from "./index";
import { registerAccounts, runStep, type StepResult } from "./load";
import { machineInfo, machineLine } from "../machine";
import { waitForQuiet } from "./procstat";
import { REPO, startDevServer } from "./server";

export interface AbOptions {
  revs: string[];
  /** Labels for the revs (default: the revs). */
  names?: string[];
  matches?: number[];
  rounds?: number;
  seconds?: number;
  deflate?: boolean;
  log?: (s: string) => void;
  label?: string;
}

export interface AbRow {
  rev: string;
  name: string;
  matches: number;
  round: number;
  step: StepResult;
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "–" : `${(v * 100).toFixed(1)}%`);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);

export async function runAb(o: AbOptions): Promise<{ rows: AbRow[]; markdown: string }> {
  const log = o.log ?? ((s: string) => console.log(s));
  const matches = o.matches ?? [50, 100];
  const rounds = o.rounds ?? 2;
  const seconds = o.seconds ?? 20;
  const names = o.names ?? o.revs;
  const rows: AbRow[] = [];
  const machine = machineInfo();
  for (let round = 1; round <= rounds; round++) {
    for (const n of matches) {
      for (let i = 0; i < o.revs.length; i++) {
        const rev = o.revs[i];
        const server = await startDevServer({ vars: benchVars("timer", 3), source: rev, log });
        try {
          const api = new Api(server.appEntryUrl ?? server.baseUrl, METRICS_TOKEN);
          const accounts = await registerAccounts(api, 2 * n, `ab${round}${i}${Date.now().toString(36).slice(-4)}`, log);
          const quiet = await waitForQuiet([process.pid, server.pid], 30, 60_000, machine.cores);
          const step = await runStep(server, api, accounts, {
            matches: n,
            path: "direct",
            seconds,
            warmupS: 6,
            deflate: o.deflate ?? true,
            botProcs: 2,
            aiLevel: "medium",
            driver: "timer",
            metricsToken: METRICS_TOKEN,
            log,
          });
          step.quietBefore = { otherPct: quiet.otherPct, waitedS: quiet.waitedMs / 1000 };
          rows.push({ rev, name: names[i], matches: n, round, step });
          log(
            `ab round ${round} ${names[i]} N=${n}: <=2 ms ${pct(step.server.window?.within2Ms)}, app CPU ${f1(step.cpu.appWorkerd)}%, ` +
              `snapshots/s ${f1(step.client.snapshotsPerSecPerPlayer)}, ack p99 ${f1(step.client.ack.p99)} ms, other ${f1(step.cpu.other)}%`,
          );
        } finally {
          await server.stop();
        }
      }
    }
  }
  const table: string[] = [];
  for (const n of matches) {
    for (let i = 0; i < o.revs.length; i++) {
      const rs = rows.filter((r) => r.matches === n && r.rev === o.revs[i]).map((r) => r.step);
      if (!rs.length) continue;
      table.push(
        `| ${n} | ${names[i]} (\`${o.revs[i].slice(0, 10)}\`) | ${rs.length} | ${rs.map((s) => pct(s.server.window?.within2Ms)).join(", ")} | ` +
          `${f1(mean(rs.map((s) => s.cpu.appWorkerd)))}% (${(mean(rs.map((s) => s.cpu.appWorkerd)) / n).toFixed(2)} %/match) | ` +
          `${f1(mean(rs.map((s) => s.client.snapshotsPerSecPerPlayer)))} | ${f1(mean(rs.map((s) => s.client.ack.p50)))} / ${f1(mean(rs.map((s) => s.client.ack.p99)))} | ` +
          `${f1(mean(rs.map((s) => s.client.gap.p99)))} | ${(mean(rs.map((s) => s.bytes.downSocket)) / 1000).toFixed(3)} | ${f1(mean(rs.map((s) => s.cpu.other)))}% |`,
      );
    }
  }
  const markdown = [
    `A/B on ${machineLine(machine)}, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: ${rounds} interleaved rounds, ${seconds} s windows, timer driver, direct path, deflate ${o.deflate === false ? "off" : "offered"}.`,
    "",
    "| N | version | runs | window runs ≤ 2 ms late (each run) | app workerd CPU (mean) | snapshots/s per player | input→ack ms p50 / p99 | snapshot gap p99 ms | down KB/s (socket) | other CPU |",
    "| ---: | --- | ---: | --- | --- | ---: | --- | ---: | ---: | ---: |",
    ...table,
  ].join("\n");
  mkdirSync(`${REPO}/bench/results`, { recursive: true });
  const file = `bench/results/${new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19)}-ab${o.label ? `-${o.label}` : ""}.json`;
  writeFileSync(`${REPO}/${file}`, JSON.stringify({ machine, options: { ...o, log: undefined }, rows }, null, 1));
  log(`wrote ${file}`);
  log(markdown);
  return { rows, markdown };
}
