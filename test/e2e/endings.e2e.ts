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


describe("endings: leaving mid-match offers resign, and the ending says what happened to you", () => {
  it("Leave asks first; Resign forfeits: the resigner reads 'You forfeited', the opponent wins by forfeit", async () => {
    const baseURL = inject("baseURL");
    const [a, b] = (await signedUpPlayers(browser, baseURL, 2)) as [Page, Page];
    const code = await createPrivateGame(a, "/online");
    await joinByCode(b, "/online", code);
    await expect.poll(() => phase(a), { timeout: 20_000 }).toBe("playing");

    // Leave mid-match does not desert silently: it asks, and "Keep playing" stays in the match.
    await a.getByTestId("leave").click();
    await expect.poll(() => a.getByTestId("resign-confirm").isVisible()).toBe(true);
    await a.getByTestId("resign-confirm-no").click();
    expect(await a.getByTestId("resign-confirm").count()).toBe(0);
    expect(new URL(a.url()).pathname).toBe(`/game/${code}`);

    // Home while the match runs offers the way back; it leads into the same match.
    await a.goto("/");
    const back = a.getByTestId("back-to-match");
    await expect.poll(() => back.isVisible(), { timeout: 10_000 }).toBe(true);
    await back.click();
    await a.waitForURL(new RegExp(`/game/${code}$`));
    await expect.poll(() => phase(a), { timeout: 20_000 }).toBe("playing");

    // Resign, confirmed.
    await a.getByTestId("resign").click();
    await a.getByTestId("resign-confirm-yes").click();
    const ended = a.getByTestId("match-ended");
    await expect.poll(() => ended.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await a.locator("#ended-title").textContent()).toBe("You forfeited");
    expect(await ended.getAttribute("data-kind")).toBe("out");
    await screenshot(a, "ending-forfeited");

    const win = b.getByTestId("winner-screen");
    await expect.poll(() => win.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await win.getAttribute("data-outcome")).toBe("won-forfeit");
    expect(await b.getByTestId("winner-text").textContent()).toBe("You win!");
    await screenshot(b, "ending-won-by-forfeit");

    // Home no longer offers a way back to a forfeited match.
    await a.goto("/");
    await expect.poll(() => a.getByTestId("play-online").isVisible()).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await back.count()).toBe(0);

    // Coming back to the match afterwards: the result is still the resigner's own forfeit.
    await a.goto(`/game/${code}`);
    const result = a.getByTestId("winner-screen");
    await expect.poll(() => result.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await result.getAttribute("data-outcome")).toBe("forfeited");
    expect(await a.getByTestId("winner-text").textContent()).toBe("You forfeited");
    await screenshot(a, "ending-forfeited-back");
  }, 90_000);

  it("a lobby filling while the tab is in the background: title changes (restored when seen), the cue plays, a Notification shows", async () => {
    const baseURL = inject("baseURL");
    const [a, b] = (await signedUpPlayers(browser, baseURL, 2)) as [Page, Page];
    const code = await createPrivateGame(a, "/online");
    // The game screen is up (its title set) before the tab goes away.
    await expect.poll(() => a.title()).toMatch(/^Online game/);
    // A's tab goes to the background, with notifications allowed (a recording stand-in for Notification).
    const before = await a.evaluate(() => {
      const w = window as unknown as { __hidden: boolean; __notes: string[]; Notification: unknown };
      w.__hidden = true;
      w.__notes = [];
      Object.defineProperty(document, "hidden", { configurable: true, get: () => w.__hidden });
      document.hasFocus = () => !w.__hidden;
      w.Notification = class {
        static permission = "granted";
        onclick: unknown = null;
        constructor(_title: string, opts: { body: string }) {
          w.__notes.push(opts.body);
        }
        close() {}
      };
      return document.title;
    });
    await joinByCode(b, "/online", code, false);
    await expect.poll(() => a.title(), { timeout: 15_000 }).toMatch(/^● Your match is starting/);
    const calls = await a.evaluate(() => (window as unknown as { __pongAttention?: { hidden: boolean; notified: boolean }[] }).__pongAttention ?? []);
    expect(calls).toEqual([{ text: "Your match is starting", hidden: true, notified: true }]);
    expect(await a.evaluate(() => (window as unknown as { __notes: string[] }).__notes)).toEqual(["Your match is starting"]);
    // The player comes back to the tab: the title is restored.
    await a.evaluate(() => {
      (window as unknown as { __hidden: boolean }).__hidden = false;
      document.dispatchEvent(new Event("visibilitychange"));
    });
    expect(await a.title()).toBe(before);
  }, 60_000);
});
