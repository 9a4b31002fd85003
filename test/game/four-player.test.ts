import { runDurableObjectAlarm, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createGame, defaultConfig, stepInPlace, type GameEvent } from "../../src/shared/engine";
import { GameClient, players, sessionStub, startGame } from "./client";

/** The points a 4P game with no input at all produces, simulated locally with the shared engine. */
function pointsWithoutInput(seed: number, winScore: number): (number | null)[] {
  const state = createGame(defaultConfig("4p", { winScore }), seed);
  const events: GameEvent[] = [];
  const points: (number | null)[] = [];
  for (let t = 0; t < 60 * 60 && state.phase !== "over"; t++) {
    events.length = 0;
    stepInPlace(state, undefined, events);
    for (const e of events) if (e.type === "point") points.push(e.scorer);
  }
  return points;
}

/** A seed whose idle game starts with a no-touch point and then has a scored point. */
function seedWithNoTouchThenScore(winScore: number): { seed: number; points: (number | null)[] } {
  for (let seed = 1; seed < 5000; seed++) {
    const points = pointsWithoutInput(seed, winScore);
    const firstScored = points.findIndex((p) => p !== null);
    if (points[0] === null && firstScored > 0 && firstScored <= 3) return { seed, points };
  }
  throw new Error("no suitable seed");
}

/** The match row, waited for a little: it is written after game_over is announced (and retried by alarm). */
async function matchRow(gameId: string) {
  for (let i = 0; i < 50; i++) {
    const row = await matchRowNow(gameId);
    if (row) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
  return matchRowNow(gameId);
}

async function matchRowNow(gameId: string) {
  return env.DB.prepare("SELECT mode, winner_id, reason, (SELECT count(*) FROM match_players WHERE match_id = ?1) AS players FROM matches WHERE id = ?1")
    .bind(gameId)
    .first<{ mode: string; winner_id: string; reason: string; players: number }>();
}

describe("a 4-player match", () => {
  it("is played to the end through the server with last-touch scoring and the no-touch rule", async () => {
    const { seed, points } = seedWithNoTouchThenScore(1);
    const users = await players(4);
    const { gameId, clients } = await startGame(users, { mode: "4p", seed, overrides: { winScore: 1, countdownS: 1 } });
    const ready = await clients[0].next("match_ready");
    expect(ready.players.map((p) => [p.userId, p.side])).toEqual([
      [users[0].id, "left"],
      [users[1].id, "right"],
      [users[2].id, "top"],
      [users[3].id, "bottom"],
    ]);
    const over = await clients[0].next("game_over", 30_000);
    const pointMsgs = clients[0].messages.filter((m) => m.type === "point");
    for (const p of pointMsgs) expect(clients[0].mirror(p.tick).digest()).toBe(p.digest);
    const serverPoints = pointMsgs.map((m) => m.scorer);
    // The server scored exactly what the engine's rule says: no point for a ball nobody touched,
    // then a point for whoever touched it last.
    expect(serverPoints).toEqual(points.slice(0, serverPoints.length));
    expect(serverPoints[0]).toBeNull();
    const scorer = serverPoints[serverPoints.length - 1];
    expect(scorer).not.toBeNull();
    expect(over.reason).toBe("normal");
    expect(over.winner?.seat).toBe(scorer);
    for (const c of clients) {
      expect(c.count("game_over")).toBe(1);
      expect((await c.waitClosed()).code).toBe(1000);
    }
    await runDurableObjectAlarm(sessionStub(gameId));
    expect(await matchRow(gameId)).toEqual({ mode: "4p", winner_id: users[scorer!].id, reason: "normal", players: 4 });
  }, 45_000);

  it("keeps a dropped player's side when they rejoin", async () => {
    const users = await players(4);
    const { gameId, clients } = await startGame(users, { mode: "4p", overrides: { winScore: 3, countdownS: 1, rejoinTimeoutS: 20 } });
    await clients[0].next("game_started");
    clients[2].close();
    const left = await clients[0].next("player_left");
    expect(left.seat).toBe(2);
    const back = await GameClient.connect(gameId, users[2]);
    expect((await back.next("welcome")).you).toMatchObject({ seat: 2, side: "top", role: "player" });
    expect((await back.next("game_started")).resumed).toBe(true);
    for (const c of [back, clients[0], clients[1], clients[3]]) c.close();
  }, 30_000);

  it("turns a player who does not come back into a wall; the others play on", async () => {
    const users = await players(4);
    const { gameId, clients } = await startGame(users, { mode: "4p", overrides: { winScore: 3, countdownS: 1, rejoinTimeoutS: 1 } });
    await clients[0].next("game_started");
    clients[3].close();
    await clients[0].next("player_left");
    await new Promise((r) => setTimeout(r, 1100));
    await runDurableObjectAlarm(sessionStub(gameId));
    const out = await clients[0].next("player_out");
    expect(out).toMatchObject({ seat: 3, side: "bottom", userId: users[3].id });
    expect(out.tick).toBeGreaterThanOrEqual(0);
    await clients[0].nth("game_started", 2, 8000);
    // Play goes on with a wall: the next authoritative digest matches this side's timeline, in
    // which seat 3 was eliminated at the tick player_out gave.
    const checks = clients[0].checks.length;
    await clients[0].until(() => clients[0].checks.length > checks || clients[0].count("point") > 0, 15_000, "a check or a point after the elimination");
    const mirror = clients[0].mirror(out.tick);
    expect(mirror.state.paddles[3].active).toBe(false);
    expect(mirror.digest()).toBe(out.digest);
    for (const c of clients[0].checks.slice(checks)) expect(clients[0].mirror(c.tick).digest()).toBe(c.digest);
    for (const p of clients[0].messages.filter((m) => m.type === "point")) expect(clients[0].mirror(p.tick).digest()).toBe(p.digest);
    expect(clients[0].count("game_over")).toBe(0);
    const status = await sessionStub(gameId).status();
    expect(status.phase).toBe("playing");
    expect(status.players.find((p) => p.seat === 3)?.out).toBe(true);
    for (const c of clients.slice(0, 3)) c.close();
  }, 30_000);

  it("gives the win by forfeit to the last player left, with one game_over and one D1 row", async () => {
    const users = await players(4);
    const { gameId, clients } = await startGame(users, { mode: "4p", overrides: { winScore: 3, countdownS: 1, rejoinTimeoutS: 1, realMatchS: 1 } });
    await clients[0].next("game_started");
    // A real match (1 s of play here) first: a walkover before one is no contest (issue 12.3).
    await new Promise((r) => setTimeout(r, 1_100));
    for (const c of clients.slice(1)) c.close();
    await clients[0].until(() => clients[0].count("player_left") === 3, 5000, "three left");
    await new Promise((r) => setTimeout(r, 1100));
    await runDurableObjectAlarm(sessionStub(gameId));
    const over = await clients[0].next("game_over");
    expect(over).toMatchObject({ reason: "forfeit", winner: { seat: 0, userId: users[0].id } });
    expect(clients[0].count("player_out")).toBe(2);
    await runDurableObjectAlarm(sessionStub(gameId));
    expect(clients[0].count("game_over")).toBe(1);
    expect(await matchRow(gameId)).toEqual({ mode: "4p", winner_id: users[0].id, reason: "forfeit", players: 4 });
  }, 30_000);

  it("queues four players into one 4P game over HTTP", async () => {
    const users = await players(4);
    const ids = new Set<string>();
    for (const u of users) {
      const r = await SELF.fetch("http://example.com/api/play", {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${u.token}` },
        body: JSON.stringify({ mode: "4p" }),
      });
      ids.add((await r.json<{ gameId: string }>()).gameId);
    }
    expect(ids.size).toBe(1);
    const status = await sessionStub([...ids][0]).status();
    expect(status).toMatchObject({ mode: "4p", seatsTaken: 4, seatsTotal: 4 });
  });
});
