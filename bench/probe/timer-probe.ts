/**
 * Probe: runs the GameSession's fixed-rate setTimeout chain (the same FixedRateClock and
 * TimerTickDriver) with no game work, counting every timer callback, to separate workerd's timer
 * behaviour from the game's. GET /run?ms=5000&hz=60&variant=driver|early1
 */
import { DurableObject } from "cloudflare:workers";
import { FixedRateClock } from "../../src/objects/game-session/fixed-rate-clock";
import { TimerTickDriver } from "../../src/objects/game-session/tick-driver";

interface Env {
  PROBE: DurableObjectNamespace<Probe>;
}

export class Probe extends DurableObject<Env> {
  async run(ms: number, hz: number): Promise<unknown> {
    const start = Date.now();
    const clock = new FixedRateClock(hz, start);
    const hist = new Array<number>(60).fill(0); // 0.5 ms buckets
    let callbacks = 0;
    let ticks = 0;
    let wakes = 0;
    let early = 0;
    let max = 0;
    const lateness: number[] = [];
    await new Promise<void>((resolve) => {
      const driver = new TimerTickDriver(
        () => clock.nextTickAt,
        () => {
          callbacks++;
          const now = Date.now();
          const due = clock.due(now);
          if (due.steps === 0) {
            early++;
            return;
          }
          wakes++;
          ticks += due.steps;
          lateness.push(due.latenessMs);
          hist[Math.min(59, Math.floor(due.latenessMs / 0.5))]++;
          if (due.latenessMs > max) max = due.latenessMs;
          if (now - start >= ms) {
            driver.stop();
            resolve();
          }
        },
        () => Date.now(),
      );
      driver.start();
    });
    lateness.sort((a, b) => a - b);
    const q = (p: number) => lateness[Math.min(lateness.length - 1, Math.ceil(p * lateness.length) - 1)];
    return { ms: Date.now() - start, callbacks, wakes, ticks, earlyCallbacks: early, p50: q(0.5), p90: q(0.9), p99: q(0.99), max, hist };
  }
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const u = new URL(req.url);
    const ms = Number(u.searchParams.get("ms") ?? 5000);
    const hz = Number(u.searchParams.get("hz") ?? 60);
    const n = Number(u.searchParams.get("n") ?? 1);
    const res = await Promise.all(
      Array.from({ length: n }, (_, i) => env.PROBE.get(env.PROBE.idFromName(`p${i}-${Date.now()}`)).run(ms, hz)),
    );
    return Response.json(res);
  },
};
