// Durable Object classes exported by the Worker entry (src/index.ts re-exports this
// file). Add one line per class; also add its binding and [[migrations]] entry in wrangler.toml.
export { RateLimiter } from "./rate-limiter";
export { GameSession } from "./game-session/game-session";
export { Matchmaker } from "./matchmaker/matchmaker";
export { PlayerDirectory } from "./matchmaker/player-directory";
// Observability: the metrics aggregate, and the log forwarder's durable buffer.
export { Metrics } from "./metrics/metrics-object";
export { LogShipper } from "./log-shipper/log-shipper";
export { Tournament } from "./tournament/tournament";
