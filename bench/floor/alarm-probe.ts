/**
 * The bare alarm probe (bench-only): a Durable Object firing one alarm a period, nothing else, that
 * reports how late each fired (`Date.now()` at the start of the handler minus the time it was set
 * for). The project announces points from an alarm, so this is the runtime's own share of a point's
 * lateness.
 *
 * Two hosts run it: the relay floor's Worker (bench/floor/worker.ts, routes under /alarms/), and, for
 * the load bench's steps, the project's own Worker in a bench-only entry module that bench/load/server.ts
 * generates in its private copy of the sources (routes under /__bench/alarms/): there it shares the
 * GameSessions' workerd and thread, so it measures the runtime's alarm lateness under the same load.
 * This file imports nothing but the runtime, so the copy can take it as is.
 *
 * Routes (below the host's prefix): POST /start?run=&n=&periodMs=; POST /stop?run=&n= (answers every
 * object's lateness list, ms, and its early runs); GET /healthz.
 */
import { DurableObject } from "cloudflare:workers";

export class AlarmProbe extends DurableObject {
  private lateness: number[] = [];
  /** Runs before their time (a repeated delivery: alarms are at-least-once): not lateness, counted apart. */
  private early = 0;
  private due = 0;
  private periodMs = 1000;
  private running = false;

  async start(firstAt: number, periodMs: number): Promise<void> {
    this.lateness = [];
    this.early = 0;
    this.due = firstAt;
    this.periodMs = periodMs;
    this.running = true;
    await this.ctx.storage.setAlarm(firstAt);
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    if (!this.running) return;
    if (now < this.due) {
      this.early++;
      return void (await this.ctx.storage.setAlarm(this.due));
    }
    this.lateness.push(now - this.due);
    // Fixed rate: the next one a period after this one was due (skipping any already missed).
    this.due += this.periodMs;
    while (this.due <= now) this.due += this.periodMs;
    await this.ctx.storage.setAlarm(this.due);
  }

  async stop(): Promise<{ lateness: number[]; early: number }> {
    this.running = false;
    await this.ctx.storage.deleteAlarm();
    return { lateness: this.lateness, early: this.early };
  }
}

/**
 * Answers a probe route (`path`: the request's path below the host's prefix, e.g. "/start"), or
 * null when `path` is none of them.
 */
export async function alarmProbeRoute(req: Request, path: string, ns: DurableObjectNamespace<AlarmProbe>): Promise<Response | null> {
  if (path === "/healthz") return new Response("alarm probe");
  const url = new URL(req.url);
  const run = url.searchParams.get("run") ?? "";
  const n = Number(url.searchParams.get("n") ?? 0);
  if (req.method !== "POST" || !/^[A-Za-z0-9_-]{1,32}$/.test(run) || !Number.isInteger(n) || n <= 0 || n > 1000) return null;
  const probe = (i: number) => ns.get(ns.idFromName(`${run}-${i}`));
  if (path === "/start") {
    const periodMs = Number(url.searchParams.get("periodMs") ?? 1000);
    if (!Number.isInteger(periodMs) || periodMs < 10 || periodMs > 60_000) return new Response("periodMs: 10-60000", { status: 400 });
    const now = Date.now();
    // Phases spread over one period, so the objects do not all fire in the same millisecond.
    await Promise.all(Array.from({ length: n }, (_, i) => probe(i).start(now + periodMs + Math.floor((i * periodMs) / n), periodMs)));
    return Response.json({ started: n });
  }
  if (path === "/stop") return Response.json(await Promise.all(Array.from({ length: n }, (_, i) => probe(i).stop())));
  return null;
}
