import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchBrowser, newPlayer, screenshot } from "./harness/browser";
import { PASSWORD, signUp, uniqueUsername } from "./harness/flows";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("accounts in a real browser", () => {
  it("signs up, signs out, refuses a wrong password inline, then signs in", async () => {
    const { page, context } = await newPlayer(browser, inject("baseURL"));
    await page.goto("/");
    await screenshot(page, "home-signed-out");

    // Client-side validation shows inline errors on labelled fields.
    await page.goto("/signup");
    await page.getByLabel("Username").fill("ab");
    await page.getByLabel("Password").fill("short");
    await page.getByTestId("signup-submit").click();
    await expect.poll(() => page.getByTestId("error-username").isVisible()).toBe(true);
    await screenshot(page, "signup-inline-errors");

    const name = uniqueUsername();
    await signUp(page, name);
    await screenshot(page, "home-signed-in");

    await page.getByTestId("nav-signout").click();
    await expect.poll(() => page.getByTestId("nav-signin").isVisible()).toBe(true);

    await page.goto("/signin");
    await page.getByLabel("Username").fill(name);
    await page.getByLabel("Password").fill("not the password");
    await page.getByTestId("signin-submit").click();
    const error = page.getByTestId("form-error");
    await expect.poll(() => error.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await error.textContent()).toMatch(/password|username/i);
    await screenshot(page, "signin-wrong-password");

    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByTestId("signin-submit").click();
    await expect.poll(() => page.getByTestId("nav-username").textContent(), { timeout: 10_000 }).toBe(name);
    await context.close();
  });

  it("renders an HTML-looking username as text", async () => {
    const { page, context } = await newPlayer(browser, inject("baseURL"));
    await page.goto("/signup");
    await page.getByLabel("Username").fill("<b>x</b>");
    await page.getByTestId("signup-submit").click();
    // Refused by validation, shown back as text, never as markup.
    await expect.poll(() => page.getByTestId("error-username").isVisible()).toBe(true);
    expect(await page.locator("b", { hasText: "x" }).count()).toBe(0);
    await context.close();
  });

  it("shows a profile, championships included, to a visitor who is not signed in", async () => {
    const owner = await newPlayer(browser, inject("baseURL"));
    const name = await signUp(owner.page);
    await owner.context.close();

    const { page, context } = await newPlayer(browser, inject("baseURL"));
    await page.goto(`/u/${encodeURIComponent(name)}`);
    await expect.poll(() => page.getByTestId("profile-username").textContent(), { timeout: 10_000 }).toBe(name);
    expect(await page.getByTestId("profile-championships").textContent()).toBe("0");
    expect(await page.getByTestId("nav-signin").isVisible()).toBe(true);
    expect(await page.getByTestId("change-password").count()).toBe(0);
    await context.close();
  });

  it("changes the password from the own profile; another browser's session ends (issue 12.10)", async () => {
    const other = await newPlayer(browser, inject("baseURL"));
    const name = await signUp(other.page);
    const { page, context } = await newPlayer(browser, inject("baseURL"));
    await page.goto("/signin");
    await page.getByLabel("Username").fill(name);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByTestId("signin-submit").click();
    await expect.poll(() => page.getByTestId("nav-username").textContent(), { timeout: 10_000 }).toBe(name);

    await page.goto(`/u/${encodeURIComponent(name)}`);
    await page.getByLabel("Current password").fill(PASSWORD);
    await page.getByLabel("New password").fill("a fresh passphrase 2");
    await page.getByTestId("change-password-submit").click();
    await expect.poll(() => page.getByTestId("change-password-done").isVisible(), { timeout: 10_000 }).toBe(true);
    await screenshot(page, "profile-password-changed");
    // The first browser's session is over: its next API call is unauthorized.
    expect((await other.page.request.get("/api/me")).status()).toBe(401);
    expect((await page.request.get("/api/me")).status()).toBe(200);
    await other.context.close();
    await context.close();
  });
});
