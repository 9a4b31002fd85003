import { describe, expect, it } from "vitest";
import { InputLimiter } from "../../../src/objects/game-session/input-limiter";

describe("InputLimiter", () => {
  it("lets a sustained 60/s stream through", () => {
    const lim = new InputLimiter(0, 60, 30, 120);
    let dropped = 0;
    for (let i = 0; i < 600; i++) if (lim.take(i * (1000 / 60)) !== "ok") dropped++;
    expect(dropped).toBe(0);
  });

  it("drops a flood beyond rate + burst, then calls sustained flooding abuse", () => {
    const lim = new InputLimiter(0, 60, 30, 120);
    const verdicts = Array.from({ length: 300 }, () => lim.take(10));
    expect(verdicts.filter((v) => v === "ok").length).toBe(90);
    expect(verdicts.slice(90, 210).every((v) => v === "drop")).toBe(true);
    expect(verdicts[210]).toBe("abuse");
  });

  it("refills over time", () => {
    const lim = new InputLimiter(0, 60, 0, 1000);
    for (let i = 0; i < 60; i++) lim.take(0);
    expect(lim.take(0)).toBe("drop");
    expect(lim.take(100)).toBe("ok"); // 6 tokens back after 100 ms
  });
});
