/**
 * Scale-model driver (bench/scale/index.ts starts it with `wrangler dev -c bench/scale/wrangler.toml`).
 * It exports the project's real object classes and, on POST /drive, calls one shard of a kind at a
 * fixed open-loop rate for a while (calls are not serialized by the driver: a slow object shows up
 * as latency, not as a lower offered rate), then answers the achieved rate and latency percentiles.
 *   kind=metrics  Metrics "metrics-0".report(a game's 5 s batch), sources from a pool of `pool`
 *   kind=live     Matchmaker "live:0".gameUpdated(a game's phase/score change), games from a pool
 *   kind=log      LogShipper "log-shipper-0".ingest(2 lines)
 *   kind=match    PlayerDirectory(new user).play(2p, from weur) -> Matchmaker "match:weur:0" ->
 *                 GameSession init/claimSeat (MATCH_SHARDS_PER_REGION = 1 here: one shard takes it all)
 */
export { GameSession, LogShipper, Matchmaker, Metrics, PlayerDirectory } from "../../src/objects";

interface DriveAnswer {
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

const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(p * (xs.length - 1)))] : NaN);

function metricsReport(source: string) {
  const b = new Array<number>(12).fill(0);
  b[2] = 280;
  b[3] = 20;
  return {
    source,
    ttlS: 60,
    counters: [
      { n: "pong_websocket_messages_total", l: { direction: "in" }, v: 80 },
      { n: "pong_websocket_messages_total", l: { direction: "out" }, v: 150 },
    ],
    histograms: [],
    gaugeSet: [
      { n: "pong_games_active", l: { mode: "2p" }, v: 1 },
      { n: "pong_websockets_open", l: {}, v: 2 },
    ],
  };
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/health") return new Response("ok");
    if (url.pathname !== "/drive") return new Response("not found", { status: 404 });
    const kind = url.searchParams.get("kind") ?? "metrics";
    const rate = Number(url.searchParams.get("rate") ?? "100");
    const ms = Number(url.searchParams.get("ms") ?? "4000");
    const pool = Math.max(1, Number(url.searchParams.get("pool") ?? "100"));
    const run = url.searchParams.get("run") ?? crypto.randomUUID().slice(0, 6);
    const metrics = env.METRICS.get(env.METRICS.idFromName("metrics-0"));
    const live = env.MATCHMAKER.get(env.MATCHMAKER.idFromName("live:0"));
    const log = env.LOG_SHIPPER.get(env.LOG_SHIPPER.idFromName("log-shipper-0"));
    let n = 0;
    const call = (): Promise<unknown> => {
      const i = n++;
      switch (kind) {
        case "metrics":
          return metrics.report(metricsReport(`game:${run}-${i % pool}`) as never);
        case "live":
          return live.gameUpdated({ gameId: `G${run}${i % pool}`, mode: "2p", phase: "playing", players: ["a", "b"], scores: [i % 5, 0], updatedAt: Date.now() });
        case "log":
          return log.ingest([
            { "@timestamp": new Date().toISOString(), level: "info", event: "bench.line", service: "game", gameId: `G${i % pool}` },
            { "@timestamp": new Date().toISOString(), level: "info", event: "bench.line2", service: "game", gameId: `G${i % pool}` },
          ] as never);
        case "match": {
          const user = { id: `u-${run}-${i}`, username: `u${i}` };
          return env.PLAYER_DIRECTORY.get(env.PLAYER_DIRECTORY.idFromName(user.id)).play(user, "2p", { continent: "EU", country: "FR", longitude: "2.3" });
        }
        default:
          throw new Error(`unknown kind ${kind}`);
      }
    };
    const lat: number[] = [];
    let errors = 0;
    const inflight: Promise<void>[] = [];
    const start = performance.now();
    let issued = 0;
    while (performance.now() - start < ms) {
      const due = Math.floor(((performance.now() - start) / 1000) * rate);
      while (issued < due) {
        issued++;
        const t0 = performance.now();
        inflight.push(
          call().then(
            () => void lat.push(performance.now() - t0),
            () => void (errors += 1),
          ),
        );
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(inflight);
    const seconds = (performance.now() - start) / 1000;
    lat.sort((a, b) => a - b);
    const answer: DriveAnswer = { kind, offered: rate, calls: issued, errors, seconds, achievedRps: lat.length / seconds, p50Ms: pct(lat, 0.5), p99Ms: pct(lat, 0.99), maxMs: lat[lat.length - 1] ?? NaN };
    return Response.json(answer);
  },
};
