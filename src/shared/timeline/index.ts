/**
 * The match timeline shared by the GameSession and the client (issue 17): a tick clock, the
 * timeline of engine state + stamped inputs, the input acceptance rule and the state digest.
 * Pure and deterministic: no clock reads, no I/O (`now` is always a parameter).
 */
export { tickAt, timeOfTick, rebaseClock, tickPeriodMs, type TickClock } from "./clock";
export { MatchTimeline, type TimelineInput, type TimedEvent, type TimelineCheckpoint, type PointPrediction } from "./timeline";
export { acceptInputTick, MAX_INPUT_LEAD_TICKS, type InputVerdict } from "./accept";
export { stateDigest } from "./digest";
export { PointWatch, WAKE_WINDOW_TICKS, type PointSource } from "./point-watch";
