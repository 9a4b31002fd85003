/**
 * The log forwarder in workerd: LogShipper objects POSTing to a stand-in Logstash
 * (support/logstash-receiver.ts, reached through miniflare's outboundService), with the
 * test bindings of vitest.config.ts: batches of 5, max age 200 ms, buffer of 20, retry backoff
 * 100 ms doubling to 400 ms. The receiver is shared state: every test that uses it lives in
 * this file (files run in parallel, tests in a file one after another).
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import template from "../../observability/elasticsearch/index-template.json";
import { logEvent } from "../../src/observability/log";
import { backoffMs, retryable } from "../../src/objects/log-shipper/log-shipper";
import { logShipperName, setLogForwardingOverride } from "../../src/observability/log-outbox";
import { GameClient, players, startGame } from "../game/client";
import { postJson, register, uniqueName } from "../worker/helpers";
import { validateAgainstMappings, type FieldMapping } from "./support/mapping";
import type { ReceivedBatch, Scripted } from "./support/logstash-receiver";
import { scrape, scrapeUntil, value } from "./support/scrape";

const MAPPINGS = template.template.mappings.properties as Record<string, FieldMapping>;

async function control(cmd: { reset?: boolean; script?: Scripted[]; always?: Scripted | null }): Promise<void> {
  const res = await fetch("http://logstash.test/__control", { method: "POST", body: JSON.stringify(cmd) });
  expect(res.status).toBe(200);
}

async function received(): Promise<{ batches: ReceivedBatch[]; attempts: { at: number; answer: Scripted }[] }> {
  return (await fetch("http://logstash.test/__received")).json();
}

function shipper(name: string) {
  return env.LOG_SHIPPER.get(env.LOG_SHIPPER.idFromName(name));
}

async function until<T>(fn: () => Promise<T>, pred: (v: T) => boolean, what: string, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  let v = await fn();
  while (!pred(v)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 25));
    v = await fn();
  }
  return v;
}

function docs(run: string, n: number, from = 0) {
  return Array.from({ length: n }, (_, i) => ({ "@timestamp": new Date().toISOString(), level: "info", event: "test.event", service: "test", message: `${run}#${from + i}` }));
}

const ofRun = (batches: ReceivedBatch[], run: string) => batches.filter((b) => b.docs.some((d) => String((d as { message?: string }).message).startsWith(`${run}#`)));

beforeEach(async () => {
  await control({ reset: true });
});

afterEach(() => {
  setLogForwardingOverride(null);
  vi.restoreAllMocks();
});

describe("LogShipper batching", () => {
  it("sends full batches at once and a partial batch when its oldest event reaches the max age; JSON array with basic auth", async () => {
    const run = "batching";
    const t0 = Date.now();
    const r = await shipper(run).ingest(docs(run, 12));
    expect(r).toEqual({ accepted: 12, dropped: 0 });
    const got = await until(received, (v) => ofRun(v.batches, run).reduce((a, b) => a + b.docs.length, 0) === 12, "12 docs");
    const batches = ofRun(got.batches, run);
    expect(batches.map((b) => b.docs.length)).toEqual([5, 5, 2]);
    // Full batches go at once; the remainder waits for LOG_BATCH_MAX_AGE_MS (200 ms).
    expect(batches[1].at - t0).toBeLessThan(200);
    expect(batches[2].at - t0).toBeGreaterThanOrEqual(190);
    // In order, nothing lost or duplicated.
    expect(batches.flatMap((b) => b.docs.map((d) => (d as { message: string }).message))).toEqual(docs(run, 12).map((d) => d.message));
    for (const b of batches) {
      expect(b.contentType).toBe("application/json");
      expect(b.auth).toBe(`Basic ${btoa(`${env.LOGSTASH_USER}:${env.LOGSTASH_PASSWORD}`)}`);
    }
    const stats = await shipper(run).stats();
    expect(stats).toMatchObject({ buffered: 0, sent: 12, batchesSent: 3, attempts: 0, alarmAt: null });
  });
});

describe("LogShipper retries", () => {
  it("retries 5xx with growing backoff, then delivers the same batch once", async () => {
    // ("network" makes the stand-in throw, which workerd answers with a 500; a real connection
    // failure is exercised by the end-to-end test against wrangler dev.)
    const run = "retry";
    await control({ script: [503, 502, "network", 200] });
    await shipper(run).ingest(docs(run, 5));
    const got = await until(received, (v) => ofRun(v.batches, run).length === 1, "delivery after retries");
    const attempts = got.attempts.map((a) => a.at);
    expect(got.attempts.map((a) => a.answer)).toEqual([503, 502, "network", 200]);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
    // 100 ms, 200 ms, 400 ms (+/-20 % jitter): each wait longer than the one before.
    expect(gaps[0]).toBeGreaterThanOrEqual(75);
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
    expect(gaps[2]).toBeGreaterThan(gaps[1]);
    expect(ofRun(got.batches, run)[0].docs).toHaveLength(5);
    expect(await shipper(run).stats()).toMatchObject({ buffered: 0, sent: 5, batchesFailed: 3, batchesSent: 1, attempts: 0, backoffUntil: null });
  });

  it("drops a batch Logstash refuses with a 4xx (counted as rejected) and goes on with the next", async () => {
    const run = "rejected";
    await control({ script: [400] });
    await shipper(run).ingest(docs(run, 10));
    const got = await until(received, (v) => ofRun(v.batches, run).length === 1, "second batch");
    expect(ofRun(got.batches, run)[0].docs.map((d) => (d as { message: string }).message)).toEqual(docs(run, 5, 5).map((d) => d.message));
    expect(await shipper(run).stats()).toMatchObject({ buffered: 0, sent: 5, rejected: 5, batchesRejected: 1 });
  });

  it("classifies statuses and caps the backoff", () => {
    for (const s of [500, 502, 503, 504, 429, 408, 401, 403]) expect(retryable(s), String(s)).toBe(true);
    for (const s of [400, 404, 413, 422]) expect(retryable(s), String(s)).toBe(false);
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 10].map((a) => backoffMs(a, 1000, 300_000, mid))).toEqual([1000, 2000, 4000, 8000, 300_000]);
    expect(backoffMs(1, 1000, 300_000, () => 0)).toBe(800);
    expect(backoffMs(1, 1000, 300_000, () => 1)).toBe(1200);
  });
});

describe("LogShipper while Logstash is down", () => {
  it("keeps a bounded buffer, drops the oldest events, counts them, and delivers the newest when Logstash is back", async () => {
    const run = "bounded";
    const before = await scrape();
    await control({ always: 503 });
    for (let i = 0; i < 30; i += 3) await shipper(run).ingest(docs(run, 3, i));
    const down = await until(() => shipper(run).stats(), (st) => st.attempts >= 1, "a failed attempt");
    expect(down.buffered).toBe(20);
    expect(down.dropped).toBe(10);
    expect(down.attempts).toBeGreaterThanOrEqual(1);
    const exp = await scrapeUntil(
      (e) => value(e, "pong_log_forwarder_events_total", { outcome: "dropped" }) - value(before, "pong_log_forwarder_events_total", { outcome: "dropped" }) >= 10,
      "dropped counter",
    );
    expect(value(exp, "pong_log_forwarder_batches_total", { outcome: "failed" })).toBeGreaterThanOrEqual(1);
    expect(value(exp, "pong_log_forwarder_buffered_events")).toBeGreaterThanOrEqual(20);

    await control({ always: null });
    await shipper(run).flushNow(true);
    const got = await until(received, (v) => ofRun(v.batches, run).reduce((a, b) => a + b.docs.length, 0) === 20, "20 newest docs");
    const messages = ofRun(got.batches, run).flatMap((b) => b.docs.map((d) => (d as { message: string }).message));
    expect(messages).toEqual(docs(run, 20, 10).map((d) => d.message));
    expect(await shipper(run).stats()).toMatchObject({ buffered: 0, attempts: 0 });
    await scrapeUntil((e) => value(e, "pong_log_forwarder_buffered_events") === value(before, "pong_log_forwarder_buffered_events"), "buffer gauge back");
  });
});

describe("log forwarding lag", () => {
  it("exports the age of the oldest unsent event, the largest over shippers, and 0 again once delivered", async () => {
    const before = await scrape();
    expect(value(before, "pong_log_forwarder_oldest_event_age_seconds")).toBe(0);
    await control({ always: 503 });
    // Events logged 90 s and 30 s ago, held by two shippers while Logstash refuses them.
    const aged = (run: string, agoMs: number) => docs(run, 3).map((d) => ({ ...d, "@timestamp": new Date(Date.now() - agoMs).toISOString() }));
    await shipper("lag-a").ingest(aged("lag-a", 90_000));
    await shipper("lag-b").ingest(aged("lag-b", 30_000));
    const lagging = await scrapeUntil((e) => value(e, "pong_log_forwarder_oldest_event_age_seconds") >= 90, "the oldest event's age");
    // The worst shipper's age, not the sum of both (which would be at least 120).
    expect(value(lagging, "pong_log_forwarder_oldest_event_age_seconds")).toBeLessThan(110);
    await control({ always: null });
    await shipper("lag-a").flushNow(true);
    await shipper("lag-b").flushNow(true);
    await until(received, (v) => ofRun(v.batches, "lag-a").length + ofRun(v.batches, "lag-b").length === 2, "both delivered");
    await scrapeUntil((e) => value(e, "pong_log_forwarder_oldest_event_age_seconds") === 0, "the age back to 0");
  });
});

describe("audit events under a flood (issue 12.11)", () => {
  it("an unauthenticated flood of ordinary events cannot push audit events out of the bounded buffer", async () => {
    const run = "audit";
    await control({ always: 503 });
    const audit = [
      { "@timestamp": new Date().toISOString(), level: "warn", event: "auth.login_failed", service: "worker", message: `${run}#audit-1` },
      { "@timestamp": new Date().toISOString(), level: "warn", event: "security.csrf_refused", service: "worker", message: `${run}#audit-2` },
    ];
    await shipper(run).ingest(audit);
    // 200 request lines (the flood), buffer of 20.
    for (let i = 0; i < 200; i += 10) await shipper(run).ingest(docs(run, 10, i));
    expect((await shipper(run).stats()).buffered).toBe(20);
    await control({ always: null });
    await shipper(run).flushNow(true);
    const got = await until(received, (v) => ofRun(v.batches, run).reduce((a, b) => a + b.docs.length, 0) === 20, "20 docs");
    const messages = ofRun(got.batches, run).flatMap((b) => b.docs.map((d) => (d as { message: string }).message));
    // Both audit events survive, in order, with the 18 newest flood lines after them.
    expect(messages).toEqual([`${run}#audit-1`, `${run}#audit-2`, ...docs(run, 18, 182).map((d) => d.message)]);
  });
});

describe("a game's log events through the forwarder", () => {
  it("arrive in Logstash, each one indexable under the template's mappings", async () => {
    setLogForwardingOverride(true);
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 1, countdownS: 1 } });
    await clients[0].next("game_started");
    for (const c of clients) c.input(-1);
    await clients[0].next("game_over", 20_000);
    const got = await until(
      received,
      (v) => v.batches.flatMap((b) => b.docs).filter((d) => (d as { gameId?: string }).gameId === gameId && (d as { event: string }).event === "game.over").length === 1,
      "game.over shipped",
      10_000,
    );
    const all = got.batches.flatMap((b) => b.docs) as Record<string, unknown>[];
    const events = all.filter((d) => d.gameId === gameId).map((d) => d.event);
    expect(events).toEqual(expect.arrayContaining(["game.created", "game.started", "game.over"]));
    const over = all.find((d) => d.gameId === gameId && d.event === "game.over")!;
    expect(over).toMatchObject({ level: "info", service: "game", mode: "2p", reason: "normal" });
    expect(typeof over.durationMs).toBe("number");
    for (const d of all) expect(validateAgainstMappings(d, MAPPINGS), JSON.stringify(d)).toEqual([]);
    const text = JSON.stringify(all);
    for (const u of users) {
      expect(text).not.toContain(u.password);
      expect(text).not.toContain(u.token);
    }
    expect(text).not.toContain(env.JWT_SECRET!);
    expect(text).not.toContain(env.LOGSTASH_PASSWORD!);
  }, 30_000);

  it("costs the caller a console line and a queued microtask: no await, no timer", async () => {
    setLogForwardingOverride(true);
    const timers = vi.spyOn(globalThis, "setTimeout");
    const intervals = vi.spyOn(globalThis, "setInterval");
    const ret = logEvent("info", "test.no_timer", { gameId: "ZZZZ2345" }) as unknown;
    expect(ret).toBeUndefined();
    expect(timers).not.toHaveBeenCalled();
    expect(intervals).not.toHaveBeenCalled();
    timers.mockRestore();
    intervals.mockRestore();
    await until(received, (v) => v.batches.some((b) => b.docs.some((d) => (d as { event: string }).event === "test.no_timer")), "shipped");
  });

  it("stays off when LOG_FORWARDING is off (the default of every other test file)", async () => {
    logEvent("info", "test.not_forwarded");
    await shipper(logShipperName()).flushNow(true);
    await new Promise((r) => setTimeout(r, 300));
    const got = await received();
    expect(got.batches.flatMap((b) => b.docs).some((d) => (d as { event: string }).event === "test.not_forwarded")).toBe(false);
  });
});

describe("an account's life in the logs", () => {
  it("never contains the password, the session tokens or the server's secrets (console and shipped documents)", async () => {
    setLogForwardingOverride(true);
    const lines: string[] = [];
    for (const m of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
        lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      });
    }
    const password = "Correct-Horse-Battery-Staple-7";
    const alice = await register(uniqueName("al"), password);
    const bob = await register(uniqueName("bo"), password);
    const wrong = await postJson("/api/auth/login", { username: alice.username, password: `${password}-nope` });
    expect(wrong.status).toBe(401);
    const ok = await postJson("/api/auth/login", { username: alice.username, password });
    expect(ok.status).toBe(200);
    const { token: loginToken } = await ok.json<{ token: string }>();
    // Matchmaking and a game socket (bearer token in the upgrade), then refused upgrades.
    const play = (t: string) =>
      SELF.fetch("http://example.com/api/play", { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${t}` }, body: JSON.stringify({ mode: "2p" }) });
    const { gameId } = await (await play(alice.token)).json<{ gameId: string }>();
    await play(bob.token);
    const ws = await GameClient.connect(gameId, alice);
    await ws.next("welcome");
    ws.close();
    const forged = `${loginToken.slice(0, -4)}AAAA`;
    expect((await SELF.fetch(`http://example.com/ws/game/${gameId}`, { headers: { Upgrade: "websocket", Authorization: `Bearer ${forged}` } })).status).toBe(401);
    expect((await SELF.fetch(`http://example.com/ws/game/${gameId}`, { headers: { Upgrade: "websocket", Authorization: `Bearer ${bob.token}`, Origin: "https://evil.example" } })).status).toBe(403);
    await new Promise((r) => setTimeout(r, 500)); // let the forwarder ship (max age 200 ms)
    vi.restoreAllMocks();

    const shipped = (await (await fetch("http://logstash.test/__received")).json<{ batches: { docs: unknown[] }[] }>()).batches.flatMap((b) => b.docs);
    const consoleText = lines.join("\n");
    const shippedText = JSON.stringify(shipped);
    expect(lines.some((l) => l.includes('"event":"auth.login_failed"'))).toBe(true);
    expect(lines.some((l) => l.includes('"event":"ws.rejected"'))).toBe(true);
    expect(shipped.some((d) => (d as { event: string }).event === "auth.login_failed")).toBe(true);
    for (const [what, text] of [
      ["console", consoleText],
      ["shipped", shippedText],
    ] as const) {
      for (const secret of [password, alice.token, bob.token, loginToken, forged, env.JWT_SECRET!, env.METRICS_TOKEN!, env.LOGSTASH_PASSWORD!]) {
        expect(text.includes(secret), `${what} logs contain a secret (${secret.slice(0, 6)}…)`).toBe(false);
      }
    }
  }, 20_000);
});
