/**
 * The pure, deterministic Pong engine. See types.ts for the data model; every function here is
 * free of I/O, clocks and Math.random. Typical use:
 *
 *   let state = createGame(defaultConfig("2p"), seed);
 *   const { state: next, events } = step(state, [dirSeat0, dirSeat1]);
 *
 * Hot server loops can use `stepInPlace(state, inputs, events)` instead (same result, no copy).
 */
export * from "./types";
export { defaultConfig, validateConfig, type ConfigOverrides } from "./config";
export { createGame, cloneState } from "./state";
export { step, stepInPlace, toDir, type StepResult } from "./step";
export { eliminateSeat, declareWinner } from "./seats";
export { serializeGame, restoreGame, type SerializedGame } from "./serialize";
export { DEAD_BALL_LIMIT, scorerForExit } from "./scoring";
export { SERVE_MAX_SLOPE } from "./serve";
export { bounceVelocity, bounceAngle, hitOffset, spedUp } from "./bounce";
export {
  SIDE_INFO,
  ballRect,
  clampPaddlePos,
  edgeCoord,
  faceCoord,
  fieldCentre,
  paddleHome,
  paddleRange,
  paddleRect,
  seatCount,
  seatOfSide,
  sideLength,
  sideOfSeat,
  sideWallRect,
  type Rect,
  type SideInfo,
} from "./geometry";
export { Rng, rngAdvance, rngFloat } from "./rng";
export { clamp, detTan } from "./math";
