/**
 * Tournament counters, for the Tournament object to call where its bracket starts and where it
 * ends. Tournaments are rare, so each call is one immediate report; the returned promise never
 * rejects and need not be awaited (`void recordTournamentStarted(this.env)`).
 *
 *   pong_tournaments_started_total
 *   pong_tournaments_completed_total{outcome="finished"|"cancelled"}
 */
import { MetricsBatch } from "./batch";
import { sendMetrics } from "./client";
import type { ObservabilityEnv } from "../env";

export type TournamentOutcome = "finished" | "cancelled";

export async function recordTournamentStarted(env: ObservabilityEnv): Promise<void> {
  const b = new MetricsBatch();
  b.inc("pong_tournaments_started_total");
  await sendMetrics(env, b.take("tournament"));
}

export async function recordTournamentCompleted(env: ObservabilityEnv, outcome: TournamentOutcome): Promise<void> {
  const b = new MetricsBatch();
  b.inc("pong_tournaments_completed_total", { outcome });
  await sendMetrics(env, b.take("tournament"));
}
