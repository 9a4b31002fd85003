/**
 * Drives a bare alarm probe (bench/floor/alarm-probe.ts: `objects` Durable Objects each firing one
 * alarm a second, nothing else) on whichever server runs one (DevServer.alarmProbePrefix): the relay
 * floor's Worker (the probe alone on its own server), or the project's own Worker in the bench's
 * copy (the probe in the GameSessions' workerd, during a step, under the same load). The project
 * announces a point from its alarm at the point's tick, so its point lateness is compared with this.
 */
import { Hist } from "./hist";
import { cpuPercent, loadAverage, sample } from "./procstat";
import type { DevServer } from "./server";

export interface AlarmFloorResult {
  objects: number;
  /** Seconds the probe ran (start to stop). */
  seconds: number;
  /** Alarms that fired (about objects x (seconds - 1): the first fire a period after the start). */
  fired: number;
  p50: number;
  p99: number;
  max: number;
  /** Runs before their time (repeated deliveries), not counted as lateness. */
  early: number;
  /** Objects that fired no alarm at all (evicted or broken). */
  silentObjects: number;
  /** The probe's server's app workerd over the run (% of a core; in a step: the project's, everything included). */
  appCpuPct: number;
  load: number;
}

export interface RunningAlarmProbe {
  /** Stops every object and reads what they measured. */
  stop(): Promise<AlarmFloorResult>;
}

/** Starts `objects` probes on `server` (their first alarms fire one period later). */
export async function startAlarmProbe(server: DevServer, objects: number): Promise<RunningAlarmProbe> {
  if (!server.alarmProbePrefix) throw new Error("this server runs no alarm probe");
  const base = `${server.appEntryUrl ?? server.baseUrl}${server.alarmProbePrefix}`;
  const run = `a${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  const load = loadAverage()[0];
  const a = sample(server.appPid);
  const t0 = Date.now();
  const started = await fetch(`${base}/start?run=${run}&n=${objects}&periodMs=1000`, { method: "POST" });
  if (!started.ok) throw new Error(`alarm probe: start answered ${started.status}`);
  return {
    async stop() {
      const res = await fetch(`${base}/stop?run=${run}&n=${objects}`, { method: "POST" });
      if (!res.ok) throw new Error(`alarm probe: stop answered ${res.status}`);
      const seconds = (Date.now() - t0) / 1000;
      const b = sample(server.appPid);
      const answers = (await res.json()) as { lateness: number[]; early: number }[];
      const lists = answers.map((x) => x.lateness);
      const h = new Hist();
      for (const l of lists) for (const v of l) h.add(v);
      return {
        objects,
        seconds,
        fired: h.n,
        p50: h.quantile(0.5),
        p99: h.quantile(0.99),
        max: h.n ? h.max : NaN,
        early: answers.reduce((s, x) => s + x.early, 0),
        silentObjects: lists.filter((l) => l.length === 0).length,
        appCpuPct: cpuPercent(a, b),
        load,
      };
    },
  };
}

/** "25 objects: 225 alarms late p50 1.0 ms, p99 4.0 ms, max 6.0 ms; 0 early runs". */
export function alarmProbeLine(r: AlarmFloorResult): string {
  const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
  return `${r.objects} objects x ${r.seconds.toFixed(0)} s: ${r.fired} alarms, late p50 ${f1(r.p50)} ms, p99 ${f1(r.p99)} ms, max ${f1(r.max)} ms; ${r.early} early runs`;
}

/** The probe alone for `seconds` of alarms on `server` (nothing else asked of it meanwhile). */
export async function runAlarmFloor(server: DevServer, objects: number, seconds: number, log: (s: string) => void): Promise<AlarmFloorResult> {
  const probe = await startAlarmProbe(server, objects);
  // The first alarms fire one period after the start; wait for `seconds` of them.
  await new Promise((r) => setTimeout(r, (seconds + 1) * 1000 + 200));
  const r = await probe.stop();
  log(`  alarm floor: ${alarmProbeLine(r)}`);
  return { ...r, seconds };
}
