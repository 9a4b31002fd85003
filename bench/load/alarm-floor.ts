/**
 * The bare alarm floor (bench/floor/worker.ts, AlarmProbe): `objects` Durable Objects each firing one
 * alarm a second for `seconds`, nothing else; how late the runtime ran them. The project announces a
 * point from its alarm at the point's tick, so its point lateness is compared with this.
 */
import { Hist } from "./hist";
import { cpuPercent, loadAverage, sample } from "./procstat";
import type { DevServer } from "./server";

export interface AlarmFloorResult {
  objects: number;
  seconds: number;
  /** Alarms that fired (about objects x seconds). */
  fired: number;
  p50: number;
  p99: number;
  max: number;
  /** Runs before their time (repeated deliveries), not counted as lateness. */
  early: number;
  /** Objects that fired no alarm at all (evicted or broken). */
  silentObjects: number;
  appCpuPct: number;
  load: number;
}

export async function runAlarmFloor(server: DevServer, objects: number, seconds: number, log: (s: string) => void): Promise<AlarmFloorResult> {
  const base = server.appEntryUrl ?? server.baseUrl;
  const run = `a${Date.now().toString(36)}`;
  const load = loadAverage()[0];
  const a = sample(server.appPid);
  const started = await fetch(`${base}/alarms/start?run=${run}&n=${objects}&periodMs=1000`, { method: "POST" });
  if (!started.ok) throw new Error(`alarm floor: start answered ${started.status}`);
  // The first alarms fire one period after the start; wait for `seconds` of them.
  await new Promise((r) => setTimeout(r, (seconds + 1) * 1000 + 200));
  const res = await fetch(`${base}/alarms/stop?run=${run}&n=${objects}`, { method: "POST" });
  if (!res.ok) throw new Error(`alarm floor: stop answered ${res.status}`);
  const b = sample(server.appPid);
  const answers = (await res.json()) as { lateness: number[]; early: number }[];
  const lists = answers.map((a) => a.lateness);
  const h = new Hist();
  for (const l of lists) for (const v of l) h.add(v);
  const r: AlarmFloorResult = {
    objects,
    seconds,
    fired: h.n,
    p50: h.quantile(0.5),
    p99: h.quantile(0.99),
    max: h.n ? h.max : NaN,
    early: answers.reduce((a, x) => a + x.early, 0),
    silentObjects: lists.filter((l) => l.length === 0).length,
    appCpuPct: cpuPercent(a, b),
    load,
  };
  log(`  alarm floor: ${objects} objects x ${seconds} s: ${r.fired} alarms, late p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms; ${r.early} early runs`);
  return r;
}
