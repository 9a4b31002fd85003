import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, screenshot } from "./harness/browser";
import { phase, signedUpPlayers } from "./harness/flows";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});


describe("the tournament hall", () => {
  it("shows each live match's score as points are scored, and Watch opens the match as a spectator", async () => {
    const baseURL = inject("baseURL");
    const pages = await signedUpPlayers(browser, baseURL, 5);
    const [host, ...rest] = pages as [Page, ...Page[]];
    const players = [host, ...rest.slice(0, 3)];
    const watcher = rest[3]!;
    await host.goto("/tournaments");
    await host.getByTestId("tournament-name").fill("Hall Cup");
    await host.getByTestId("create-tournament").click();
    await host.waitForURL(/\/tournament\/[A-Z2-9]{8}$/);
    const hallUrl = new URL(host.url()).pathname;
    for (const p of players.slice(1)) {
      await p.goto("/tournaments");
      await p.getByTestId("quick-join").click();
      await p.waitForURL(new RegExp(`${hallUrl}$`));
    }
    // Someone who is not playing watches from the hall.
    await watcher.goto(hallUrl);
    await expect.poll(() => watcher.getByTestId("bracket").isVisible()).toBe(true);

    // The four players take their seats and park their paddles: points come.
    for (const p of players) await expect.poll(() => p.getByTestId("go-to-match").isVisible(), { timeout: 20_000 }).toBe(true);
    for (const p of players) await p.getByTestId("go-to-match").click();
    for (const p of players) await expect.poll(() => phase(p), { timeout: 30_000 }).toBe("playing");
    for (const p of players) {
      await p.getByTestId("stage").focus();
      await p.keyboard.down("w");
    }

    // Both semi-finals are listed live; a score moves without a reload (pushed by the server).
    const rows = watcher.getByTestId("hall-live-row");
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    const scores = async () => (await watcher.getByTestId("hall-live-score").allTextContents()).join(" | ");
    const before = await scores();
    await expect.poll(async () => (await scores()).match(/\b1\b/) !== null, { timeout: 30_000, interval: 100 }).toBe(true);
    expect(await scores()).not.toBe(before);
    // The chart itself shows the live score too.
    expect(await watcher.getByTestId("bracket").getAttribute("aria-label")).toMatch(/live[^.]*\d–\d/);
    await screenshot(watcher, "hall-live-scores");

    // Watch: the match, as a spectator.
    const row = rows.first();
    const gameId = await row.getAttribute("data-game-id");
    await row.getByTestId("hall-watch").click();
    await watcher.waitForURL(new RegExp(`/game/${gameId}$`));
    await expect.poll(() => watcher.getByTestId("online-game").getAttribute("data-role"), { timeout: 15_000 }).toBe("spectator");
    for (const p of pages) await p.context().close();
  }, 150_000);
});
