import { describe, expect, it } from "vitest";
import { ASSUME } from "../../bench/scale/model";
import { LIVE_SCORE_EVERY_MS } from "../../src/objects/game-session/live-list";
import { TICK_FLUSH_MS } from "../../src/observability/metrics/session-metrics";

// The scale model's assumptions restate what the code does (its bench tsconfig cannot import the
// Workers modules): these keep the two from drifting apart.
describe("the scale model's assumptions", () => {
  it("a running game reports metrics as often as SessionMetrics flushes", () => {
    expect(ASSUME.metricsEveryS).toBe(TICK_FLUSH_MS / 1000);
  });

  it("counts at most one live-list score update in a match of the assumed length", () => {
    expect(Math.ceil((ASSUME.matchSeconds * 1000) / LIVE_SCORE_EVERY_MS)).toBeLessThanOrEqual(1);
    expect(ASSUME.liveUpdatesPerMatch).toBe(5 + 1);
  });
});
