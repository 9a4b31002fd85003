/** CPU time and resident memory of processes, read from /proc (Linux). */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

let clkTck = 100;
try {
  clkTck = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
} catch {
  // keep 100
}

export interface ProcSample {
  pid: number;
  /** user + system CPU seconds since the process started. */
  cpuS: number;
  rssMiB: number;
  /** Wall-clock time of the reading (performance.now() ms). */
  at: number;
}

function statFields(pid: number): string[] | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may contain spaces: split after the last ')'.
    return raw.slice(raw.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

export function sample(pid: number): ProcSample | null {
  const f = statFields(pid);
  if (!f) return null;
  // After the name: state(0) ppid(1) ... utime(11) stime(12) ... rss(21) in pages.
  const cpuS = (Number(f[11]) + Number(f[12])) / clkTck;
  let rssMiB = (Number(f[21]) * 4096) / 2 ** 20;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    if (m) rssMiB = Number(m[1]) / 1024;
  } catch {
    // keep the stat figure
  }
  return { pid, cpuS, rssMiB, at: performance.now() };
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/** Every live descendant of `root` (children, grandchildren, ...). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (!f) continue;
    const ppid = Number(f[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid)!.push(Number(name));
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    for (const c of children.get(stack.pop()!) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

/** CPU used between two samples as a percentage of one core. */
export function cpuPercent(a: ProcSample | null, b: ProcSample | null): number {
  if (!a || !b || b.at <= a.at) return NaN;
  return ((b.cpuS - a.cpuS) / ((b.at - a.at) / 1000)) * 100;
}

export function loadAverage(): [number, number, number] {
  const parts = readFileSync("/proc/loadavg", "utf8").split(" ");
  return [Number(parts[0]), Number(parts[1]), Number(parts[2])];
}

export interface MachineCpu {
  /** Busy and total jiffies over all cores. */
  busy: number;
  total: number;
}

export function machineCpu(): MachineCpu {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Whole-machine CPU between two readings, in % of one core (so 2 busy cores = 200 %). */
export function machineCpuPercent(a: MachineCpu, b: MachineCpu, cores: number): number {
  const dt = b.total - a.total;
  return dt > 0 ? ((b.busy - a.busy) / dt) * 100 * cores : NaN;
}

/**
 * Waits (up to `maxWaitMs`) until the CPU used by processes other than `mine` (and their
 * descendants) stays below `thresholdPct` (% of one core) over a 1 s sample. Returns the last
 * reading of that other load.
 */
export async function waitForQuiet(mine: number[], thresholdPct: number, maxWaitMs: number, cores: number): Promise<{ otherPct: number; waitedMs: number }> {
  const t0 = Date.now();
  for (;;) {
    const pids = [...new Set(mine.flatMap((p) => [p, ...descendants(p)]))];
    const a = machineCpu();
    const pa = pids.map(sample);
    await new Promise((r) => setTimeout(r, 1000));
    const b = machineCpu();
    const pb = pids.map(sample);
    const ours = pa.reduce((s, x, i) => s + (cpuPercent(x, pb[i]) || 0), 0);
    const otherPct = Math.max(0, machineCpuPercent(a, b, cores) - ours);
    const waitedMs = Date.now() - t0;
    if (otherPct <= thresholdPct || waitedMs >= maxWaitMs) return { otherPct, waitedMs };
  }
}
