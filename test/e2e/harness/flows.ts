/** Steps several specs share: signing up through the real form, reading the header. */
import { expect } from "vitest";
import type { Browser, Page } from "playwright-core";
import { newPlayer } from "./browser";

let counter = 0;
export function uniqueUsername(prefix = "e2e"): string {
  counter++;
  return `${prefix}${Date.now().toString(36).slice(-5)}${counter}`.slice(0, 20);
}

export const PASSWORD = "correct horse battery";

/** Signs up through the form and waits for the signed-in header. */
export async function signUp(page: Page, username = uniqueUsername(), password = PASSWORD): Promise<string> {
  await page.goto("/signup");
  await page.getByTestId("field-username").fill(username);
  await page.getByTestId("field-password").fill(password);
  await page.getByTestId("signup-submit").click();
  await expect.poll(() => page.getByTestId("nav-username").textContent(), { timeout: 15_000 }).toBe(username);
  return username;
}

/** Holds a key down for `ms` (keydown once, keyup at the end), as a player would. */
export async function holdKey(page: Page, key: string, ms: number): Promise<void> {
  await page.keyboard.down(key);
  await page.waitForTimeout(ms);
  await page.keyboard.up(key);
}

/** The online game screen's phase (its data-phase: waiting, countdown, playing, paused, finished). */
export const phase = (page: Page) => page.getByTestId("online-game").getAttribute("data-phase");

/** The game id of a /game/:id page. */
export const gameIdOf = (page: Page) => new URL(page.url()).pathname.split("/").pop()!;

/** `n` players, each signed up in a browser context of their own. */
export async function signedUpPlayers(browser: Browser, baseURL: string, n: number): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < n; i++) {
    const { page } = await newPlayer(browser, baseURL);
    await signUp(page);
    pages.push(page);
  }
  return pages;
}

/** Creates a private game from `screen` ("/online" or "/4p") and returns its join code. */
export async function createPrivateGame(page: Page, screen: "/online" | "/4p"): Promise<string> {
  await page.goto(screen);
  await page.getByTestId("create-private").click();
  await page.waitForURL(/\/game\/[A-Z2-9]{8}$/);
  return gameIdOf(page);
}

/** Joins a private game by its code from `screen`, typed in lower case as a person might. */
export async function joinByCode(page: Page, screen: "/online" | "/4p", code: string, wait = true): Promise<void> {
  await page.goto(screen);
  await page.getByTestId("join-code-input").fill(code.toLowerCase());
  await page.getByTestId("join-code-submit").click();
  if (wait) await page.waitForURL(new RegExp(`/game/${code}$`));
}
