/**
 * The scale model: what request rate each object sees at a worldwide load, before (one object
 * per role) and after (sharded), for shard counts chosen so no shard passes TARGET_PER_SHARD.
 * Pure arithmetic from the stated assumptions below; the bench (index.ts) then drives one shard
 * of each kind at its projected share and measures it.
 */

/** Cloudflare's guidance: about 1,000 requests/s per object (less with JSON and storage writes). */
export const OBJECT_LIMIT_RPS = 1_000;
/** Shards are sized to keep each under 40 % of that. */
export const TARGET_PER_SHARD = 400;

/** The assumptions, stated (docs/architecture.md, "Scale"). */
export const ASSUME = {
  /** Average match length, s: concurrent matches / this = match starts per second. */
  matchSeconds: 50,
  /** Each live game reports metrics every TICK_FLUSH_MS while it runs (SessionMetrics' flush; edges aside); test/bench/scale-model.test.ts holds them equal. */
  metricsEveryS: 30,
  /**
   * Live-list updates per match: the shape changes (opened, second seat, countdown, playing,
   * finished) and a score at most every LIVE_SCORE_EVERY_MS (none in a 50 s match; one for safety).
   */
  liveUpdatesPerMatch: 6,
  /** LogShipper ingest calls per match (one per turn that logged: open, pair, start, points, end...). */
  logCallsPerMatch: 20,
  /** Plays per match start (2-player). */
  playsPerMatch: 2,
  /** Busiest region's share of all plays (its shards split it). */
  busiestRegionShare: 0.3,
  /** Regions (locationHint). */
  regions: 9,
};

export interface Role {
  key: "metrics" | "live" | "log" | "match";
  name: string;
  /**
   * Requests/s a shard is sized for. TARGET_PER_SHARD for objects that answer from memory/SQLite;
   * lower for matchmaking, whose plays run one at a time and each await 3-4 RPCs to other objects
   * (session init/claimSeat/status): its ceiling is set by RPC latency, not by the request limit
   * (measured here: about 40 plays/s on the shared, loaded 2-core machine).
   */
  target: number;
  /** Requests/s to the whole role at `concurrent` matches. */
  total(concurrent: number): number;
  /** Requests/s to its busiest shard with k shards (k per region for "match"). */
  perShard(concurrent: number, k: number): number;
  /** The configuration variable that sets k. */
  knob: string;
}

const starts = (c: number) => c / ASSUME.matchSeconds;

export const ROLES: readonly Role[] = [
  { key: "metrics", name: "Metrics", target: TARGET_PER_SHARD, knob: "METRICS_SHARDS", total: (c) => c / ASSUME.metricsEveryS, perShard: (c, k) => c / ASSUME.metricsEveryS / k },
  { key: "live", name: "Live-games list", target: TARGET_PER_SHARD, knob: "LIVE_SHARDS", total: (c) => starts(c) * ASSUME.liveUpdatesPerMatch, perShard: (c, k) => (starts(c) * ASSUME.liveUpdatesPerMatch) / k },
  { key: "log", name: "LogShipper", target: TARGET_PER_SHARD, knob: "LOG_SHARDS", total: (c) => starts(c) * ASSUME.logCallsPerMatch, perShard: (c, k) => (starts(c) * ASSUME.logCallsPerMatch) / k },
  {
    key: "match",
    name: "Matchmaking (busiest region)",
    target: 40,
    knob: "MATCH_SHARDS_PER_REGION",
    total: (c) => starts(c) * ASSUME.playsPerMatch,
    perShard: (c, k) => (starts(c) * ASSUME.playsPerMatch * ASSUME.busiestRegionShare) / k,
  },
];

/** Smallest power of two keeping the busiest shard at or under the role's target. */
export function shardsFor(role: Role, concurrent: number): number {
  let k = 1;
  while (role.perShard(concurrent, k) > role.target && k < 1024) k *= 2;
  return k;
}

/** Before: the old singletons. The one Matchmaker saw plays and live updates together. */
export function singletonRates(concurrent: number): { name: string; rps: number }[] {
  const r = (key: Role["key"]) => ROLES.find((x) => x.key === key)!.total(concurrent);
  return [
    { name: "Matchmaker (global)", rps: r("match") + r("live") },
    { name: "Metrics (global)", rps: r("metrics") },
    { name: "LogShipper (log-shipper-0)", rps: r("log") },
  ];
}
