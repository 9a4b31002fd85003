/**
 * Netcode helpers shared by the browser client and the benchmark bots: prediction with
 * reconciliation for the local paddle, and the interpolation buffer for everything else.
 * Pure and deterministic (no DOM, no clock: time is passed in).
 */
export { PaddlePredictor, type PaddlePredictorOptions, type PendingInput, type ReconcileResult, type ServerPaddle } from "./predictor";
export { InterpolationBuffer, type InterpolatedFrame, type InterpolationOptions } from "./interpolation";
