/** The AI opponent: acts only through a held direction key, sees the game once per second. */
export { AiPlayer, RETURN_TRUST } from "./player";
export { AI_LEVEL_PARAMS, AI_VIEW_INTERVAL, type AiLevel, type AiLevelParams } from "./levels";
export { predictCrossing, type Crossing, type PredictOptions } from "./predict";
