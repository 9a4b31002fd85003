import { evictDurableObject, runDurableObjectAlarm, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { GameClient, goSilentWhileOtherPings, players, sessionStub, startGame } from "./client";

const FAST = { winScore: 1, countdownS: 1 };

/** Both paddles park at the top so serves get through quickly. */
function parkPaddles(clients: GameClient[]): void {
  for (const c of clients) c.input(-1);
}

async function matchRows(gameId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM matches WHERE id = ?").bind(gameId).first<{ n: number }>();
  return row?.n ?? 0;
}

describe.each(["timer", "alarm"] as const)("a 2P match with the %s tick driver", (driver) => {
  it("is played to the end; both players get the events in order, one game_over, one D1 row", async () => {
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { ...FAST, driver } });
    const [a, b] = clients;
    await a.next("game_started");
    parkPaddles(clients);
    const overA = await a.next("game_over", 20_000);
    await b.next("game_over", 20_000);
    for (const c of clients) {
      const types = c.messages.map((m) => m.type);
      const order = ["welcome", "match_ready", "countdown", "game_started", "point", "game_over"].map((t) => types.indexOf(t as never));
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((x, y) => x - y)).toEqual(order);
      expect(c.count("game_over")).toBe(1);
      expect(c.snapshots).toBeGreaterThan(5);
      expect((await c.waitClosed()).code).toBe(1000);
    }
    expect(overA.reason).toBe("normal");
    expect(overA.winner).not.toBeNull();
    expect(Math.max(...overA.scores)).toBe(1);
    const winnerSeat = overA.winner!.seat;
    expect(overA.scores[winnerSeat]).toBe(1);
    // Snapshots acknowledged the inputs: each seat's ack reached the seq it sent.
    expect(a.view?.acks).toEqual([1, 1]);
    // The D1 row is written exactly once, even when the alarm runs again.
    const stub = sessionStub(gameId);
    await runDurableObjectAlarm(stub);
    await runDurableObjectAlarm(stub);
    expect(await matchRows(gameId)).toBe(1);
    const row = await env.DB.prepare("SELECT winner_id, reason FROM matches WHERE id = ?").bind(gameId).first<{ winner_id: string; reason: string }>();
    expect(row).toEqual({ winner_id: users[winnerSeat].id, reason: "normal" });
    expect(a.count("game_over") + b.count("game_over")).toBe(2);
    // The object counted its loop and its billable units; the drivers differ in alarms per tick.
    const stats = await stub.loopStats();
    expect(stats.driver).toBe(driver);
    expect(stats.ticks).toBeGreaterThan(60);
    expect(stats.messagesIn).toBe(2);
    expect(stats.snapshots).toBeGreaterThan(10);
    if (driver === "alarm") expect(stats.setAlarms).toBeGreaterThan(stats.wakeups * 0.9);
    else expect(stats.setAlarms).toBeLessThan(stats.wakeups / 10);
  }, 30_000);
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
    expect(await ok.json()).toMatchObject({ gameId, driver: "timer" });
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

  it("makes any other signed-in user a spectator who sees the game but cannot play", async () => {
    const users = await players(3);
    const { gameId, clients } = await startGame(users.slice(0, 2), { overrides: { winScore: 3, countdownS: 1 } });
    await clients[0].next("game_started");
    const spec = await GameClient.connect(gameId, users[2]);
    const welcome = await spec.next("welcome");
    expect(welcome.you).toMatchObject({ role: "spectator", seat: -1, side: null });
    await spec.until(() => spec.snapshots >= 3, 5000, "snapshots");
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
    const before = (await sessionStub(gameId).debugState()).rec!.game.scores;
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
    const after = (await sessionStub(gameId).debugState()).rec!.game.scores;
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

describe("eviction", () => {
  // The runtime never evicts an object while an in-memory timer is pending, so mid-match eviction
  // is tested with the alarm driver; the timer driver is evicted while the match is paused.
  it("resumes a match with the score intact after the object is evicted mid-match (alarm driver)", async () => {
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 9, countdownS: 1, driver: "alarm" } });
    const [a] = clients;
    await a.next("game_started");
    parkPaddles(clients);
    await a.next("point", 15_000);
    const stub = sessionStub(gameId);
    const scoresBefore = (await stub.debugState()).rec!.game.scores.slice();
    await evictDurableObject(stub);
    // The woken object rebuilds from storage; its alarm (the watchdog) revives the loop.
    await runDurableObjectAlarm(stub);
    const after = await stub.debugState();
    expect(after.rec!.phase).toBe("playing");
    expect(after.running).toBe(true);
    for (let i = 0; i < 2; i++) expect(after.rec!.game.scores[i]).toBeGreaterThanOrEqual(scoresBefore[i]);
    const snapshots = a.snapshots;
    await a.until(() => a.snapshots > snapshots + 5, 5000, "snapshots after revival");
    for (const c of clients) c.close();
  }, 30_000);

  it("rebuilds a paused match (timer driver) from storage and socket attachments after eviction", async () => {
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 9, countdownS: 1, rejoinTimeoutS: 30 } });
    const [a, b] = clients;
    await a.next("game_started");
    parkPaddles(clients);
    await a.next("point", 15_000);
    a.close();
    await b.next("player_left");
    const stub = sessionStub(gameId);
    const before = (await stub.debugState()).rec!;
    await evictDurableObject(stub);
    // b's socket hibernated and survived; a comes back to the rebuilt object.
    const again = await GameClient.connect(gameId, users[0]);
    const welcome = await again.next("welcome");
    expect(welcome.you).toMatchObject({ seat: 0, side: "left" });
    expect((await b.next("player_rejoined")).seat).toBe(0);
    await again.next("game_started");
    const after = (await stub.debugState()).rec!;
    expect(after.game.scores).toEqual(before.game.scores);
    expect(after.game.tick).toBeGreaterThanOrEqual(before.game.tick);
    const seen = b.snapshots;
    await b.until(() => b.snapshots > seen + 5, 5000, "snapshots after the rebuild");
    again.close();
    b.close();
  }, 30_000);

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
    const { clients } = await startGame(users, { overrides: { winScore: 9, countdownS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    a.sendRaw("{not json");
    a.sendRaw('{"type":"warp"}');
    a.sendRaw('{"type":"input","seq":"x","dir":1}');
    a.sendRaw(new Uint8Array([1, 2, 3]).buffer);
    await a.until(() => a.count("error") >= 4, 5000, "4 errors");
    expect(a.messages.filter((m) => m.type === "error").map((m) => (m as { code: string }).code)).toEqual([
      "bad_json",
      "unknown_type",
      "bad_message",
      "bad_message",
    ]);
    expect(a.closed).toBeNull();
    const seen = b.snapshots;
    await b.until(() => b.snapshots > seen + 5, 5000, "snapshots");
    for (const c of clients) c.close();
  }, 20_000);

  it("closes an oversized frame with 1009", async () => {
    const users = await players(2);
    const { clients } = await startGame(users, { overrides: { winScore: 9, countdownS: 1 } });
    const [a, b] = clients;
    await a.next("welcome");
    a.sendRaw(JSON.stringify({ type: "input", seq: 1, dir: 1, pad: "x".repeat(2048) }));
    expect((await a.waitClosed()).code).toBe(1009);
    expect(b.closed).toBeNull();
    b.close();
  }, 20_000);

  it("drops an input flood and closes a sustained one with 1008", async () => {
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 9, countdownS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    for (let i = 1; i <= 400; i++) a.sendRaw(JSON.stringify({ type: "input", seq: i, dir: i % 2 ? 1 : -1 }));
    const err = await a.next("error");
    expect(err.code).toBe("rate_limited");
    expect((await a.waitClosed()).code).toBe(1008);
    // Frames still queued behind the close are not processed.
    const stats = await sessionStub(gameId).loopStats();
    expect(stats.messagesIn).toBeLessThan(300);
    // The other player's game is unaffected: b sees a paused match (a left), not a crash.
    await b.next("player_left");
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
    await a.until(() => a.view?.acks[0] === last, 5000, "ack");
    a.close();
    await b.next("player_left");
    const again = await GameClient.connect(gameId, users[0]);
    expect((await again.next("welcome")).you.ack).toBe(last);
    again.close();
    b.close();
  }, 20_000);

  it("treats a player whose heartbeats stop as gone, even without a close, while the loop runs (no alarm needed)", async () => {
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 9, countdownS: 1, heartbeatTimeoutS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    // a falls silent for longer than the 1 s timeout and the 1 s check interval. No alarm is
    // forced: the timer driver's watchdog alarm never fires while ticks run, so the tick loop
    // itself must notice.
    await goSilentWhileOtherPings(a, b);
    const left = await b.next("player_left");
    expect(left.userId).toBe(users[0].id);
    expect((await a.waitClosed()).code).toBe(4001);
    expect(b.closed).toBeNull();
    b.close();
  }, 20_000);
});
