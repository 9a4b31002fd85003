/**
 * GET /metrics's read side: asks every Metrics shard 0..METRICS_SHARDS-1 for its snapshot, in
 * parallel, merges them and renders one Prometheus exposition. A shard that never got a report
 * answers empty (a get() of a new name creates an empty object), so raising the shard count needs
 * no migration. A scrape every 15 s costs each shard one call: the read side never concentrates load.
 */
import type { ObservabilityEnv } from "../env";
import { MetricsAggregate } from "./aggregate";
import { metricsShardName, metricsShards } from "./client";

export async function renderAllShards(env: ObservabilityEnv): Promise<string> {
  const ns = env.METRICS;
  const merged = new MetricsAggregate();
  if (ns) {
    const k = metricsShards(env);
    const snaps = await Promise.all(Array.from({ length: k }, (_, i) => ns.get(ns.idFromName(metricsShardName(i))).snapshot()));
    for (const s of snaps) merged.absorb(s);
  }
  return merged.render(Date.now());
}
