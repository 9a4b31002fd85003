import { describe, expect, it } from "vitest";
import { afterFailure, RETRY_BASE_MS, RETRY_MAX_MS, retryDelayMs } from "../../../src/objects/durability/retry";

describe("retry back-off", () => {
  it("doubles from the base and is capped", () => {
    expect(retryDelayMs(1)).toBe(RETRY_BASE_MS);
    expect(retryDelayMs(2)).toBe(2 * RETRY_BASE_MS);
    expect(retryDelayMs(5)).toBe(16 * RETRY_BASE_MS);
    expect(retryDelayMs(40)).toBe(RETRY_MAX_MS);
    expect(retryDelayMs(1000)).toBe(RETRY_MAX_MS);
  });

  it("counts failures from the stored state", () => {
    const a = afterFailure(null, 100);
    expect(a).toEqual({ attempts: 1, nextAt: 100 + RETRY_BASE_MS });
    expect(afterFailure(a, 1000)).toEqual({ attempts: 2, nextAt: 1000 + 2 * RETRY_BASE_MS });
  });
});
