/**
 * `npm run bench -- --only ab --ab 941b4fe,HEAD --ab-names before,after --matches 50,100 --rounds 2`:
 * before/after of source versions (git tree-ishes, or "worktree" for the working tree as it is),
 * each measured by ITS OWN bench: versions with different protocols need different bots (the
 * snapshot-era bots cannot speak protocol 2 and the other way round). Each version is extracted
 * into a private directory (node_modules linked) and its `bench/run.ts --only load` runs there for
 * one N at a time, interleaved (round 1: A, B, ...; round 2: A, B, ...) so a drifting machine hits
 * every version alike. Compared: server CPU per match (the whole `wrangler dev` process group / N)
 * and down bytes per player per second, with each bench's own input rate beside them.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { machineInfo, machineLine } from "../machine";
import { REPO } from "./server";

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

/** The figures the A/B compares, read from either bench's saved JSON (old and new step shapes). */
export interface AbFigures {
  matches: number;
  serverGroupPct: number;
  serverCpuPerMatch: number;
  appWorkerdPct: number;
  downSocket: number;
  downFramed: number;
  inputsPerSecPerPlayer: number;
  botsPct: number;
  otherPct: number;
  /** Per game-hour, as the GameSessions counted them (null: the version's bench did not record them). */
  alarmsPerGameHour: number | null;
  rowsPerGameHour: number | null;
  errors: string;
}

export interface AbRow {
  rev: string;
  name: string;
  commit: string;
  matches: number;
  round: number;
  figures: AbFigures | null;
  failure?: string;
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "–");
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);

/** A step of either bench's JSON (snapshot-era: cpu.appWorkerd/proxyWorkerd/wrangler; protocol 2: cpu.serverGroup too). */
interface AnyStep {
  matches: number;
  mode?: string;
  driver?: string;
  cpu: { appWorkerd: number; proxyWorkerd: number; wrangler: number; serverGroup?: number; bots: number; other: number };
  bytes: { downSocket: number; downFramed: number };
  client: { inputsPerSecPerPlayer: number };
  unitsPerGameHour?: { alarms?: number; storageWrites?: number };
  errors: Record<string, unknown>;
}

/** Mean of the recorded per-game-hour figures, whole numbers ("–" when none recorded). */
function perHour(xs: (number | null)[]): string {
  const ok = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return ok.length ? Math.round(mean(ok)).toLocaleString("en-US") : "–";
}

export function figuresOf(step: AnyStep): AbFigures {
  const group = step.cpu.serverGroup ?? step.cpu.appWorkerd + step.cpu.proxyWorkerd + step.cpu.wrangler;
  const bad = Object.entries(step.errors).filter(([k, v]) => k !== "connectFailureSamples" && ((typeof v === "number" && v > 0) || (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length > 0 && k === "serverErrors")));
  return {
    matches: step.matches,
    serverGroupPct: group,
    serverCpuPerMatch: group / step.matches,
    appWorkerdPct: step.cpu.appWorkerd,
    downSocket: step.bytes.downSocket,
    downFramed: step.bytes.downFramed,
    inputsPerSecPerPlayer: step.client.inputsPerSecPerPlayer,
    botsPct: step.cpu.bots,
    otherPct: step.cpu.other,
    alarmsPerGameHour: step.unitsPerGameHour?.alarms ?? null,
    rowsPerGameHour: step.unitsPerGameHour?.storageWrites ?? null,
    errors: bad.length ? bad.map(([k, v]) => `${k}: ${typeof v === "number" ? v : JSON.stringify(v)}`).join("; ") : "none",
  };
}

/** Extracts `rev` (a git tree-ish, or "worktree") into a private directory that can run its own bench. */
function extract(rev: string): { dir: string; commit: string } {
  const dir = mkdtempSync(join(tmpdir(), "pong-ab-"));
  const parts = ["src", "bench", "migrations", "scripts", "docs", "wrangler.toml", "package.json", "tsconfig.json"];
  if (rev === "worktree") {
    for (const p of parts) if (existsSync(join(REPO, p))) cpSync(join(REPO, p), join(dir, p), { recursive: true, filter: (s) => !s.includes("/bench/results/") });
  } else {
    const tar = execFileSync("git", ["archive", rev, ...parts], { cwd: REPO, maxBuffer: 512 * 2 ** 20 });
    execFileSync("tar", ["-x", "-C", dir], { input: tar });
  }
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
  // Its bench reads git (the commit it reports, uncommitted files): a one-commit repository of the copy.
  writeFileSync(join(dir, ".gitignore"), "node_modules\n.wrangler\nbench/results\n");
  const g = (...args: string[]) => execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@localhost", ...args], { cwd: dir, stdio: "ignore" });
  g("init", "-q");
  g("add", "-A");
  g("commit", "-q", "-m", `copy of ${rev}`);
  const commit = execFileSync("git", ["rev-parse", "--short", rev === "worktree" ? "HEAD" : rev], { cwd: REPO, encoding: "utf8" }).trim() + (rev === "worktree" ? "+worktree" : "");
  return { dir, commit };
}

/** The load-bench flags a version's own bench/run.ts accepts: the shared ones, plus "skip this step" for the steps it knows. */
function flagsFor(dir: string, n: number, seconds: number, deflate: boolean, label: string): string[] {
  const runTs = readFileSync(join(dir, "bench/run.ts"), "utf8");
  const flags = ["--only", "load", "--matches", String(n), "--seconds", String(seconds), "--label", label, "--quiet-wait", "60"];
  for (const skip of ["--alarm-matches", "--no-deflate-matches", "--other-path-matches", "--floor-matches", "--alarm-floor", "--alarm-probe"]) if (runTs.includes(`"${skip}"`)) flags.push(skip, "0");
  // Both sides on the same local state (a version whose default differs would measure its disk).
  if (runTs.includes(`"--state"`)) flags.push("--state", "tmpfs");
  if (!deflate) flags.push("--no-deflate");
  return flags;
}

function runOwnBench(dir: string, args: string[], log: (s: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [join(dir, "scripts/offline.sh"), "tsx", "bench/run.ts", ...args], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PATH: `${join(REPO, "node_modules/.bin")}:${process.env.PATH}` },
    });
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim() && !line.startsWith("|")) log(`    ${line}`);
    };
    child.stdout.on("data", relay);
    child.stderr.on("data", relay);
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`its bench exited with ${code}`))));
  });
}

function newestResult(dir: string, label: string, before: Set<string>): string | null {
  const res = join(dir, "bench/results");
  if (!existsSync(res)) return null;
  const files = readdirSync(res).filter((f) => f.endsWith(`-load-${label}.json`) && !before.has(f)).sort();
  return files.length ? join(res, files[files.length - 1]) : null;
}

export async function runAb(o: AbOptions): Promise<{ rows: AbRow[]; markdown: string }> {
  const log = o.log ?? ((s: string) => console.log(s));
  const matches = o.matches ?? [50, 100];
  const rounds = o.rounds ?? 2;
  const seconds = o.seconds ?? 15;
  const names = o.names ?? o.revs;
  const deflate = o.deflate ?? true;
  const rows: AbRow[] = [];
  const machine = machineInfo();
  const copies = o.revs.map((rev) => ({ rev, ...extract(rev) }));
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const n of matches) {
        for (let i = 0; i < copies.length; i++) {
          const { rev, dir, commit } = copies[i];
          const label = "ab";
          const seen = new Set(existsSync(join(dir, "bench/results")) ? readdirSync(join(dir, "bench/results")) : []);
          log(`ab round ${round} ${names[i]} (${commit}) N=${n}: its own bench`);
          try {
            await runOwnBench(dir, flagsFor(dir, n, seconds, deflate, label), log);
            const file = newestResult(dir, label, seen);
            if (!file) throw new Error("its bench wrote no results file");
            const data = JSON.parse(readFileSync(file, "utf8")) as { steps: AnyStep[] };
            const step = data.steps.find((s) => s.matches === n && (s.mode ?? "game") === "game");
            if (!step) throw new Error(`no project step at N=${n} in ${file}`);
            const figures = figuresOf(step);
            rows.push({ rev, name: names[i], commit, matches: n, round, figures });
            log(`ab round ${round} ${names[i]} N=${n}: server ${f1(figures.serverGroupPct)}% (${f2(figures.serverCpuPerMatch)}%/match), down ${f1(figures.downSocket)} B/s socket, ${f1(figures.inputsPerSecPerPlayer)} inputs/s, other ${f1(figures.otherPct)}%`);
          } catch (err) {
            rows.push({ rev, name: names[i], commit, matches: n, round, figures: null, failure: (err as Error).message });
            log(`ab round ${round} ${names[i]} N=${n}: FAILED (${(err as Error).message})`);
          }
        }
      }
    }
  } finally {
    for (const c of copies) rmSync(c.dir, { recursive: true, force: true });
  }
  const table: string[] = [];
  for (const n of matches) {
    for (let i = 0; i < copies.length; i++) {
      const rs = rows.filter((r) => r.matches === n && r.rev === copies[i].rev);
      const ok = rs.map((r) => r.figures).filter((x): x is AbFigures => x !== null);
      if (!rs.length) continue;
      table.push(
        `| ${n} | ${names[i]} (\`${copies[i].commit}\`) | ${ok.length}${ok.length < rs.length ? ` (+${rs.length - ok.length} failed)` : ""} | ` +
          `**${f2(mean(ok.map((x) => x.serverCpuPerMatch)))}** (${ok.map((x) => f2(x.serverCpuPerMatch)).join(", ")}) | ${f1(mean(ok.map((x) => x.appWorkerdPct)))} | ` +
          `**${f1(mean(ok.map((x) => x.downSocket)))}** / ${f1(mean(ok.map((x) => x.downFramed)))} | ${perHour(ok.map((x) => x.alarmsPerGameHour))} / ${perHour(ok.map((x) => x.rowsPerGameHour))} | ${f1(mean(ok.map((x) => x.inputsPerSecPerPlayer)))} | ${f1(mean(ok.map((x) => x.botsPct)))} | ${f1(mean(ok.map((x) => x.otherPct)))} | ${[...new Set(ok.map((x) => x.errors))].join("; ") || "–"} |`,
      );
    }
  }
  const ratios: string[] = [];
  // Every later version against the first (the "before").
  for (const n of matches) {
    const per = (i: number) => mean(rows.filter((r) => r.matches === n && r.rev === copies[i].rev && r.figures).map((r) => r.figures!.serverCpuPerMatch));
    const bytes = (i: number) => mean(rows.filter((r) => r.matches === n && r.rev === copies[i].rev && r.figures).map((r) => r.figures!.downSocket));
    for (let i = 1; i < copies.length; i++) ratios.push(`N=${n}: server CPU per match ${names[i]}/${names[0]} = ${f2(per(i) / per(0))}, down bytes ${f2(bytes(i) / bytes(0))}`);
  }
  const markdown = [
    `## A/B${o.label ? ` (\`${o.label}\`)` : ""}: before/after, each version measured by its own bench`,
    "",
    `Run on ${machineLine(machine)}, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: ${rounds} interleaved rounds, ${seconds} s windows, direct path, deflate ${deflate ? "offered" : "off"}. ` +
      "Each version was measured by its own bench (its own bots: the snapshot-era bots steer from 30 Hz snapshots, the protocol-2 and -3 bots stamp inputs and tap keys about 4 times a second, the protocol-3 ones also send `wake`), from a private copy of the version; both on tmpfs local state when the version knows `--state`.",
    "",
    "| N | version | runs | server CPU per match, % of a core (mean; each run) | app workerd % | down B/s per player: socket / framed | per game-hour: alarms / rows written | inputs/s per player | bots % | other % | errors |",
    "| ---: | --- | ---: | --- | ---: | --- | --- | ---: | ---: | ---: | --- |",
    ...table,
    ...(ratios.length ? ["", ratios.join("; ") + "."] : []),
  ].join("\n");
  mkdirSync(`${REPO}/bench/results`, { recursive: true });
  const file = `bench/results/${new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19)}-ab${o.label ? `-${o.label}` : ""}.json`;
  writeFileSync(`${REPO}/${file}`, JSON.stringify({ machine, options: { ...o, log: undefined }, rows }, null, 1));
  log(`wrote ${file}`);
  return { rows, markdown };
}
