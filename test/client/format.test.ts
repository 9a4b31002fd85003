import { describe, expect, it } from "vitest";
import { formatDuration, formatWinRate } from "../../src/client/format";

describe("formatDuration: waits as people say them", () => {
  it.each([
    [0, "0 seconds"],
    [1, "1 second"],
    [29.2, "30 seconds"],
    [59, "59 seconds"],
    [60, "1 minute"],
    [89, "1 minute"],
    [90, "2 minutes"],
    [1749, "29 minutes"],
    [3569, "59 minutes"],
    [3570, "1 hour"],
    [3600, "1 hour"],
    [3900, "1 hour 5 minutes"],
    [7260, "2 hours 1 minute"],
    [-5, "0 seconds"],
  ])("%s s -> %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe("formatWinRate", () => {
  it("shows a dash, not 0%, before any match", () => {
    expect(formatWinRate(null, 0, 0)).toBe("—");
    expect(formatWinRate(0, 0, 0)).toBe("—");
  });
  it("shows the rate once there are matches", () => {
    expect(formatWinRate(null, 0, 3)).toBe("0%");
    expect(formatWinRate(null, 2, 1)).toBe("67%");
    expect(formatWinRate(0.5, 1, 1)).toBe("50%");
  });
});
