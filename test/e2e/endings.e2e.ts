import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, newPlayer, screenshot } from "./harness/browser";
import { signUp } from "./harness/flows";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const phase = (page: Page) => page.getByTestId("online-game").getAttribute("data-phase");
const gameIdOf = (page: Page) => new URL(page.url()).pathname.split("/").pop()!;

describe("endings: leaving mid-match offers resign, and the ending says what happened to you", () => {
  it("Leave asks first; Resign forfeits: the resigner reads 'You forfeited', the opponent wins by forfeit", async () => {
    const baseURL = inject("baseURL");
    const players: Page[] = [];
    for (let i = 0; i < 2; i++) {
      const { page } = await newPlayer(browser, baseURL);
      await signUp(page);
      players.push(page);
    }
    const [a, b] = players as [Page, Page];
    await a.goto("/online");
    await a.getByTestId("create-private").click();
    await a.waitForURL(/\/game\/[A-Z2-9]{8}$/);
    const code = gameIdOf(a);
    await b.goto("/online");
    await b.getByTestId("join-code-input").fill(code.toLowerCase());
    await b.getByTestId("join-code-submit").click();
    await b.waitForURL(new RegExp(`/game/${code}$`));
    await expect.poll(() => phase(a), { timeout: 20_000 }).toBe("playing");

    // Leave mid-match does not desert silently: it asks, and "Keep playing" stays in the match.
    await a.getByTestId("leave").click();
    await expect.poll(() => a.getByTestId("resign-confirm").isVisible()).toBe(true);
    await a.getByTestId("resign-confirm-no").click();
    expect(await a.getByTestId("resign-confirm").count()).toBe(0);
    expect(new URL(a.url()).pathname).toBe(`/game/${code}`);

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

    // Coming back to the match afterwards: the result is still the resigner's own forfeit.
    await a.goto(`/game/${code}`);
    const back = a.getByTestId("winner-screen");
    await expect.poll(() => back.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await back.getAttribute("data-outcome")).toBe("forfeited");
    expect(await a.getByTestId("winner-text").textContent()).toBe("You forfeited");
    await screenshot(a, "ending-forfeited-back");
  }, 90_000);
});
