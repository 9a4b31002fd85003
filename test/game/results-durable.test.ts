/**
 * Issue 12.2: nothing is deleted before it is durably recorded. D1 is made to fail with a trigger
 * (the real local D1 refuses the write, as an outage would); the game keeps its storage past its
 * clean-up time, retries on a growing back-off that survives eviction, and records once D1 is back.
 */
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { TournamentRecord } from "../../src/objects/tournament/tournament";
import { newGameId, players, sessionStub, startGame } from "./client";

async function breakTable(table: string, op: "INSERT" | "UPDATE"): Promise<void> {
  await env.DB.prepare(`CREATE TRIGGER IF NOT EXISTS down_${table}_${op} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, 'simulated D1 outage'); END`).run();
}
async function repairAll(): Promise<void> {
  for (const t of ["down_matches_INSERT", "down_tournaments_UPDATE", "down_tournaments_INSERT"]) await env.DB.prepare(`DROP TRIGGER IF EXISTS ${t}`).run();
}
afterEach(repairAll);

async function matchRows(gameId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM matches WHERE id = ?").bind(gameId).first<{ n: number }>();
  return row?.n ?? 0;
}

describe("a finished game whose D1 write fails", () => {
  it("keeps its storage past the clean-up time, backs off across evictions, then records and only then cleans up", async () => {
    await breakTable("matches", "INSERT");
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 1, countdownS: 1, cleanupGraceS: 1 } });
    await clients[0].next("game_started");
    for (const c of clients) c.input(-1);
    const over = await clients[0].next("game_over", 20_000);
    const stub = sessionStub(gameId);
    // The first attempt runs right after game_over is sent.
    for (let i = 0; i < 50 && !(await stub.debugState()).rec?.retry; i++) await new Promise((r) => setTimeout(r, 100));
    let s = await stub.debugState();
    expect(s.rec?.recorded).toBe(false);
    const first = s.rec!.retry!.attempts;
    expect(first).toBeGreaterThanOrEqual(1);

    await new Promise((r) => setTimeout(r, 1_200)); // past cleanupAt
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      await runDurableObjectAlarm(stub);
      s = await stub.debugState();
      expect(s.rec).not.toBeNull(); // the old code deleted it here
      waits.push(s.rec!.retry!.nextAt - Date.now());
      expect(s.alarmAt).toBe(s.rec!.retry!.nextAt);
    }
    expect(waits[1]).toBeGreaterThan(waits[0]);
    expect(waits[2]).toBeGreaterThan(waits[1]);
    expect(await matchRows(gameId)).toBe(0);

    // A restart loses nothing: the retry state and its alarm are in storage.
    await evictDurableObject(stub);
    s = await stub.debugState();
    expect(s.rec?.retry?.attempts).toBe(first + 3);
    expect(await runInDurableObject(stub, (_o, state) => state.storage.getAlarm())).toBe(s.rec!.retry!.nextAt);

    await repairAll();
    await runDurableObjectAlarm(stub);
    const row = await env.DB.prepare("SELECT winner_id FROM matches WHERE id = ?").bind(gameId).first<{ winner_id: string }>();
    expect(row?.winner_id).toBe(over.winner?.userId);
    // Recorded, and past its clean-up time: the same wake deleted it, and no alarm is left.
    s = await stub.debugState();
    expect(s.rec).toBeNull();
    expect(await runInDurableObject(stub, (_o, state) => state.storage.getAlarm())).toBeNull();
    for (const c of clients) c.close();
  }, 40_000);
});

function tournamentStub(id: string) {
  return env.TOURNAMENT.get(env.TOURNAMENT.idFromName(id));
}

async function tournamentRow(id: string): Promise<{ status: string; champion_id: string | null } | null> {
  return env.DB.prepare("SELECT status, champion_id FROM tournaments WHERE id = ?").bind(id).first();
}

/** A running tournament (four players registered in D1 and the bracket) without playing its games. */
async function runningTournament() {
  const users = await players(4);
  const id = newGameId();
  const stub = tournamentStub(id);
  await stub.init({ id, name: "Cup", hallWaitS: 1, gameOverrides: { winScore: 1, countdownS: 1, rejoinTimeoutS: 20 } });
  for (const u of users) expect((await stub.join({ id: u.id, username: u.username })).ok).toBe(true);
  // Nobody is in the hall: the semi-finals' games open at their hall deadline.
  await new Promise((r) => setTimeout(r, 1_100));
  await runDurableObjectAlarm(stub);
  const rec = (await stub.debugRecord())!;
  expect(rec.bracket.matches.filter((m) => m.status === "ready")).toHaveLength(2);
  return { id, users, stub };
}

describe("a tournament whose final status cannot be written", () => {
  it("acknowledges the final's report, then heals on its alarm once D1 is back (players freed)", async () => {
    const { id, users, stub } = await runningTournament();
    const [sf1, sf2] = (await stub.debugRecord())!.bracket.matches;
    await stub.reportResult({ tournamentId: id, matchId: "sf1", gameId: sf1.gameId!, winnerUserId: sf1.players[0], scores: [1, 0], reason: "normal" });
    await stub.reportResult({ tournamentId: id, matchId: "sf2", gameId: sf2.gameId!, winnerUserId: sf2.players[0], scores: [1, 0], reason: "normal" });
    let rec = (await stub.debugRecord())!;
    const final = rec.bracket.matches[2];
    await new Promise((r) => setTimeout(r, 1_100));
    await runDurableObjectAlarm(stub); // the final's hall deadline
    rec = (await stub.debugRecord())!;
    expect(rec.bracket.matches[2].status).toBe("ready");

    await breakTable("tournaments", "UPDATE");
    // The old code threw here (conclude inside reportResult) and armed no alarm: stuck for good.
    const outcome = await stub.reportResult({ tournamentId: id, matchId: "final", gameId: rec.bracket.matches[2].gameId!, winnerUserId: final.players[0], scores: [1, 0], reason: "normal" });
    expect(outcome).toBe("applied");
    rec = (await stub.debugRecord())!;
    expect(rec.recorded).toBe(false);
    expect(rec.retry?.attempts).toBe(1);
    expect(await runInDurableObject(stub, (_o, state) => state.storage.getAlarm())).toBe(rec.retry!.nextAt);

    // Still down: the alarm fails again, backs off, and stays armed.
    await runDurableObjectAlarm(stub);
    rec = (await stub.debugRecord())!;
    expect(rec.retry?.attempts).toBe(2);
    expect(await runInDurableObject(stub, (_o, state) => state.storage.getAlarm())).toBe(rec.retry!.nextAt);
    expect((await tournamentRow(id))?.status).toBe("running");

    await repairAll();
    await runDurableObjectAlarm(stub);
    rec = (await stub.debugRecord())!;
    expect(rec.recorded).toBe(true);
    expect(await tournamentRow(id)).toEqual({ status: "finished", champion_id: final.players[0] });
    const live = await env.DB.prepare("SELECT count(*) AS n FROM tournament_players WHERE tournament_id = ? AND active = 1").bind(id).first<{ n: number }>();
    expect(live?.n).toBe(0);
    expect(users.length).toBe(4);
  }, 40_000);

  it("creates a game whose id was saved before its init succeeded (retried by the alarm)", async () => {
    const { stub } = await runningTournament();
    const lost = newGameId();
    // As after a crash between "save the id" and "init the game": the id is stored, the game does not exist.
    await runInDurableObject(stub, async (_o, state) => {
      const r = (await state.storage.get<TournamentRecord>("tournament"))!;
      r.bracket.matches[0].gameId = lost;
      r.pendingInits = ["sf1"];
      r.retry = null;
      await state.storage.put("tournament", r);
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    await evictDurableObject(stub); // the instance reloads the record as a restarted one would
    expect((await sessionStub(lost).debugState()).rec).toBeNull();
    await runDurableObjectAlarm(stub);
    const status = await sessionStub(lost).status();
    expect(status.phase).toBe("waiting");
    expect(status.players.map((p) => p.userId)).toEqual((await stub.debugRecord())!.bracket.matches[0].players);
    expect((await stub.debugRecord())!.pendingInits).toEqual([]);
  }, 30_000);
});

