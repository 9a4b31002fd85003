import { describe, expect, it } from "vitest";
import { FloodBar } from "../../../src/objects/sockets/flood-bar";
import { FLOOD_BAR_MS } from "../../../src/shared/protocol/limits";

describe("FloodBar", () => {
  it("refuses a barred user for the bar's length, then forgets them", () => {
    const bar = new FloodBar();
    expect(bar.remainingMs("u1", 1000)).toBe(0);
    bar.bar("u1", 1000);
    expect(bar.remainingMs("u1", 1000)).toBe(FLOOD_BAR_MS);
    expect(bar.remainingMs("u1", 1000 + FLOOD_BAR_MS - 1)).toBe(1);
    expect(bar.remainingMs("u2", 1000)).toBe(0);
    expect(bar.remainingMs("u1", 1000 + FLOOD_BAR_MS)).toBe(0);
  });

  it("a second offence starts the bar again", () => {
    const bar = new FloodBar(100);
    bar.bar("u", 0);
    bar.bar("u", 90);
    expect(bar.remainingMs("u", 150)).toBe(40);
  });

  it("drops expired entries when it grows (many accounts cannot grow it for ever)", () => {
    const bar = new FloodBar(10);
    for (let i = 0; i < 1000; i++) bar.bar(`old${i}`, 0);
    bar.bar("new", 100); // 1001 entries: the expired 1000 go
    expect(bar.remainingMs("new", 100)).toBe(10);
    expect(bar.remainingMs("old0", 100)).toBe(0);
  });
});
