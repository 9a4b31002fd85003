/** Default tunables per mode, and the checks every config must pass. */
import type { GameConfig, Mode } from "./types";

/** Editable config fields (the mode is chosen separately). */
export type ConfigOverrides = Partial<Omit<GameConfig, "mode">>;

/**
 * Defaults. Serve speed 7 px/tick at 60 Hz: a straight serve crosses the 820 px between the 2P
 * paddle faces in ~2 s, like classic Pong. Every paddle hit multiplies the speed by 1.05 up to
 * 16 px/tick (reached after ~17 hits); collisions are swept, so the cap is about feel, not safety.
 */
const COMMON = {
  paddleLength: 100,
  paddleThickness: 10,
  paddleInset: 20,
  paddleSpeed: 8,
  ballSize: 20,
  ballSpeed: 7,
  ballSpeedMax: 16,
  ballSpeedup: 1.05,
  maxBounceAngle: Math.PI / 3,
  servePauseTicks: 60,
} as const;

export function defaultConfig(mode: Mode, overrides: ConfigOverrides = {}): GameConfig {
  if (mode !== "2p" && mode !== "4p") throw new Error(`unknown mode ${JSON.stringify(mode)}`);
  const base: GameConfig =
    mode === "2p"
      ? { mode, width: 900, height: 600, winScore: 5, ...COMMON }
      : { mode, width: 600, height: 600, winScore: 3, ...COMMON };
  const config: GameConfig = { ...base };
  for (const key of Object.keys(overrides) as (keyof ConfigOverrides)[]) {
    const value = overrides[key];
    if (value !== undefined) config[key] = value;
  }
  validateConfig(config);
  return config;
}

const NUMERIC_FIELDS = [
  "width",
  "height",
  "winScore",
  "paddleLength",
  "paddleThickness",
  "paddleInset",
  "paddleSpeed",
  "ballSize",
  "ballSpeed",
  "ballSpeedMax",
  "ballSpeedup",
  "maxBounceAngle",
  "servePauseTicks",
] as const satisfies readonly (keyof GameConfig)[];

/** Throws an Error naming the first bad field. Accepts `unknown` so restore can reuse it. */
export function validateConfig(value: unknown): asserts value is GameConfig {
  if (typeof value !== "object" || value === null) throw new Error("config: expected an object");
  const c = value as Record<string, unknown>;
  if (c.mode !== "2p" && c.mode !== "4p") throw new Error(`config.mode: expected "2p" or "4p", got ${JSON.stringify(c.mode)}`);
  for (const key of NUMERIC_FIELDS) {
    const v = c[key];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`config.${key}: expected a finite number`);
  }
  const g = c as unknown as GameConfig;
  const positive = ["width", "height", "paddleLength", "paddleThickness", "ballSize", "ballSpeed"] as const;
  for (const key of positive) if (!(g[key] > 0)) throw new Error(`config.${key}: must be > 0`);
  if (g.paddleInset < 0) throw new Error("config.paddleInset: must be >= 0");
  if (g.paddleSpeed < 0) throw new Error("config.paddleSpeed: must be >= 0");
  if (!Number.isInteger(g.winScore) || g.winScore < 1) throw new Error("config.winScore: must be an integer >= 1");
  if (!Number.isInteger(g.servePauseTicks) || g.servePauseTicks < 0) throw new Error("config.servePauseTicks: must be an integer >= 0");
  if (g.ballSpeedMax < g.ballSpeed) throw new Error("config.ballSpeedMax: must be >= ballSpeed");
  if (g.ballSpeedup < 1) throw new Error("config.ballSpeedup: must be >= 1");
  // Below pi/2 with margin: the ball must always keep moving away from the paddle it left.
  if (!(g.maxBounceAngle > 0 && g.maxBounceAngle <= 1.4)) throw new Error("config.maxBounceAngle: must be in (0, 1.4] radians");
  if (g.mode === "4p" && g.width !== g.height) throw new Error("config: 4p field must be square");
  const back = 2 * (g.paddleInset + g.paddleThickness);
  if (back + 2 * g.ballSize >= Math.min(g.width, g.height) && g.mode === "4p") throw new Error("config: field too small for paddles and ball");
  if (back + 2 * g.ballSize >= g.width) throw new Error("config: field too narrow for paddles and ball");
  if (g.ballSize >= g.height) throw new Error("config: ball larger than the field");
  if (g.paddleLength > (g.mode === "2p" ? g.height : g.width - back)) throw new Error("config.paddleLength: longer than its side");
}
