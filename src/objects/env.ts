/**
 * The game objects' name for the one generated Env (worker-configuration.d.ts, `npm run types`).
 * Kept only because src/objects/game-session/ is being rewritten in parallel and still imports it;
 * new code uses the global `Env` directly.
 */
export type GameEnv = Env;
