import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, screenshot } from "./harness/browser";
import { createPrivateGame, joinByCode, phase, signedUpPlayers } from "./harness/flows";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const filled = (page: Page) => page.getByTestId("seats-filled").getAttribute("data-filled");

const fourPlayers = () => signedUpPlayers(browser, inject("baseURL"), 4);

describe("a 4-player lobby and match", () => {
  it("the lobby's seat count is pushed as seats are taken (no status polling)", async () => {
    const pages = await fourPlayers();
    const [a, ...others] = pages as [Page, ...Page[]];
    const code = await createPrivateGame(a, "/4p");
    // The join code comes with the welcome; the count starts at one.
    await expect.poll(() => a.getByTestId("join-code").textContent()).toBe(code);
    await expect.poll(() => filled(a)).toBe("1");
    // From here on A's page asks the server nothing about the game: every change is pushed.
    const asked: string[] = [];
    a.on("request", (r) => {
      if (new URL(r.url()).pathname.startsWith("/api/games/")) asked.push(r.url());
    });
    for (const [i, p] of others.slice(0, 2).entries()) {
      await p.goto("/4p");
      await p.getByTestId("join-code-input").fill(code.toLowerCase());
      const joined = Date.now();
      await p.getByTestId("join-code-submit").click();
      await expect.poll(() => filled(a), { timeout: 5000, interval: 50 }).toBe(String(i + 2));
      // Well under the 3 s a poll took (pushed: seat_taken, then player_joined).
      expect(Date.now() - joined).toBeLessThan(2500);
    }
    await screenshot(a, "4p-lobby-3-of-4");
    await new Promise((r) => setTimeout(r, 3500));
    expect(asked).toEqual([]);
    for (const p of pages) await p.context().close();
  }, 90_000);
  it("a drop banner never covers a paddle: in 4P it sits below the field", async () => {
    const pages = await fourPlayers();
    const [a, ...others] = pages as [Page, ...Page[]];
    const code = await createPrivateGame(a, "/4p");
    for (const p of others) await joinByCode(p, "/4p", code);
    for (const p of pages) await expect.poll(() => phase(p), { timeout: 30_000 }).toBe("playing");
    // One player's page goes away: the others are told, with the rejoin countdown.
    await others[2]!.context().close();
    const banner = a.getByTestId("opponent-left-banner");
    await expect.poll(() => banner.isVisible(), { timeout: 15_000 }).toBe(true);
    // Every edge of a 4P field has a paddle (the top one included): the banner overlaps none of it.
    // (Polled: the field refits to the space left a frame after the banner appears.)
    const rects = async () => {
      const [b, field] = await Promise.all([banner.boundingBox(), a.getByTestId("game-canvas").boundingBox()]);
      return { b: b!, field: field! };
    };
    const overlaps = async () => {
      const { b, field } = await rects();
      return b.x < field.x + field.width && field.x < b.x + b.width && b.y < field.y + field.height && field.y < b.y + b.height;
    };
    await expect.poll(overlaps, { timeout: 3000 }).toBe(false);
    const { b, field } = await rects();
    expect(b.y).toBeGreaterThanOrEqual(field.y + field.height);
    await screenshot(a, "4p-drop-banner");
    for (const p of [a, others[0]!, others[1]!]) await p.context().close();
  }, 120_000);
});
