/**
 * The client's netcode (issue 17), shared by the browser client and the benchmark bots: clock
 * sync, the lead over the server, the rollback session on top of the shared MatchTimeline, and
 * render smoothing. Pure and deterministic (no DOM, no clock: time is always passed in).
 */
export { ClockSync, type ClockEstimate, type ClockSyncOptions } from "./clock-sync";
export { LeadController, PlayClock, type LeadOptions } from "./lead";
export { RollbackSession, type Rewind, type SessionOptions, type Verdict } from "./rollback";
export { RenderSmoother, type SmootherOptions } from "./smoothing";
export { DigestChecks, type DigestClaim } from "./digest-checks";
export { WakeAsker } from "./wake-asker";
