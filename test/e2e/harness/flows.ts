/** Steps several specs share: signing up through the real form, reading the header. */
import { expect } from "vitest";
import type { Page } from "playwright-core";

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
