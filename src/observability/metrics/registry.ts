/**
 * Every metric the game exports, in one place: name, type, help, labels and (for histograms)
 * buckets. The Metrics object refuses samples that are not declared here, the exposition is
 * rendered from it, and the tests check that the docs, the Grafana dashboards and the Prometheus
 * alert rules only use names declared here (the original's alert used a metric that was never
 * exported).
 *
 * Conventions: `pong_` prefix, base units (seconds, bytes), counters end in `_total`, label values
 * are bounded: each label either lists its allowed values (anything else becomes "other") or is
 * `open` (values come from code, e.g. Hono route patterns, and are capped in number).
 *
 * Pure data, no Workers imports: Node-side tests import it too.
 */
export type MetricType = "counter" | "gauge" | "histogram";

export interface LabelSpec {
  /** Allowed values; values outside become "other". `null`: open (bounded by MAX_OPEN_LABEL_VALUES). */
  values: readonly string[] | null;
}

export interface MetricDef {
  name: string;
  type: MetricType;
  help: string;
  labels: Record<string, LabelSpec>;
  /** Histograms: upper bounds in ascending order (+Inf is implicit). */
  buckets?: readonly number[];
  /**
   * Gauges: how values from many reporting objects combine. Each reporter owns a value that
   * expires unless refreshed (see metrics-object.ts); "sum" adds them (counts: games, sockets),
   * "max" takes the largest (an age or a lag: the worst reporter is the answer).
   */
  aggregation?: "sum" | "max";
}

const enumLabel = (...values: string[]): LabelSpec => ({ values });
const openLabel: LabelSpec = { values: null };

export const MODES = ["2p", "4p"] as const;
export const GAME_END_REASONS = ["normal", "forfeit", "abandoned"] as const;
export const SOCKET_ROLES = ["player", "spectator"] as const;
export const SOCKET_CLOSE_REASONS = ["client", "error", "replaced", "game_over", "too_large", "abuse", "out", "heartbeat"] as const;
export const RECEIVE_OUTCOMES = ["ok", "invalid", "dropped", "too_large"] as const;
export const SEND_KINDS = ["binary", "json"] as const;
export const REJOIN_OUTCOMES = ["rejoined", "expired"] as const;
/** Why a player was taken out of a match (game-session rules.forfeitCause, or a resignation). */
export const FORFEIT_REASONS = ["window_expired", "away_budget", "no_show", "resigned"] as const;
export const WS_REJECT_REASONS = ["upgrade_required", "unauthorized", "forbidden_origin", "not_found", "other"] as const;
export const WS_KINDS = ["game", "tournament", "other"] as const;
export const LOGIN_OUTCOMES = ["success", "invalid_credentials", "rate_limited", "bad_request", "error"] as const;
export const REGISTER_OUTCOMES = ["success", "username_taken", "rate_limited", "bad_request", "error"] as const;
export const TOURNAMENT_OUTCOMES = ["finished", "cancelled"] as const;
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"] as const;
export const FORWARDER_BATCH_OUTCOMES = ["sent", "failed", "rejected"] as const;
export const FORWARDER_EVENT_OUTCOMES = ["sent", "dropped", "rejected"] as const;

/** Seconds. Short test games (WIN_SCORE=1) land in the first buckets, real matches in the middle. */
export const GAME_DURATION_BUCKETS = [15, 30, 60, 90, 120, 180, 300, 600, 1200, 1800] as const;
/** Seconds; the runtime clock moves in 1 ms steps, a 60 Hz tick is 16.7 ms. */
export const TICK_LATENESS_BUCKETS = [0.001, 0.002, 0.004, 0.008, 0.016, 0.025, 0.05, 0.1, 0.25, 1] as const;
/**
 * Seconds. The runtime's clock moves in 1 ms steps and only across I/O, so a relay with no await
 * before it measures 0 (the first bucket); the rest resolve one 60 Hz tick (16.7 ms: the other
 * clients' predictions roll back one more step) and the 50-100 ms a player starts to feel.
 */
export const INPUT_RELAY_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.017, 0.025, 0.05, 0.1, 0.25, 1] as const;
/** Seconds. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** At most this many distinct values per open label; more become "other". */
export const MAX_OPEN_LABEL_VALUES = 64;
/** Longer label values are cut. */
export const MAX_LABEL_VALUE_LENGTH = 96;

export const METRICS: readonly MetricDef[] = [
  // ---------------------------------------------------------------- games
  { name: "pong_games_started_total", type: "counter", help: "Games whose first serve happened (countdown over).", labels: { mode: enumLabel(...MODES) } },
  {
    name: "pong_games_finished_total",
    type: "counter",
    help: "Games that ended, by reason: normal (win score reached), forfeit (a player's rejoin window expired or they resigned), abandoned (nobody left).",
    labels: { mode: enumLabel(...MODES), reason: enumLabel(...GAME_END_REASONS) },
  },
  {
    name: "pong_game_duration_seconds",
    type: "histogram",
    help: "Duration of ended games from first serve to the end (0 for games abandoned before they started).",
    labels: { mode: enumLabel(...MODES) },
    buckets: GAME_DURATION_BUCKETS,
  },
  { name: "pong_games_active", type: "gauge", help: "Games started and not yet over (playing, paused or in a resume countdown).", labels: { mode: enumLabel(...MODES) }, aggregation: "sum" },
  { name: "pong_lobbies_open", type: "gauge", help: "Games waiting for players (not started).", labels: { mode: enumLabel(...MODES) }, aggregation: "sum" },
  { name: "pong_players_connected", type: "gauge", help: "Seated players currently connected to a live game (players online).", labels: { mode: enumLabel(...MODES) }, aggregation: "sum" },
  {
    name: "pong_results_pending",
    type: "gauge",
    help: "Finished games whose result is not yet durably recorded (D1 match row, or tournament report): their storage is kept and the write retried with back-off.",
    labels: { mode: enumLabel(...MODES) },
    aggregation: "sum",
  },
  { name: "pong_results_record_failures_total", type: "counter", help: "Failed attempts to record a finished game's result in D1 or report it to its tournament (each is retried).", labels: {} },
  { name: "pong_rejoin_attempts_total", type: "counter", help: "Rejoin windows by outcome: rejoined in time, or expired (forfeit / player out).", labels: { outcome: enumLabel(...REJOIN_OUTCOMES) } },
  {
    name: "pong_player_forfeits_total",
    type: "counter",
    help: "Players taken out of a started or reserved match, by why: window_expired (dropped, not back within the rejoin window), away_budget (the match's away budget ran out first), no_show (never connected to a reserved seat), resigned. What it did to the game (a win by forfeit, a 4P wall, no contest) is in pong_games_finished_total.",
    labels: { mode: enumLabel(...MODES), reason: enumLabel(...FORFEIT_REASONS) },
  },
  {
    name: "pong_tick_lateness_seconds",
    type: "histogram",
    help: "How late each GameSession alarm ran against the time it was set for (a predicted point's tick, a countdown second, a deadline).",
    labels: {},
    buckets: TICK_LATENESS_BUCKETS,
  },
  {
    name: "pong_input_relay_latency_seconds",
    type: "histogram",
    help: "Time a player's input frame spent in its GameSession: from the frame's arrival to the binary relay that carries it to the other sockets (catching up, a point's checkpoint). Observed only when there was someone to relay to.",
    labels: { mode: enumLabel(...MODES) },
    buckets: INPUT_RELAY_BUCKETS,
  },
  { name: "pong_game_desyncs_total", type: "counter", help: "Clients that reported a digest mismatch with the server's timeline (each got a full sync).", labels: {} },
  { name: "pong_game_object_wakes_total", type: "counter", help: "GameSession instances built in memory (first use, after hibernation, eviction or restart).", labels: {} },
  // ---------------------------------------------------------------- WebSockets
  { name: "pong_websocket_connections_total", type: "counter", help: "WebSockets accepted by game objects.", labels: { role: enumLabel(...SOCKET_ROLES) } },
  {
    name: "pong_websocket_rejections_total",
    type: "counter",
    help: "WebSocket upgrades the Worker refused before reaching an object.",
    labels: { reason: enumLabel(...WS_REJECT_REASONS), kind: enumLabel(...WS_KINDS) },
  },
  { name: "pong_websocket_closes_total", type: "counter", help: "Game WebSockets closed, by reason.", labels: { reason: enumLabel(...SOCKET_CLOSE_REASONS) } },
  { name: "pong_websockets_open", type: "gauge", help: "Game WebSockets currently open (players and spectators).", labels: {}, aggregation: "sum" },
  { name: "pong_websocket_messages_received_total", type: "counter", help: "Frames received from clients, by what became of them.", labels: { outcome: enumLabel(...RECEIVE_OUTCOMES) } },
  { name: "pong_websocket_received_bytes_total", type: "counter", help: "Bytes of frames received from clients.", labels: { outcome: enumLabel(...RECEIVE_OUTCOMES) } },
  { name: "pong_websocket_messages_sent_total", type: "counter", help: "Frames sent to clients (one per socket).", labels: { kind: enumLabel(...SEND_KINDS) } },
  { name: "pong_websocket_sent_bytes_total", type: "counter", help: "Bytes sent to clients (frame size times sockets).", labels: { kind: enumLabel(...SEND_KINDS) } },
  // ---------------------------------------------------------------- tournaments
  { name: "pong_tournaments_started_total", type: "counter", help: "Tournaments whose bracket started.", labels: {} },
  { name: "pong_tournaments_completed_total", type: "counter", help: "Tournaments that ended: finished (a champion) or cancelled.", labels: { outcome: enumLabel(...TOURNAMENT_OUTCOMES) } },
  // ---------------------------------------------------------------- HTTP and accounts
  {
    name: "pong_http_requests_total",
    type: "counter",
    help: "HTTP requests handled by the Worker, by Hono route pattern, method and status code.",
    labels: { route: openLabel, method: enumLabel(...HTTP_METHODS), status: openLabel },
  },
  {
    name: "pong_http_request_duration_seconds",
    type: "histogram",
    help: "Time to the response (for WebSocket upgrades: to the 101).",
    labels: { route: openLabel, method: enumLabel(...HTTP_METHODS) },
    buckets: HTTP_DURATION_BUCKETS,
  },
  { name: "pong_auth_logins_total", type: "counter", help: "Login attempts by outcome.", labels: { outcome: enumLabel(...LOGIN_OUTCOMES) } },
  { name: "pong_auth_registrations_total", type: "counter", help: "Registration attempts by outcome.", labels: { outcome: enumLabel(...REGISTER_OUTCOMES) } },
  // ---------------------------------------------------------------- log forwarder
  {
    name: "pong_log_forwarder_batches_total",
    type: "counter",
    help: "Batches POSTed to Logstash: sent (2xx), failed (network/5xx/429/401/403: retried with backoff), rejected (other 4xx: dropped).",
    labels: { outcome: enumLabel(...FORWARDER_BATCH_OUTCOMES) },
  },
  {
    name: "pong_log_forwarder_events_total",
    type: "counter",
    help: "Log events by fate: sent, dropped (buffer full, oldest dropped) or rejected (batch refused by Logstash).",
    labels: { outcome: enumLabel(...FORWARDER_EVENT_OUTCOMES) },
  },
  { name: "pong_log_forwarder_buffered_events", type: "gauge", help: "Log events waiting in the forwarder's buffer.", labels: {}, aggregation: "sum" },
  {
    name: "pong_log_forwarder_oldest_event_age_seconds",
    type: "gauge",
    help: "Log forwarding lag: age (from its @timestamp) of the oldest event a LogShipper holds unsent, as of that shipper's last report; the largest over shippers; 0 when every buffer is empty.",
    labels: {},
    aggregation: "max",
  },
  {
    name: "pong_log_forwarder_retry_attempt",
    type: "gauge",
    help: "Consecutive failed deliveries of the current batch (0 when healthy); the largest over shippers.",
    labels: {},
    aggregation: "max",
  },
  // ---------------------------------------------------------------- the pipeline itself
  { name: "pong_metrics_reporters", type: "gauge", help: "Objects whose gauge values are currently counted (not expired).", labels: {} },
  { name: "pong_metrics_reports_total", type: "counter", help: "Metric batches received by the Metrics object.", labels: {} },
  { name: "pong_metrics_rejected_samples_total", type: "counter", help: "Reported samples refused (unknown metric or labels).", labels: {} },
];

export const METRIC_BY_NAME: ReadonlyMap<string, MetricDef> = new Map(METRICS.map((m) => [m.name, m]));

/** Names Prometheus exposes for a metric (histograms: _bucket, _sum, _count). */
export function exposedNames(def: MetricDef): string[] {
  return def.type === "histogram" ? [`${def.name}_bucket`, `${def.name}_sum`, `${def.name}_count`] : [def.name];
}

/** Every series name the exposition can contain. */
export function allExposedNames(): Set<string> {
  return new Set(METRICS.flatMap(exposedNames));
}
