/** Sending reports to the Metrics shards. Never throws; never meant to be awaited on a hot path. */
import { shardCount, shardOf } from "../../shared/shard";
import { logEvent } from "../log";
import type { MetricsReport } from "./batch";
import type { ObservabilityEnv } from "../env";

/** Shards when METRICS_SHARDS is unset. */
export const DEFAULT_METRICS_SHARDS = 8;

export function metricsShards(env: ObservabilityEnv): number {
  return shardCount(env.METRICS_SHARDS, DEFAULT_METRICS_SHARDS);
}

export function metricsShardName(i: number): string {
  return `metrics-${i}`;
}

/** The shard a reporter's source id hashes to (the same source always lands on the same shard). */
export function metricsStub(env: ObservabilityEnv, source: string) {
  const ns = env.METRICS;
  return ns ? ns.get(ns.idFromName(metricsShardName(shardOf(source, metricsShards(env))))) : null;
}

let lastFailureLog = 0;

/** Delivers one report; resolves false (and logs, at most once a minute per isolate) on failure. */
export async function sendMetrics(env: ObservabilityEnv, report: MetricsReport): Promise<boolean> {
  const stub = metricsStub(env, report.source);
  if (!stub) return true; // nowhere to report to: nothing to retry either
  try {
    await stub.report(report);
    return true;
  } catch (err) {
    const now = Date.now();
    if (now - lastFailureLog > 60_000) {
      lastFailureLog = now;
      logEvent("warn", "metrics.report_failed", { message: `source ${report.source.split(":")[0]}`, error: err }, "metrics");
    }
    return false;
  }
}
