import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { canvasBands, launchBrowser, newPlayer, screenshot } from "./harness/browser";
import { holdKey } from "./harness/flows";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Paddles at both edges and something (the ball, the net) in between are painted. */
async function expectFieldDrawn(page: Page): Promise<void> {
  const { bright } = await canvasBands(page, 10);
  expect(bright[0]).toBeGreaterThan(20); // left paddle
  expect(bright[9]).toBeGreaterThan(20); // right paddle
  expect(bright.slice(2, 8).reduce((a, b) => a + b, 0)).toBeGreaterThan(20); // ball / centre line
}

async function playUntilWinner(page: Page, key: string): Promise<void> {
  // Keep the left paddle parked at the top so serves get through; stop once someone won.
  for (let i = 0; i < 60; i++) {
    if (await page.getByTestId("winner-overlay").isVisible()) return;
    await holdKey(page, key, 500);
  }
  throw new Error("no winner within the time limit");
}

describe("local modes in a real browser", () => {
  it("plays a local 2-player game to the winner screen with the keyboard", async () => {
    const { page, context } = await newPlayer(browser, inject("baseURL"));
    await page.goto("/");
    // Keyboard-only navigation: the local game button is reachable and focus is visible.
    await page.getByTestId("play-local").focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/play\/local/);
    await page.goto("/play/local?to=1");
    await expect.poll(() => page.getByTestId("countdown-overlay").isVisible(), { timeout: 5000 }).toBe(true);
    await screenshot(page, "local-countdown");
    await page.waitForTimeout(3500);
    await expectFieldDrawn(page);
    await screenshot(page, "local-playing");
    // Pause and resume with Space.
    await page.keyboard.press("Space");
    await expect.poll(() => page.getByTestId("pause-overlay").isVisible()).toBe(true);
    await page.keyboard.press("Space");
    await expect.poll(() => page.getByTestId("pause-overlay").isVisible()).toBe(false);
    await playUntilWinner(page, "w");
    await screenshot(page, "local-winner");
    expect(await page.getByTestId("final-score").textContent()).toMatch(/1/);
    await page.getByTestId("play-again").click();
    await expect.poll(() => page.getByTestId("winner-overlay").isVisible()).toBe(false);
    await context.close();
  });

  it("plays against the AI to the winner screen", async () => {
    const { page, context } = await newPlayer(browser, inject("baseURL"));
    await page.goto("/play/ai/easy?to=1");
    await page.waitForTimeout(3500);
    await expectFieldDrawn(page);
    await screenshot(page, "ai-playing");
    await playUntilWinner(page, "w");
    await screenshot(page, "ai-winner");
    expect(await page.getByTestId("winner-text").textContent()).toBeTruthy();
    await context.close();
  });
});
