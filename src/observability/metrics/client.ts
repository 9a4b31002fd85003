/** Sending reports to the Metrics object. Never throws; never meant to be awaited on a hot path. */
import { logEvent } from "../log";
import type { MetricsReport } from "./batch";
import type { ObservabilityEnv } from "../env";

/** The one Metrics object every isolate reports to (idFromName). */
export const METRICS_OBJECT_NAME = "global";

export function metricsStub(env: ObservabilityEnv) {
  const ns = env.METRICS;
  return ns ? ns.get(ns.idFromName(METRICS_OBJECT_NAME)) : null;
}

let lastFailureLog = 0;

/** Delivers one report; resolves false (and logs, at most once a minute per isolate) on failure. */
export async function sendMetrics(env: ObservabilityEnv, report: MetricsReport): Promise<boolean> {
  const stub = metricsStub(env);
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
