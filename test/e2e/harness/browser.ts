/**
 * Debian's Chromium driven by playwright-core: a fresh profile per browser, one context per
 * player (separate cookies), the flags this offline machine needs, screenshots kept as artifacts.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const ARTIFACTS = resolve(import.meta.dirname, "../../../test-results/e2e");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // Background tabs must keep their timers and rAF running: several players share one browser.
      "--disable-background-timer-throttling",
      "--disable-renderer-backgrounding",
      "--disable-backgrounding-occluded-windows",
    ],
  });
}

export async function newPlayer(browser: Browser, baseURL: string, opts: { mobile?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL,
    viewport: opts.mobile ? { width: 390, height: 844 } : { width: 1100, height: 760 },
    deviceScaleFactor: opts.mobile ? 3 : 1,
    hasTouch: opts.mobile ?? false,
    isMobile: opts.mobile ?? false,
  });
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`[page error] ${err.message}`));
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Reads the game canvas and counts drawn (bright) pixels in vertical bands, to prove the paddles
 * at the sides and the ball in between are actually painted.
 */
export async function canvasBands(page: Page, bands = 10): Promise<{ width: number; height: number; bright: number[] }> {
  return page.evaluate((n) => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="game-canvas"]');
    if (!canvas) throw new Error("no game canvas");
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("no 2d context");
    const { width, height } = canvas;
    const data = ctx.getImageData(0, 0, width, height).data;
    const bright = new Array<number>(n).fill(0);
    for (let y = 0; y < height; y += 2) {
      for (let x = 0; x < width; x += 2) {
        const i = (y * width + x) * 4;
        // Paddles and ball are vivid (any channel high); the field, net and score digits are dim.
        if (Math.max(data[i], data[i + 1], data[i + 2]) > 170) bright[Math.min(n - 1, Math.floor((x / width) * n))]++;
      }
    }
    return { width, height, bright };
  }, bands);
}
