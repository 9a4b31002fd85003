/**
 * Play feel over a real line (issue 17): two Chromium players behind a proxy that delays every
 * game-socket message 75 ms ± 20 ms each way (150 ms round trip), in front of `wrangler dev`.
 * Measured on what the page draws (the client records every drawn frame when
 * `window.__pongTrace` is set):
 *   - the own paddle moves on the first frame drawn after a key press (no round trip to wait for);
 *   - the ball never moves more than its own speed per frame plus a few pixels, except at a bounce
 *     or a serve (rollback corrections are blended in, never jumped);
 *   - every server digest the client compared matched.
 * The figures are printed (and kept in docs/benchmarks.md, "Play feel (e2e, 150 ms RTT)").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startDelayProxy, type DelayProxy } from "./harness/delay-proxy";
import { launchBrowser, newPlayer, screenshot } from "./harness/browser";
import { signUp } from "./harness/flows";
import { startDevServer, type DevServer } from "./harness/server";

interface Frame {
  at: number;
  tick: number;
  ball: { x: number; y: number; speed: number; vx: number; vy: number };
  own: number;
  phase: string;
  points: number;
}

/** Slack over the engine's own motion: the blend of a correction moves the ball at most 3 px a tick. */
const BALL_SLACK_PX = 4;

let browser: Browser;
let server: DevServer;
let proxy: DelayProxy;

beforeAll(async () => {
  // A score nobody reaches in the measuring time: the match must still run at the end.
  server = await startDevServer({ WIN_SCORE: "50" });
  proxy = await startDelayProxy({ upstream: server.url, delayMs: 75, jitterMs: 20 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await proxy?.stop();
  await server?.stop();
});

const phase = (page: Page) => page.getByTestId("online-game").getAttribute("data-phase");

async function player(): Promise<Page> {
  const { page } = await newPlayer(browser, proxy.url);
  await page.addInitScript(() => {
    (window as { __pongTrace?: unknown }).__pongTrace = true;
    const w = window as { __keyDowns?: { at: number; key: string }[] };
    w.__keyDowns = [];
    // Capture phase, before the game's own handler: the moment the browser delivered the press.
    window.addEventListener("keydown", (e) => !e.repeat && w.__keyDowns!.push({ at: performance.now(), key: e.code }), true);
  });
  await signUp(page);
  return page;
}

/** Inputs this page's match has sent so far (the netcode's own counter). */
const inputsSent = (page: Page) => page.evaluate(() => (window as unknown as { __pongNet?: { inputs: number } }).__pongNet?.inputs ?? 0);

/**
 * Taps up and down in turn (the paddle goes back and forth around where it is). Every second it
 * checks that the taps reach the match (the page's input counter grew) and puts the keyboard
 * focus back on the field if they did not: on a loaded machine a page has been seen to miss the
 * first focus, and a player whose keys go nowhere measures nothing.
 */
async function wiggle(page: Page, ms: number, holdMs: number, gapMs: number): Promise<void> {
  await page.getByTestId("stage").focus();
  const end = Date.now() + ms;
  let up = true;
  let checkAt = Date.now() + 1000;
  let sent = await inputsSent(page);
  while (Date.now() < end) {
    const key = up ? "w" : "s";
    await page.keyboard.down(key);
    await page.waitForTimeout(holdMs);
    await page.keyboard.up(key);
    await page.waitForTimeout(gapMs);
    up = !up;
    if (Date.now() >= checkAt) {
      const now = await inputsSent(page);
      if (now === sent) await page.getByTestId("stage").click();
      sent = now;
      checkAt = Date.now() + 1000;
    }
  }
}

describe("play feel through a 150 ms RTT line", () => {
  it("own paddle moves on the next frame after a key press; the ball never jumps", async () => {
    const a = await player();
    const b = await player();
    await a.goto("/online");
    await a.getByTestId("create-private").click();
    await a.waitForURL(/\/game\/[A-Z2-9]{8}$/);
    const code = new URL(a.url()).pathname.split("/").pop()!;
    await b.goto("/online");
    await b.getByTestId("join-code-input").fill(code);
    await b.getByTestId("join-code-submit").click();
    await b.waitForURL(new RegExp(`/game/${code}$`));
    await expect.poll(() => phase(a), { timeout: 30_000 }).toBe("playing");
    await expect.poll(() => phase(b), { timeout: 10_000 }).toBe("playing");
    // Let the clock sync settle, then both players move (B's moves reach A late: A rewinds).
    await a.waitForTimeout(1500);
    const start = await a.evaluate(() => performance.now());
    await Promise.all([wiggle(a, 12_000, 220, 260), wiggle(b, 12_000, 150, 170)]);
    await screenshot(a, "play-feel");

    const { frames, keys, net } = await a.evaluate((from) => {
      const w = window as unknown as { __pongTrace: Frame[]; __keyDowns: { at: number; key: string }[]; __pongNet: Record<string, number> };
      return { frames: w.__pongTrace.filter((f) => f.at >= from), keys: w.__keyDowns.filter((k) => k.at >= from), net: { ...w.__pongNet } };
    }, start);
    const traceLen = await a.evaluate(() => { const t = (window as unknown as { __pongTrace: unknown }).__pongTrace; return Array.isArray(t) ? t.length : String(t); });
    const netB = await b.evaluate(() => ({ ...(window as unknown as { __pongNet: Record<string, number> }).__pongNet }));

    // ---- the own paddle: first drawn frame after each press, compared with the last one before.
    let pressesMeasured = 0;
    let pressesMovedNextFrame = 0;
    let pressesAtWall = 0;
    const pressToFrameMs: number[] = [];
    const firstMoveMs: number[] = [];
    for (const k of keys) {
      const i = frames.findIndex((f) => f.at > k.at);
      if (i <= 0) continue;
      const before = frames[i - 1];
      const want = k.key === "KeyW" ? -1 : 1;
      // At the wall already: it cannot move that way (not a lag).
      if ((want < 0 && before.own <= 51) || (want > 0 && before.own >= 549)) {
        pressesAtWall++;
        continue;
      }
      pressesMeasured++;
      pressToFrameMs.push(frames[i].at - k.at);
      if (Math.sign(frames[i].own - before.own) === want) pressesMovedNextFrame++;
      const moved = frames.slice(i).find((f) => Math.sign(f.own - before.own) === want);
      if (moved) firstMoveMs.push(moved.at - k.at);
    }

    // ---- the ball: displacement per drawn frame against its speed times the ticks the frame advanced.
    let checked = 0;
    let excluded = 0;
    let worstExcess = -Infinity;
    let worstExcessAtBounce = -Infinity;
    const violations: string[] = [];
    for (let i = 1; i < frames.length; i++) {
      const f0 = frames[i - 1];
      const f1 = frames[i];
      if (f0.phase !== "playing" || f1.phase !== "playing" || f0.points !== f1.points) continue;
      const ticks = Math.max(f1.tick - f0.tick, (f1.at - f0.at) / (1000 / 60));
      const moved = Math.hypot(f1.ball.x - f0.ball.x, f1.ball.y - f0.ball.y);
      const excess = moved - Math.max(f0.ball.speed, f1.ball.speed) * ticks;
      // A bounce (the engine changed the ball's direction, also in a re-simulated past).
      const bounce = Math.sign(f0.ball.vx) !== Math.sign(f1.ball.vx) || Math.sign(f0.ball.vy) !== Math.sign(f1.ball.vy);
      if (bounce) {
        excluded++;
        worstExcessAtBounce = Math.max(worstExcessAtBounce, excess);
        continue;
      }
      checked++;
      worstExcess = Math.max(worstExcess, excess);
      if (excess > BALL_SLACK_PX * Math.max(1, ticks)) violations.push(`frame ${i}: moved ${moved.toFixed(1)} px in ${ticks.toFixed(2)} ticks at speed ${f1.ball.speed.toFixed(2)}`);
    }

    const gaps = frames.slice(1).map((f, i) => f.at - frames[i].at).sort((x, y) => x - y);
    const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(xs.length * p))] : NaN);
    const up = proxy.stats.upDelays;
    const down = proxy.stats.downDelays;
    const figures = {
      line: { upMsP50: pct(up, 0.5), upMsMax: Math.max(...up), downMsP50: pct(down, 0.5), downMsMax: Math.max(...down), messagesUp: proxy.stats.up, messagesDown: proxy.stats.down },
      frames: frames.length,
      traceLen,
      frameGapMsP50: pct(gaps, 0.5),
      frameGapMsP99: pct(gaps, 0.99),
      presses: keys.length,
      pressesMeasured,
      pressesAtWall,
      pressesMovedNextFrame,
      pressToNextFrameMsMax: Math.max(...pressToFrameMs),
      pressToVisibleMoveMsP50: pct(firstMoveMs, 0.5),
      pressToVisibleMoveMsMax: Math.max(...firstMoveMs),
      ballFramesChecked: checked,
      ballFramesAtBounce: excluded,
      ballWorstExcessPx: +worstExcess.toFixed(2),
      ballWorstExcessAtBouncePx: +worstExcessAtBounce.toFixed(2),
      ballViolations: violations.length,
      net: {
        rttMs: Math.round(net.rttMs),
        jitterMs: Math.round(net.jitterMs),
        leadMs: Math.round(net.leadMs),
        marginMs: Math.round(net.marginMs),
        inputs: net.inputs,
        movedInputs: net.moved,
        relays: net.relays,
        rewinds: net.rewinds,
        maxRewindTicks: net.maxRewind,
        corrections: net.corrections,
        maxBallErrorPx: +net.maxBallError.toFixed(1),
        maxPaddleErrorPx: +net.maxPaddleError.toFixed(1),
        digestsMatched: net.digestsMatched,
        mismatches: net.mismatches,
      },
      // The opponent's side: how many inputs B sent and how many the server moved or refused.
      netB: { inputs: netB.inputs, movedInputs: netB.moved, refused: netB.refused, relays: netB.relays, rewinds: netB.rewinds, digestsMatched: netB.digestsMatched },
    };
    console.log(`PLAY FEEL (150 ms RTT ± 20 ms jitter): ${JSON.stringify(figures, null, 2)}`);

    expect(frames.length).toBeGreaterThan(300);
    expect(keys.length).toBeGreaterThan(10);
    // Both players' keys reached their matches (else nothing below measures what it claims).
    expect(net.inputs).toBeGreaterThan(10);
    expect(netB.inputs).toBeGreaterThan(10);
    expect(pressesMeasured).toBeGreaterThan(10);
    expect(pressesMovedNextFrame).toBe(pressesMeasured);
    expect(checked).toBeGreaterThan(300);
    expect(violations).toEqual([]);
    // The line really was slow, and the simulation really rewound for the opponent's inputs.
    expect(net.rttMs).toBeGreaterThan(120);
    expect(net.rewinds).toBeGreaterThan(0);
    expect(net.mismatches).toBe(0);
    expect(net.digestsMatched).toBeGreaterThan(0);
    for (const p of [a, b]) await p.context().close();
  });
});
