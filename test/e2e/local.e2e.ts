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

describe("sound toggle, favicon and manifest", () => {
  it("the mute toggle is in the header, works from the keyboard and is remembered across a reload", async () => {
    const { page, context } = await newPlayer(browser, inject("baseURL"));
    await page.goto("/");
    const toggle = page.getByTestId("mute-toggle");
    await expect.poll(() => toggle.isVisible(), { timeout: 5000 }).toBe(true);
    expect(await toggle.getAttribute("aria-pressed")).toBe("false");
    await toggle.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => toggle.getAttribute("aria-pressed")).toBe("true");
    expect(await toggle.getAttribute("title")).toBe("Sound off");
    expect(await toggle.getAttribute("aria-label")).toBe("Mute sound");
    await page.reload();
    await expect.poll(() => page.getByTestId("mute-toggle").getAttribute("aria-pressed"), { timeout: 5000 }).toBe("true");
    // And back on, remembered too.
    await page.getByTestId("mute-toggle").click();
    await page.reload();
    await expect.poll(() => page.getByTestId("mute-toggle").getAttribute("aria-pressed"), { timeout: 5000 }).toBe("false");
    await context.close();
  });

  it("makes sound in a local game only after a key press, and none once muted", async () => {
    const { page, context } = await newPlayer(browser, inject("baseURL"));
    // Count the synthesiser's notes from outside (the app has no test hook): every note is one oscillator.
    await context.addInitScript(() => {
      const w = window as unknown as { notes: number };
      w.notes = 0;
      const create = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function (this: AudioContext) {
        w.notes++;
        return create.call(this);
      };
    });
    const notes = () => page.evaluate(() => (window as unknown as { notes: number }).notes);
    await page.goto("/play/local?to=1");
    await page.waitForTimeout(1200);
    expect(await notes()).toBe(0); // no gesture yet: the autoplay rules keep it silent
    await page.keyboard.press("s"); // the first gesture unlocks audio
    await expect.poll(notes, { timeout: 5000 }).toBeGreaterThanOrEqual(2); // countdown beeps and "go"
    await page.getByTestId("mute-toggle").click();
    await page.reload();
    await page.keyboard.press("s");
    await page.waitForTimeout(4500); // the whole countdown and the first serve
    expect(await notes()).toBe(0);
    await context.close();
  });

  it("serves a favicon and a web app manifest that the page links", async () => {
    const { page, context } = await newPlayer(browser, inject("baseURL"));
    await page.goto("/");
    const links = await page.evaluate(() => ({
      icon: document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? "",
      manifest: document.querySelector<HTMLLinkElement>('link[rel="manifest"]')?.href ?? "",
    }));
    const icon = await page.request.get(links.icon);
    expect(icon.status()).toBe(200);
    expect(icon.headers()["content-type"]).toMatch(/image\/svg\+xml/);
    const manifest = await page.request.get(links.manifest);
    expect(manifest.status()).toBe(200);
    const body = (await manifest.json()) as { name: string; start_url: string; icons: { src: string; sizes: string }[] };
    expect(body.name).toBe("Pong 3.1");
    expect(body.start_url).toBe("/");
    for (const entry of body.icons) {
      const res = await page.request.get(new URL(entry.src, links.manifest).href);
      expect(res.status(), entry.src).toBe(200);
      expect(res.headers()["content-type"]).toMatch(/^image\//);
    }
    expect(body.icons.map((i) => i.sizes)).toContain("512x512");
    await context.close();
  });
});

describe("on a phone", () => {
  it("fits the field to a portrait screen and moves the paddle with the touch pad", async () => {
    const { page, context } = await newPlayer(browser, inject("baseURL"), { mobile: true });
    await page.emulateMedia({ reducedMotion: "reduce" });
    await page.goto("/play/ai/easy?to=3");
    const pad = page.getByTestId("touchpad-0");
    await expect.poll(() => pad.isVisible(), { timeout: 5000 }).toBe(true);
    const canvas = page.getByTestId("game-canvas");
    const box = (await canvas.boundingBox())!;
    // The whole field is on screen.
    expect(box.width).toBeLessThanOrEqual(390);
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    await page.waitForTimeout(3500);
    // The human's paddle is cyan; in portrait the field turns so it lies along the bottom.
    const paddleCentre = () =>
      page.evaluate(() => {
        const c = document.querySelector<HTMLCanvasElement>('[data-testid="game-canvas"]')!;
        const { data, width, height } = c.getContext("2d")!.getImageData(0, 0, c.width, c.height);
        let sx = 0;
        let sy = 0;
        let n = 0;
        for (let y = 0; y < height; y += 2)
          for (let x = 0; x < width; x += 2) {
            const i = (y * width + x) * 4;
            if (data[i] < 120 && data[i + 1] > 170 && data[i + 2] > 200) {
              sx += x / width;
              sy += y / height;
              n++;
            }
          }
        return n ? { x: sx / n, y: sy / n, n } : null;
      });
    const before = (await paddleCentre())!;
    expect(before.y).toBeGreaterThan(0.8);
    const button = page.getByTestId("touch-down-0");
    const b = (await button.boundingBox())!;
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.mouse.down();
    await page.waitForTimeout(800);
    await page.mouse.up();
    const after = (await paddleCentre())!;
    expect(Math.abs(after.x - before.x)).toBeGreaterThan(0.1);
    await screenshot(page, "phone-ai");
    await context.close();
  });
});
