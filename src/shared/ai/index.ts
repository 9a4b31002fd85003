/** The AI opponent: acts only through a held direction key, sees the game once per second. */
export { AiPlayer, LOOK_AFTER_CROSSING, LOOK_AFTER_SERVE, RETURN_TRUST } from "./player";
export { AI_LEVEL_PARAMS, AI_VIEW_INTERVAL, type AiLevel, type AiLevelParams } from "./levels";
export { predictCrossing, type Crossing, type PredictOptions } from "./predict";
