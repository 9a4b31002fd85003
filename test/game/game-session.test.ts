import { evictDurableObject, runDurableObjectAlarm, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { GameClient, goSilentWhileOtherPings, newGameId, players, sessionStub, startGame } from "./client";
import { FLOOD_BAR_MS } from "../../src/shared/protocol/limits";
import { PROTOCOL_VERSION } from "../../src/shared/protocol/messages";

const FAST = { winScore: 1, countdownS: 1 };

/** Both paddles park at the top so serves get through quickly. */
function parkPaddles(clients: GameClient[]): void {
  for (const c of clients) c.input(-1);
}

async function matchRows(gameId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM matches WHERE id = ?").bind(gameId).first<{ n: number }>();
  return row?.n ?? 0;
}

/** The point messages a client got. */
async function pointsOf(c: GameClient): Promise<{ tick: number; digest: number; scores: number[]; acks: number[] }[]> {
  return c.messages.filter((m) => m.type === "point");
}

describe("a 2P match on the timeline", () => {
  it("is played to the end; every point is announced once, with a digest a client-side timeline fed the same inputs agrees with", async () => {
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 2, countdownS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    const sent = clients.map((c) => c.input(-1));
    const overA = await a.next("game_over", 30_000);
    await b.next("game_over", 30_000);
    for (const c of clients) {
      const types = c.messages.map((m) => m.type);
      const order = ["welcome", "sync", "match_ready", "countdown", "game_started", "point", "game_over"].map((t) => types.indexOf(t as never));
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((x, y) => x - y)).toEqual(order);
      expect(c.count("game_over")).toBe(1);
      expect((await c.waitClosed()).code).toBe(1000);
      // Exactly once: as many point messages as points scored (no null scorers in 2P), at distinct ticks.
      const points = await pointsOf(c);
      expect(points.length).toBe(overA.scores[0] + overA.scores[1]);
      expect(new Set(points.map((p) => p.tick)).size).toBe(points.length);
      // The authority agrees with the shared timeline run on this side with the same inputs.
      for (const p of points) expect(c.mirror(p.tick).digest()).toBe(p.digest);
      expect(c.mirror(overA.tick).digest()).toBe(overA.digest);
      // Each digest says which inputs it was taken with (protocol 4): both inputs came before any point.
      for (const p of points) expect(p.acks).toEqual(sent);
      for (const k of c.checks) expect(k.acks).toHaveLength(2);
    }
    // Each player's input reached the other as a relay; nobody got their own back.
    expect(b.relays).toEqual([{ tick: a.entries.find((e) => "seq" in e)!.tick, seat: 0, dir: -1 }]);
    expect(a.relays.map((r) => r.seat)).toEqual([1]);
    expect(overA.reason).toBe("normal");
    expect(overA.winner).not.toBeNull();
    expect(overA.scores[overA.winner!.seat]).toBe(2);
    // The D1 row is written exactly once, even when the alarm runs again.
    const stub = sessionStub(gameId);
    await runDurableObjectAlarm(stub);
    await runDurableObjectAlarm(stub);
    expect(await matchRows(gameId)).toBe(1);
    const row = await env.DB.prepare("SELECT winner_id, reason FROM matches WHERE id = ?").bind(gameId).first<{ winner_id: string; reason: string }>();
    expect(row).toEqual({ winner_id: users[overA.winner!.seat].id, reason: "normal" });
    expect(a.count("game_over") + b.count("game_over")).toBe(2);
    // No loop: the engine stepped the match, but the object woke only for events; few alarms, few writes.
    const stats = await stub.loopStats();
    expect(stats.driver).toBe("timeline");
    expect(stats.ticks).toBeGreaterThan(120);
    expect(stats.messagesIn).toBe(2);
    expect(stats.alarms).toBeLessThan(stats.ticks / 20);
    expect(stats.setAlarms).toBeLessThan(30);
  }, 40_000);
});

describe("digest checks (protocol 5)", () => {
  it("ride on points: a check goes out only when no digest (a point or a check) reached the sockets for 5 s, however many events come", async () => {
    const users = await players(2);
    const { clients } = await startGame(users, { overrides: { winScore: 4, countdownS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    // An input every 150 ms from each player: an event the server could hang a check on at any moment.
    const tap = setInterval(() => clients.forEach((c) => c.input(-1)), 150);
    try {
      await a.next("game_over", 40_000);
    } finally {
      clearInterval(tap);
    }
    await b.next("game_over", 30_000);
    const FIVE_S = 300 - 1; // ticks at 60 Hz, less one for rounding
    const points = (await pointsOf(a)).map((p) => p.tick);
    expect(points.length).toBeGreaterThanOrEqual(4);
    // The first check is the new instance's own (sent at its first event in play); each later one
    // comes at least 5 s after the digest before it.
    const [, ...later] = a.checks;
    let prev = a.checks[0]?.tick ?? -Infinity;
    for (const k of later) {
      const lastDigest = Math.max(prev, ...points.filter((t) => t <= k.tick));
      expect(k.tick - lastDigest, `check at ${k.tick}, points at ${points}`).toBeGreaterThanOrEqual(FIVE_S);
      prev = k.tick;
    }
    for (const k of a.checks) expect(b.checks.map((c) => c.tick)).toContain(k.tick);
  }, 60_000);
});

describe("wakes (protocol 3)", () => {
  it("a player's wake for a due point announces it with no alarm armed for it; the match stays assisted and arms none for the next point", async () => {
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 5, countdownS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    parkPaddles(clients);
    const stub = sessionStub(gameId);
    /** The point after the last one announced, as the clients foresee it (nobody moves), and when it is due. */
    const foreseen = async () => {
      const last = a.messages.filter((m) => m.type === "point").at(-1);
      const tick = a.mirror(last.tick).predictNextPoint(600).tick!;
      const { rec } = await stub.debugState();
      return { tick, dueAt: rec!.clock!.t0 + Math.ceil((tick * 1000) / 60) };
    };
    const wakeAt = async (p: { tick: number; dueAt: number }, earlyMs = -2) => {
      await new Promise((r) => setTimeout(r, Math.max(0, p.dueAt - Date.now() - earlyMs)));
      a.sendRaw(JSON.stringify({ type: "wake", tick: p.tick }));
    };
    // The first point: unassisted, armed by prediction; the next one was armed then too (an
    // earlier alarm is kept). The clients' wakes for them turn the match assisted.
    const first = await a.next("point", 15_000);
    a.sendRaw(JSON.stringify({ type: "wake", tick: first.tick }));
    // Sent a little early: a wake counts as help only if it is not over 50 ms late, and a loaded
    // test machine can hold a timer that long (an early one is armed and turns the match assisted too).
    const second = await foreseen();
    await wakeAt(second, 15);
    await a.until(() => a.count("point") === 2, 15_000, "the second point");
    expect((await stub.loopStats()).assisted).toBe(true);
    // Assisted: nothing is armed for the third point; the wake's frame announces it.
    const third = await foreseen();
    const { alarmAt } = await stub.debugState();
    expect(alarmAt === null || alarmAt > third.dueAt).toBe(true);
    const before = await stub.loopStats();
    await wakeAt(third);
    // Announced by the wake's frame itself, proven by order rather than by a time window (a loaded
    // CI machine can stall a socket for seconds): frames of one socket are handled in turn, so the
    // point reaches `a` before the answer to a `time` frame sent right after the wake.
    a.sendRaw(JSON.stringify({ type: "time", c: 3 }));
    await a.until(() => a.count("time") === 1, 15_000, "the time answer").catch(async (err) => {
      throw new Error(`${err.message}; server: ${JSON.stringify({ ...(await stub.debugState()), rec: undefined })}, wanted tick ${third.tick}`);
    });
    const types = a.messages.map((m) => m.type);
    expect(types.filter((t) => t === "point").length, "the point came after the next frame's answer").toBe(3);
    expect(types.lastIndexOf("point")).toBeLessThan(types.indexOf("time"));
    const p3 = await b.nth("point", 3, 15_000);
    expect(p3.tick).toBe(third.tick);
    expect(p3.digest).toBe(b.mirror(third.tick).digest());
    const after = await stub.loopStats();
    expect(after.alarmsFor.point ?? 0).toBe(before.alarmsFor.point ?? 0); // no alarm was armed for it
    expect(after.assisted).toBe(true);
    expect(after.unaskedPoints).toBe(0);
    expect(after.wakes).toBe(3);
  }, 40_000);

  it("refuses a spectator's wake (not_a_player) and changes nothing", async () => {
    const users = await players(3);
    const { gameId } = await startGame(users.slice(0, 2), { overrides: { countdownS: 1 } });
    const s = await GameClient.connect(gameId, users[2]);
    await s.next("sync");
    s.sendRaw(JSON.stringify({ type: "wake", tick: 10 }));
    expect((await s.next("error")).code).toBe("not_a_player");
    expect((await sessionStub(gameId).loopStats()).assisted).toBe(false);
  });
});

describe("operator stats", () => {
  it("are served only with the operator token", async () => {
    const { gameId } = await startGame(await players(2), { overrides: FAST });
    const url = `http://example.com/api/admin/games/${gameId}/stats`;
    const { fetchWithEnv } = await import("../worker/helpers");
    const prod = { METRICS_TOKEN: "operator-token-0123456789", APP_ENV: "production" };
    const withToken = (auth?: string) => fetchWithEnv(new Request(url, { headers: auth ? { Authorization: auth } : {} }), prod);
    expect((await withToken()).status).toBe(401);
    expect((await withToken("Bearer wrong")).status).toBe(401);
    const ok = await withToken("Bearer operator-token-0123456789");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ gameId, driver: "timeline" });
    // In production, without a token or with a short one, the route does not exist.
    for (const METRICS_TOKEN of [undefined, "short"]) {
      const res = await fetchWithEnv(new Request(url, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } }), { METRICS_TOKEN, APP_ENV: "production" });
      expect(res.status).toBe(404);
    }
  });
});

describe("joining a game socket", () => {
  it("refuses no token (401), a foreign Origin (403), a non-upgrade (426), an unknown game (404)", async () => {
    const [u] = await players(1);
    const { gameId } = await startGame(await players(2), { overrides: FAST });
    const url = `http://example.com/ws/game/${gameId}`;
    expect((await SELF.fetch(url, { headers: { Upgrade: "websocket" } })).status).toBe(401);
    expect((await SELF.fetch(url, { headers: { Upgrade: "websocket", Authorization: "Bearer forged.token.here" } })).status).toBe(401);
    const foreign = await SELF.fetch(url, { headers: { Upgrade: "websocket", Authorization: `Bearer ${u.token}`, Origin: "https://evil.example" } });
    expect(foreign.status).toBe(403);
    expect((await SELF.fetch(url, { headers: { Authorization: `Bearer ${u.token}` } })).status).toBe(426);
    const unknown = await SELF.fetch("http://example.com/ws/game/ZZZZZZZZ", { headers: { Upgrade: "websocket", Authorization: `Bearer ${u.token}` } });
    expect(unknown.status).toBe(404);
    const own = await SELF.fetch(url, { headers: { Upgrade: "websocket", Authorization: `Bearer ${u.token}`, Origin: "http://example.com" } });
    expect(own.status).toBe(101);
    own.webSocket?.accept();
    own.webSocket?.close();
  });

  it("makes any other signed-in user a spectator who gets the full state, then every input, but cannot play", async () => {
    const users = await players(3);
    const { gameId, clients } = await startGame(users.slice(0, 2), { overrides: { winScore: 3, countdownS: 1 } });
    await clients[0].next("game_started");
    const spec = await GameClient.connect(gameId, users[2]);
    const welcome = await spec.next("welcome");
    expect(welcome.you).toMatchObject({ role: "spectator", seat: -1, side: null });
    expect(welcome.protocol).toBe(PROTOCOL_VERSION);
    const sync = await spec.next("sync");
    expect(sync).toMatchObject({ reason: "join", running: true });
    const seq = clients[1].input(1);
    await spec.until(() => spec.relays.length === 1, 5000, "relay");
    expect(spec.relays[0]).toMatchObject({ seat: 1, dir: 1, tick: clients[1].entries.find((e) => "seq" in e && e.seq === seq)!.tick });
    spec.input(1);
    const err = await spec.next("error");
    expect(err.code).toBe("not_a_player");
    expect(spec.closed).toBeNull();
    const status = await sessionStub(gameId).status();
    expect(status.spectators).toBe(1);
    expect(status.players.map((p) => p.userId)).toEqual([users[0].id, users[1].id]);
    for (const c of [...clients, spec]) c.close();
  }, 20_000);
});

describe("disconnects", () => {
  it("pauses, then a rejoin within the window keeps the seat, the side and the score", async () => {
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 5, countdownS: 1, rejoinTimeoutS: 20 } });
    const [a, b] = clients;
    await a.next("game_started");
    parkPaddles(clients);
    await a.next("point", 15_000);
    const before = (await sessionStub(gameId).debugState()).scores;
    a.close();
    const left = await b.next("player_left");
    expect(left.userId).toBe(users[0].id);
    expect(left.rejoinDeadline).toBeGreaterThan(Date.now());
    expect((await sessionStub(gameId).status()).phase).toBe("paused");

    const again = await GameClient.connect(gameId, users[0]);
    const welcome = await again.next("welcome");
    expect(welcome.you).toMatchObject({ seat: 0, side: "left", role: "player" });
    expect(welcome.phase === "countdown" || welcome.phase === "paused").toBe(true);
    expect((await b.next("player_rejoined")).userId).toBe(users[0].id);
    const resumed = await again.next("game_started");
    expect(resumed.resumed).toBe(true);
    const after = (await sessionStub(gameId).debugState()).scores;
    expect(after[0]).toBeGreaterThanOrEqual(before[0]);
    expect(after[1]).toBeGreaterThanOrEqual(before[1]);
    again.close();
    b.close();
  }, 30_000);

  it("forfeits an absent player when the window expires (alarm)", async () => {
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 5, countdownS: 1, rejoinTimeoutS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    // A real match (a point played) first: a walkover before one is no contest (issue 12.3).
    parkPaddles(clients);
    await b.next("point", 15_000);
    a.close();
    await b.next("player_left");
    await new Promise((r) => setTimeout(r, 1100));
    await runDurableObjectAlarm(sessionStub(gameId));
    const over = await b.next("game_over");
    expect(over.reason).toBe("forfeit");
    expect(over.winner?.userId).toBe(users[1].id);
    await b.waitClosed();
    const row = await env.DB.prepare("SELECT winner_id, reason FROM matches WHERE id = ?").bind(gameId).first<{ winner_id: string; reason: string }>();
    expect(row).toEqual({ winner_id: users[1].id, reason: "forfeit" });
    expect((await sessionStub(gameId).debugState()).alarmAt).toBeGreaterThan(Date.now() + 30_000);
  }, 20_000);

  it("abandons the game when both players are gone", async () => {
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 5, countdownS: 1, rejoinTimeoutS: 1 } });
    await clients[0].next("game_started");
    clients[0].close();
    clients[1].close();
    await new Promise((r) => setTimeout(r, 1200));
    await runDurableObjectAlarm(sessionStub(gameId));
    const state = await sessionStub(gameId).debugState();
    expect(state.rec?.phase ?? "abandoned").toBe("abandoned");
    expect(await matchRows(gameId)).toBe(0);
    // The other absent seat's deadline must not keep waking the ended game: next alarm = clean-up.
    expect(state.alarmAt).toBeGreaterThan(Date.now() + 30_000);
    const alarmsBefore = (await sessionStub(gameId).loopStats()).alarms;
    await new Promise((r) => setTimeout(r, 300));
    expect((await sessionStub(gameId).loopStats()).alarms).toBe(alarmsBefore);
  }, 20_000);
});

describe("inputs on the timeline", () => {
  it("relays an accepted input at once to every other socket (players and spectators) as 6 bytes; the sender gets nothing back", async () => {
    const users = await players(3);
    const { gameId, clients } = await startGame(users.slice(0, 2), { overrides: { winScore: 9, countdownS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    const spec = await GameClient.connect(gameId, users[2]);
    await spec.next("sync");
    const stamp = a.tickNow() + 5;
    const sent = Date.now();
    a.input(1, stamp);
    await b.until(() => b.relays.length === 1, 5000, "relay to b");
    const latency = Date.now() - sent;
    await spec.until(() => spec.relays.length === 1, 5000, "relay to the spectator");
    expect(b.relays[0]).toEqual({ tick: stamp, seat: 0, dir: 1 });
    expect(spec.relays[0]).toEqual({ tick: stamp, seat: 0, dir: 1 });
    expect(latency).toBeLessThan(1000);
    // Nothing for the sender: no relay, no notice.
    await new Promise((r) => setTimeout(r, 200));
    expect(a.relays).toEqual([]);
    expect(a.count("input_moved") + a.count("input_refused")).toBe(0);
    // The server's timeline holds it at its stamp.
    const state = await sessionStub(gameId).debugState();
    if (state.tick <= stamp) expect(state.pending).toBe(1);
    for (const c of [a, b, spec]) c.close();
  }, 20_000);

  it("moves a late stamp to the current tick and tells the sender; refuses one too far ahead", async () => {
    const users = await players(2);
    const { clients } = await startGame(users, { overrides: { winScore: 9, countdownS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    await new Promise((r) => setTimeout(r, 300));
    const lateSeq = a.input(-1, 1);
    const moved = await a.next("input_moved");
    expect(moved).toMatchObject({ seq: lateSeq, stamp: 1 });
    expect(moved.tick).toBeGreaterThan(1);
    await b.until(() => b.relays.length === 1, 5000, "relay");
    expect(b.relays[0]).toEqual({ tick: moved.tick, seat: 0, dir: -1 });

    const farSeq = a.input(1, a.tickNow() + 1000);
    const refused = await a.next("input_refused");
    expect(refused).toMatchObject({ seq: farSeq, code: "too_early" });
    expect(refused.maxTick).toBeLessThan(a.tickNow() + 100);
    await new Promise((r) => setTimeout(r, 200));
    expect(b.relays.length).toBe(1);
    for (const c of clients) c.close();
  }, 20_000);

  it("refuses input before the match exists (a lobby) as not_running", async () => {
    const users = await players(1);
    const { clients } = await startGame(users, { overrides: { countdownS: 1 } });
    const [a] = clients;
    await a.next("player_joined");
    a.input(1, 0);
    expect(await a.next("input_refused")).toMatchObject({ code: "not_running" });
    a.close();
  }, 20_000);

  it("ends with each seat's last applied input (game_over.acks): a client drops its own inputs the server never applied", async () => {
    const users = await players(2);
    const { clients } = await startGame(users, { overrides: { countdownS: 1, realMatchS: 0 } });
    const [a, b] = clients;
    await a.next("game_started");
    const seq = a.input(1);
    await b.until(() => b.relays.length === 1, 5000, "the input relayed");
    b.sendRaw(JSON.stringify({ type: "resign" }));
    expect(await a.next("game_over")).toMatchObject({ acks: [seq, -1] }); // -1: b sent none
    for (const c of clients) c.close();
  }, 20_000);

  it("answers a clock-sync request with the server's time, to players and spectators alike", async () => {
    const users = await players(3);
    const { gameId, clients } = await startGame(users.slice(0, 2), { overrides: { countdownS: 1 } });
    const spec = await GameClient.connect(gameId, users[2]);
    await spec.next("welcome");
    const before = Date.now();
    spec.sendRaw(JSON.stringify({ type: "time", c: 12345.5 }));
    const t = await spec.next("time");
    expect(t.c).toBe(12345.5);
    expect(t.s).toBeGreaterThanOrEqual(before - 5);
    expect(t.s).toBeLessThanOrEqual(Date.now() + 5);
    for (const c of [...clients, spec]) c.close();
  }, 20_000);

  it("answers a reported digest mismatch with a full sync, and counts it", async () => {
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 9, countdownS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    a.sendRaw(JSON.stringify({ type: "resync", tick: 5, digest: 1 }));
    await a.until(() => a.count("sync") === 2, 5000, "second sync");
    const sync = a.messages.filter((m) => m.type === "sync")[1];
    expect(sync.reason).toBe("mismatch");
    expect(sync.running).toBe(true);
    const state = await sessionStub(gameId).debugState();
    expect(sync.tick).toBeLessThanOrEqual(state.tick);
    // The sync is the server's state: a timeline restored from it has the digest it carries.
    const { MatchTimeline } = await import("../../src/shared/timeline");
    expect(MatchTimeline.restore(sync.timeline).digest()).toBe(sync.digest);
    for (const c of clients) c.close();
    void b;
  }, 20_000);
});

describe("eviction", () => {
  it("loses no accepted input and keeps the score when the object is evicted mid-match (checkpoint + socket attachments)", async () => {
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 9, countdownS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    parkPaddles(clients);
    await a.next("point", 15_000);
    const stub = sessionStub(gameId);
    // Inputs after the point's checkpoint live only in memory and in a's socket attachment; one
    // is stamped well ahead so it is still pending when the object goes away.
    a.input(1);
    a.input(0, a.tickNow() + 25);
    await b.until(() => b.relays.length >= 3, 5000, "relays");
    const before = await stub.debugState();
    await evictDurableObject(stub);
    // The woken object rebuilt the timeline from the checkpoint plus the attachments.
    const after = await stub.debugState();
    expect(after.rec!.phase).toBe("playing");
    expect(after.scores).toEqual(before.scores);
    expect(after.tick).toBeLessThanOrEqual(before.tick);
    // Same inputs, same state: the rebuilt timeline matches what b computes from what it was sent.
    expect(after.digest).toBe(b.mirror(after.tick).digest());
    expect(after.pending).toBeGreaterThanOrEqual(1);
    // Play goes on: the next point comes with a digest both sides agree on.
    const points = b.count("point");
    await b.until(() => b.count("point") > points, 15_000, "a point after the eviction");
    const p = b.messages.filter((m) => m.type === "point").at(-1);
    expect(b.mirror(p.tick).digest()).toBe(p.digest);
    expect(p.scores.reduce((x: number, y: number) => x + y, 0)).toBe(before.scores.reduce((x, y) => x + y, 0) + 1);
    for (const c of clients) c.close();
  }, 40_000);

  it("rebuilds a paused match from storage and socket attachments after eviction", async () => {
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 9, countdownS: 1, rejoinTimeoutS: 30 } });
    const [a, b] = clients;
    await a.next("game_started");
    parkPaddles(clients);
    await a.next("point", 15_000);
    a.close();
    const paused = await b.next("paused");
    await b.next("player_left");
    const stub = sessionStub(gameId);
    const before = await stub.debugState();
    expect(before.tick).toBe(paused.tick);
    await evictDurableObject(stub);
    // b's socket hibernated and survived; a comes back to the rebuilt object.
    const again = await GameClient.connect(gameId, users[0]);
    const welcome = await again.next("welcome");
    expect(welcome.you).toMatchObject({ seat: 0, side: "left" });
    const sync = await again.next("sync");
    expect(sync).toMatchObject({ tick: paused.tick, digest: paused.digest, running: false });
    expect((await b.next("player_rejoined")).seat).toBe(0);
    const resumed = await again.next("game_started");
    expect(resumed).toMatchObject({ tick: paused.tick, resumed: true, digest: paused.digest });
    const after = await stub.debugState();
    expect(after.scores).toEqual(before.scores);
    const points = b.count("point");
    await b.until(() => b.count("point") > points, 15_000, "play after the rebuild");
    again.close();
    b.close();
  }, 40_000);

  it("lets a waiting lobby hibernate; the sleeping player's socket still gets match_ready", async () => {
    const users = await players(2);
    const gameIdAndClients = await startGame(users.slice(0, 1), { overrides: { countdownS: 1 }, mode: "2p" });
    const { gameId } = gameIdAndClients;
    const [first] = gameIdAndClients.clients;
    await first.next("player_joined");
    const stub = sessionStub(gameId);
    await evictDurableObject(stub);
    expect(await stub.claimSeat({ id: users[1].id, username: users[1].username })).toMatchObject({ ok: true, seat: 1 });
    const second = await GameClient.connect(gameId, users[1]);
    const ready = await first.next("match_ready");
    expect(ready.players.map((p) => p.userId)).toEqual([users[0].id, users[1].id]);
    await second.next("game_started");
    first.close();
    second.close();
  }, 20_000);
});

describe("bad input", () => {
  it("answers malformed frames with errors, keeps the socket, and the game goes on", async () => {
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 9, countdownS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    a.sendRaw("{not json");
    a.sendRaw('{"type":"warp"}');
    a.sendRaw('{"type":"input","seq":"x","tick":1,"dir":1}');
    a.sendRaw(new Uint8Array([1, 2, 3]).buffer);
    await a.until(() => a.count("error") >= 4, 5000, "4 errors");
    expect(a.messages.filter((m) => m.type === "error").map((m) => (m as { code: string }).code)).toEqual([
      "bad_json",
      "unknown_type",
      "bad_message",
      "bad_message",
    ]);
    expect(a.closed).toBeNull();
    a.input(1);
    await b.until(() => b.relays.length === 1, 5000, "relay after the bad frames");
    expect((await sessionStub(gameId).status()).phase).toBe("playing");
    for (const c of clients) c.close();
  }, 20_000);

  it("closes an oversized frame with 1009", async () => {
    const users = await players(2);
    const { clients } = await startGame(users, { overrides: { winScore: 9, countdownS: 1 } });
    const [a, b] = clients;
    await a.next("welcome");
    a.sendRaw(JSON.stringify({ type: "input", seq: 1, tick: 0, dir: 1, pad: "x".repeat(2048) }));
    expect((await a.waitClosed()).code).toBe(1009);
    expect(b.closed).toBeNull();
    b.close();
  }, 20_000);

  it("closes a flooding spectator with 1008 (every frame counts, malformed ones too) while the honest match keeps relaying", async () => {
    const users = await players(3);
    const { gameId, clients } = await startGame(users.slice(0, 2), { overrides: { winScore: 9, countdownS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    const spec = await GameClient.connect(gameId, users[2]);
    await spec.next("sync");
    const floodStart = Date.now();
    for (let i = 0; i < 400; i++) spec.sendRaw("{bad");
    expect((await spec.waitClosed()).code).toBe(1008);
    // Frames queued behind the close were not processed: only the budget got an answer (a burst of
    // 60 plus 60 a second while the flood lasted; the rest were dropped unread).
    const floodS = (Date.now() - floodStart) / 1000;
    expect(spec.count("error")).toBeLessThanOrEqual(120 + Math.ceil(60 * floodS));
    expect(spec.count("error")).toBeLessThan(300);
    // The honest players: an input still reaches the other at once, and the match runs on.
    const sent = Date.now();
    a.input(1);
    await b.until(() => b.relays.length === 1, 5000, "relay after the flood");
    expect(Date.now() - sent).toBeLessThan(1000);
    expect(a.closed).toBeNull();
    expect((await sessionStub(gameId).status()).phase).toBe("playing");
    const stats = await sessionStub(gameId).loopStats();
    expect(stats.messagesIn).toBeLessThan(200);
    // The flooder cannot buy a fresh budget by reconnecting: barred for FLOOD_BAR_MS, told when to retry.
    const again = await SELF.fetch(`http://example.com/ws/game/${gameId}`, { headers: { Upgrade: "websocket", Authorization: `Bearer ${users[2].token}` } });
    expect(again.status).toBe(429);
    const retry = Number(again.headers.get("Retry-After"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(FLOOD_BAR_MS / 1000);
    expect(await again.text()).toMatch(/try again in \d+ s/);
    // Nobody else is barred: the honest player reconnects (replacing its socket) at once.
    const a2 = await GameClient.connect(gameId, users[0]);
    await a2.next("welcome");
    a2.close();
    for (const c of clients) c.close();
  }, 20_000);

  it("closes a flooding player with 1008 too; the match pauses for the other", async () => {
    const users = await players(2);
    const { clients } = await startGame(users, { overrides: { winScore: 9, countdownS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    for (let i = 1; i <= 400; i++) a.input(i % 2 ? 1 : -1);
    expect((await a.waitClosed()).code).toBe(1008);
    await b.next("player_left");
    await b.next("paused");
    b.close();
  }, 20_000);
});

describe("matchmaking over HTTP", () => {
  async function play(token: string, mode = "2p") {
    return SELF.fetch("http://example.com/api/play", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ mode }),
    });
  }

  it("pairs two players into one game, gives a seated player their game back, and lets a waiting player leave", async () => {
    const [u1, u2, u3] = await players(3);
    const r1 = await (await play(u1.token)).json<{ gameId: string; status: string; seat: number }>();
    expect(r1).toMatchObject({ status: "waiting", seat: 0 });
    const r2 = await (await play(u2.token)).json<{ gameId: string; status: string; seat: number }>();
    expect(r2).toMatchObject({ gameId: r1.gameId, status: "matched", seat: 1 });
    const again = await (await play(u1.token)).json<{ gameId: string; status: string }>();
    expect(again).toMatchObject({ gameId: r1.gameId, status: "existing" });
    const r3 = await (await play(u3.token)).json<{ gameId: string; status: string }>();
    expect(r3.gameId).not.toBe(r1.gameId);
    const leave = await SELF.fetch("http://example.com/api/play", { method: "DELETE", headers: { Authorization: `Bearer ${u3.token}` } });
    expect(leave.status).toBe(204);
    const status = await sessionStub(r3.gameId).debugState();
    expect(status.rec?.phase ?? "abandoned").toBe("abandoned");
  });

  it("validates the body and requires a session", async () => {
    const [u] = await players(1);
    expect((await play(u.token, "3p")).status).toBe(400);
    const anon = await SELF.fetch("http://example.com/api/play", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(anon.status).toBe(401);
  });

  it("creates a private game that a friend joins with its code", async () => {
    const [host, friend] = await players(2);
    const created = await SELF.fetch("http://example.com/api/games", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${host.token}` },
      body: JSON.stringify({ mode: "2p" }),
    });
    expect(created.status).toBe(201);
    const { gameId } = await created.json<{ gameId: string }>();
    const join = await SELF.fetch(`http://example.com/api/games/${gameId.toLowerCase()}/join`, {
      method: "POST",
      headers: { Authorization: `Bearer ${friend.token}` },
    });
    expect(join.status).toBe(200);
    expect(await join.json()).toMatchObject({ gameId, seat: 1 });
    const status = await sessionStub(gameId).status();
    expect(status.isPrivate).toBe(true);
    expect(status.seatsTaken).toBe(2);
  });
});

describe("lobby and liveness", () => {
  it("tells a waiting player when another gives up a seat, and frees a disconnected lobby seat after the grace", async () => {
    const users = await players(3);
    const { gameId, clients } = await startGame(users.slice(0, 3), { mode: "4p", overrides: { countdownS: 1, rejoinTimeoutS: 30, lobbyGraceS: 1 } });
    const [a, b, c] = clients;
    await a.until(() => a.count("player_joined") >= 3, 5000, "three joined");
    // b leaves the queue.
    expect(await sessionStub(gameId).releaseSeat(users[1].id)).toBe(true);
    const freed = await a.next("seat_freed");
    expect(freed).toMatchObject({ seat: 1, userId: users[1].id });
    // c's page goes away: after the lobby grace (1 s here, not the 30 s rejoin window) the seat is free.
    c.close();
    const left = await a.next("player_left");
    expect(left.rejoinInS).toBe(1);
    await new Promise((r) => setTimeout(r, 1100));
    await runDurableObjectAlarm(sessionStub(gameId));
    await a.until(() => a.count("seat_freed") === 2, 5000, "second seat freed");
    const status = await sessionStub(gameId).status();
    expect(status.seatsTaken).toBe(1);
    a.close();
    b.close();
  }, 20_000);

  it("pushes a seat given in a 4P lobby to everyone waiting at once (seat_taken), before its player connects", async () => {
    const users = await players(3);
    const gameId = newGameId();
    const stub = sessionStub(gameId);
    await stub.init({ gameId, mode: "4p", isPrivate: true, overrides: { countdownS: 1 } });
    expect((await stub.claimSeat({ id: users[0].id, username: users[0].username })).ok).toBe(true);
    const a = await GameClient.connect(gameId, users[0]);
    const welcome = await a.next("welcome");
    expect(welcome.isPrivate).toBe(true);
    expect(welcome.players).toHaveLength(1);
    // Two more seats are given (matchmaking or a join code): a hears each at once, nobody polls.
    for (const u of users.slice(1)) expect((await stub.claimSeat({ id: u.id, username: u.username })).ok).toBe(true);
    await a.until(() => a.count("seat_taken") === 2, 2000, "two seats taken");
    const taken = a.messages.filter((m) => m.type === "seat_taken");
    expect(taken.map((m) => [m.player.seat, m.player.userId, m.player.present])).toEqual([
      [1, users[1].id, false],
      [2, users[2].id, false],
    ]);
    // A seat claimed again by its holder is not news.
    await stub.claimSeat({ id: users[1].id, username: users[1].username });
    await new Promise((r) => setTimeout(r, 200));
    expect(a.count("seat_taken")).toBe(2);
    a.close();
  });

  it("runs the lobby idle clock only while nobody is connected (no alarm storm with a player waiting)", async () => {
    const users = await players(1);
    const { gameId, clients } = await startGame(users, { overrides: { countdownS: 1, lobbyIdleS: 1 } });
    const [a] = clients;
    await a.next("player_joined");
    await new Promise((r) => setTimeout(r, 1100));
    await runDurableObjectAlarm(sessionStub(gameId));
    const state = await sessionStub(gameId).debugState();
    expect(state.rec!.phase).toBe("waiting");
    // Nothing is due while the player waits: no alarm in the past re-firing.
    expect(state.alarmAt === null || state.alarmAt > Date.now()).toBe(true);
    const alarms = (await sessionStub(gameId).loopStats()).alarms;
    await new Promise((r) => setTimeout(r, 400));
    expect((await sessionStub(gameId).loopStats()).alarms).toBe(alarms);
    // The lobby empties: the idle clock starts, and the lobby is abandoned when it runs out.
    a.close();
    await new Promise((r) => setTimeout(r, 1200));
    await runDurableObjectAlarm(sessionStub(gameId));
    await runDurableObjectAlarm(sessionStub(gameId));
    expect((await sessionStub(gameId).debugState()).rec?.phase ?? "abandoned").toBe("abandoned");
  }, 20_000);

  it("welcomes a returning player with their last acknowledged input", async () => {
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 9, countdownS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    a.input(1);
    a.input(-1);
    const last = a.input(0);
    await b.until(() => b.relays.length === 3, 5000, "three relays");
    a.close();
    await b.next("player_left");
    const again = await GameClient.connect(gameId, users[0]);
    expect((await again.next("welcome")).you.ack).toBe(last);
    again.close();
    b.close();
  }, 20_000);

  it("treats a player whose heartbeats stop as gone, even without a close: judged at the next event (the other client's clock request)", async () => {
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 9, countdownS: 1, heartbeatTimeoutS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    // a falls silent for longer than the 1 s timeout; b only pings and asks the time, as an idle client does.
    await goSilentWhileOtherPings(a, b, { withClockRequests: true });
    const left = await b.next("player_left");
    expect(left.userId).toBe(users[0].id);
    expect((await a.waitClosed()).code).toBe(4001);
    expect(b.closed).toBeNull();
    expect((await sessionStub(gameId).loopStats()).alarmsFor).not.toHaveProperty("heartbeat");
    b.close();
  }, 20_000);

});
