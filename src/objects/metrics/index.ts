export { Metrics, METRICS_OBJECT_NAME } from "./metrics-object";
export { MetricsBatch, type MetricsReport } from "./batch";
export { sendMetrics, metricsStub } from "./client";
export { SessionMetrics } from "./session-metrics";
export { recordTournamentStarted, recordTournamentCompleted } from "./tournament-metrics";
export type { ObservabilityEnv } from "./env";
