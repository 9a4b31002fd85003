/**
 * The three AI levels, told apart by what a player feels: how many balls they send back. Each level
 * faces the same scripted players with the same seeds (deterministic), sees the game once a second
 * and acts only through its key; the rates must come out strictly ordered with a clear margin, and
 * no level may lose a point on a serve it never looked at.
 */
import { describe, expect, it } from "vitest";
import { AI_VIEW_INTERVAL, type AiLevel } from "../../../src/shared/ai";
import { runRallies, type Shooter } from "../support/rally";

const LEVELS: readonly AiLevel[] = ["easy", "medium", "hard"];
const SHOOTERS: readonly { name: string; shooter: Shooter }[] = [
  { name: "a perfect shooter", shooter: { kind: "perfect" } },
  { name: "a shooter reacting 500 ms late", shooter: { kind: "laggy", lag: 30 } },
];
/** Return rates of neighbouring levels differ by at least this much (absolute). */
const MARGIN = 0.1;
/** A straight serve reaches a paddle in 57 ticks: the AI must have looked with 25 ticks to spare. */
const MAX_UNSEEN_SERVE_TICKS = 32;

describe("AI levels against scripted players", { timeout: 120_000 }, () => {
  for (const { name, shooter } of SHOOTERS) {
    it(`against ${name}: easy < medium < hard by a clear margin, no serve missed unseen`, () => {
      const rates = {} as Record<AiLevel, number>;
      for (const level of LEVELS) {
        const stats = runRallies(level, 300, 2024, shooter);
        expect(stats.arrivals).toBe(300);
        expect(stats.views).toBeLessThanOrEqual(Math.floor(stats.ticks / AI_VIEW_INTERVAL) + 1);
        expect(stats.servesToAi).toBeGreaterThan(0); // serves were exercised
        expect(stats.blindServeMisses).toBe(0);
        expect(stats.longestUnseenServe).toBeLessThanOrEqual(MAX_UNSEEN_SERVE_TICKS);
        rates[level] = stats.returns / stats.arrivals;
        console.log(
          `AI ${level} vs ${shooter.kind}: returned ${stats.returns}/${stats.arrivals} = ${(rates[level] * 100).toFixed(1)}%, ` +
            `${stats.servesToAi} serves to it, longest unseen ${stats.longestUnseenServe} ticks, shooter missed ${stats.shooterMisses}`,
        );
      }
      expect(rates.medium).toBeGreaterThanOrEqual(rates.easy + MARGIN);
      expect(rates.hard).toBeGreaterThanOrEqual(rates.medium + MARGIN);
      expect(rates.hard).toBeGreaterThanOrEqual(0.9);
      expect(rates.easy).toBeLessThanOrEqual(0.75);
    });
  }
});
