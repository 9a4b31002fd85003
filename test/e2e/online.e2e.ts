import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { canvasBands, launchBrowser, newPlayer, screenshot } from "./harness/browser";
import { signUp } from "./harness/flows";
import { startDevServer } from "./harness/server";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function signedInPlayers(n: number, baseURL = inject("baseURL")): Promise<{ page: Page; name: string }[]> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const { page } = await newPlayer(browser, baseURL);
    out.push({ page, name: await signUp(page) });
  }
  return out;
}

const phase = (page: Page) => page.getByTestId("online-game").getAttribute("data-phase");
const gameIdOf = (page: Page) => new URL(page.url()).pathname.split("/").pop()!;

async function waitPhase(page: Page, want: string, timeout = 20_000): Promise<void> {
  await expect.poll(() => phase(page), { timeout }).toBe(want);
}

/** Parks the paddle at the top (held key) so serves get through and the match ends soon. */
async function park(page: Page, key = "w"): Promise<void> {
  await page.getByTestId("stage").focus();
  await page.keyboard.down(key);
}

/** A plays B; A's network goes away without a close, then comes back. */
async function dropAndReconnect(baseURL: string): Promise<void> {
  const [a, b] = await signedInPlayers(2, baseURL);
  await a.page.goto("/4p");
  await a.page.goto("/online");
  await a.page.getByTestId("create-private").click();
  await a.page.waitForURL(/\/game\/[A-Z2-9]{8}$/);
  const code = gameIdOf(a.page);
  await b.page.goto("/online");
  await b.page.getByTestId("join-code-input").fill(code.toLowerCase());
  await b.page.getByTestId("join-code-submit").click();
  await b.page.waitForURL(new RegExp(`/game/${code}$`));
  await waitPhase(a.page, "playing");
  const seatA = await a.page.getByTestId("online-game").getAttribute("data-seat");
  // No close reaches the server: only the missing heartbeats tell it A is gone.
  await a.page.context().setOffline(true);
  const banner = a.page.getByTestId("reconnect-banner");
  await expect.poll(() => banner.isVisible(), { timeout: 20_000 }).toBe(true);
  expect(await banner.textContent()).toMatch(/\d+\s*s/);
  await screenshot(a.page, "online-reconnecting");
  await waitPhase(b.page, "paused", 15_000);
  await a.page.context().setOffline(false);
  await expect.poll(() => banner.isVisible(), { timeout: 20_000 }).toBe(false);
  await waitPhase(a.page, "playing", 20_000);
  await waitPhase(b.page, "playing", 10_000);
  expect(await a.page.getByTestId("online-game").getAttribute("data-seat")).toBe(seatA);
  for (const p of [a, b]) await p.page.context().close();
}

describe("remote play in real browsers", () => {
  it("two players find each other, one drops and comes back on the same side, a spectator watches, the match ends", async () => {
    const [a, b, spectator] = await signedInPlayers(3);
    await a.page.goto("/online");
    await a.page.getByTestId("play-online-button").click();
    await a.page.waitForURL(/\/game\/[A-Z2-9]{8}$/);
    await expect.poll(() => a.page.getByTestId("waiting-spinner").isVisible()).toBe(true);
    await expect.poll(() => a.page.getByTestId("cancel-waiting").isVisible()).toBe(true);
    await screenshot(a.page, "online-waiting");
    const gameId = gameIdOf(a.page);

    await b.page.goto("/online");
    await b.page.getByTestId("play-online-button").click();
    await b.page.waitForURL(new RegExp(`/game/${gameId}$`));
    await expect.poll(() => b.page.getByTestId("countdown-overlay").isVisible(), { timeout: 10_000 }).toBe(true);
    await screenshot(b.page, "online-countdown");
    await waitPhase(a.page, "playing");
    const seatA = await a.page.getByTestId("online-game").getAttribute("data-seat");

    // A spectator picks the game from the live list.
    await spectator.page.goto("/watch");
    const row = spectator.page.locator(`[data-testid="live-game-row"][data-game-id="${gameId}"]`);
    await expect.poll(() => row.isVisible(), { timeout: 10_000 }).toBe(true);
    await row.getByTestId("watch-button").click();
    await expect.poll(() => spectator.page.getByTestId("spectating-badge").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await spectator.page.getByTestId("online-game").getAttribute("data-role")).toBe("spectator");

    await a.page.waitForTimeout(1000);
    const bands = await canvasBands(a.page, 10);
    expect(bands.bright[0] + bands.bright[9]).toBeGreaterThan(40);
    await screenshot(a.page, "online-playing");
    await screenshot(spectator.page, "online-spectator");

    // A closes the page mid-match: B is told how long A has to come back.
    const context = a.page.context();
    await a.page.close();
    const banner = b.page.getByTestId("opponent-left-banner");
    await expect.poll(() => banner.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await banner.textContent()).toMatch(/\d+\s*s/);
    await screenshot(b.page, "online-opponent-left");
    expect(await phase(b.page)).toBe("paused");

    // A comes back inside the window on a new page: same seat, play resumes.
    a.page = await context.newPage();
    await a.page.goto(`/game/${gameId}`);
    await expect.poll(() => a.page.getByTestId("online-game").getAttribute("data-seat"), { timeout: 10_000 }).toBe(seatA);
    await expect.poll(() => banner.isVisible(), { timeout: 10_000 }).toBe(false);
    await waitPhase(b.page, "playing");

    await park(a.page);
    await park(b.page);
    await expect.poll(() => a.page.getByTestId("winner-screen").isVisible(), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => b.page.getByTestId("winner-screen").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await a.page.getByTestId("end-reason").getAttribute("data-reason")).toBe("normal");
    await screenshot(a.page, "online-winner");
    await expect.poll(() => spectator.page.getByTestId("winner-screen").isVisible(), { timeout: 10_000 }).toBe(true);
    for (const p of [a, b, spectator]) await p.page.context().close();
  });

  it("pauses for the opponent when a player's network drops silently; the player sees the seconds left and reconnects by itself", async () => {
    // Its own server with a score nobody reaches: the match must still be running when A comes
    // back, whatever the serves did in the seconds before the server noticed A was gone.
    const server = await startDevServer({ WIN_SCORE: "50" });
    try {
      await dropAndReconnect(server.url);
    } finally {
      await server.stop();
    }
  });

  it("cancels a wait", async () => {
    const [a] = await signedInPlayers(1);
    await a.page.goto("/4p");
    await a.page.getByTestId("create-private").click();
    await a.page.waitForURL(/\/game\/[A-Z2-9]{8}$/);
    await expect.poll(() => a.page.getByTestId("join-code").textContent()).toBe(gameIdOf(a.page));
    await a.page.getByTestId("cancel-waiting").click();
    await a.page.waitForURL((url) => !/\/game\//.test(url.pathname), { timeout: 10_000 });
    await a.page.context().close();
  });

  it("plays a 4-player match: everyone's paddle at the bottom, players who leave become walls, the last one wins", async () => {
    const players = await signedInPlayers(4);
    await players[0].page.goto("/4p");
    await players[0].page.getByTestId("play-online-button").click();
    await players[0].page.waitForURL(/\/game\/[A-Z2-9]{8}$/);
    const gameId = gameIdOf(players[0].page);
    for (const p of players.slice(1)) {
      await p.page.goto("/4p");
      await p.page.getByTestId("play-online-button").click();
      await p.page.waitForURL(new RegExp(`/game/${gameId}$`));
    }
    for (const p of players) await waitPhase(p.page, "playing");
    await players[0].page.waitForTimeout(800);
    for (const [i, p] of players.entries()) {
      // Each player's own paddle (their colour) is drawn along the bottom of their view.
      await screenshot(p.page, `4p-seat-${i}`);
      expect(await p.page.getByTestId("score-3").isVisible()).toBe(true);
    }
    // Three players leave for good: after the rejoin window each side turns into a wall and the
    // last player wins by forfeit.
    for (const p of players.slice(1)) await p.page.context().close();
    const winner = players[0].page;
    await expect.poll(() => winner.getByTestId("winner-screen").isVisible(), { timeout: 60_000 }).toBe(true);
    expect(await winner.getByTestId("end-reason").getAttribute("data-reason")).toBe("forfeit");
    expect(await winner.locator('[data-testid^="score-"][data-out="true"]').count()).toBe(3);
    await screenshot(winner, "4p-winner");
    await winner.context().close();
  });
});

describe("a tournament in real browsers", () => {
  it("four players go from the hall through semi-finals and the final to the champion screen", async () => {
    const players = await signedInPlayers(4);
    const [host] = players;
    await host.page.goto("/tournaments");
    await host.page.getByTestId("tournament-name").fill("E2E Cup");
    await host.page.getByTestId("create-tournament").click();
    await host.page.waitForURL(/\/tournament\/[A-Z2-9]{8}$/);
    const hallUrl = new URL(host.page.url()).pathname;
    for (const p of players.slice(1)) {
      await p.page.goto("/tournaments");
      await p.page.getByTestId("quick-join").click();
      await p.page.waitForURL(new RegExp(`${hallUrl}$`));
    }
    await expect.poll(() => host.page.getByTestId("bracket").isVisible()).toBe(true);
    await expect.poll(() => host.page.getByTestId("presence-list").locator('[data-present="true"]').count(), { timeout: 10_000 }).toBe(4);

    /** Everyone still in plays their next match from the hall and comes back to it. */
    async function playRound(who: typeof players): Promise<typeof players> {
      for (const p of who) await expect.poll(() => p.page.getByTestId("go-to-match").isVisible(), { timeout: 20_000 }).toBe(true);
      await screenshot(who[0].page, `tournament-go-to-match-${who.length}`);
      for (const p of who) await p.page.getByTestId("go-to-match").click();
      for (const p of who) await waitPhase(p.page, "playing", 30_000);
      for (const p of who) await park(p.page);
      for (const p of who) await expect.poll(() => p.page.getByTestId("winner-screen").isVisible(), { timeout: 60_000 }).toBe(true);
      const winners = [];
      for (const p of who) {
        const text = (await p.page.getByTestId("winner-text").textContent()) ?? "";
        if (/you win/i.test(text)) winners.push(p);
        await p.page.keyboard.up("w");
        await p.page.getByTestId("back-to-hall").click();
        await p.page.waitForURL(new RegExp(`${hallUrl}$`));
      }
      return winners;
    }

    const finalists = await playRound(players);
    expect(finalists).toHaveLength(2);
    await screenshot(host.page, "tournament-hall-after-semis");
    const [champion] = await playRound(finalists);
    for (const p of players) await expect.poll(() => p.page.getByTestId("champion-screen").isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await champion.page.getByTestId("champion-name").textContent()).toMatch(/you are the champion/i);
    expect(await host.page.getByTestId("tournament-hall").getAttribute("data-status")).toBe("finished");
    await screenshot(champion.page, "tournament-champion");
    for (const p of players) await p.page.context().close();
  });
});
