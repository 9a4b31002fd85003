import { evictDurableObject, runDurableObjectAlarm, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Registered } from "../worker/helpers";
import { GameClient, newGameId, players, sessionStub } from "./client";

const GAME = { winScore: 1, countdownS: 1, rejoinTimeoutS: 20 };

function tournamentStub(id: string) {
  return env.TOURNAMENT.get(env.TOURNAMENT.idFromName(id));
}

async function api(path: string, token: string, method = "POST", body?: unknown): Promise<Response> {
  return SELF.fetch(`http://example.com${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

/** A tournament with fast games, four players joined over HTTP, each in the hall. */
async function setup(opts: { hallWaitS?: number; game?: typeof GAME } = {}) {
  const users = await players(4);
  const id = newGameId();
  await tournamentStub(id).init({ id, name: "Cup", hallWaitS: opts.hallWaitS ?? 60, gameOverrides: opts.game ?? GAME });
  const halls: GameClient[] = [];
  for (const u of users) {
    const res = await api(`/api/tournaments/${id}/join`, u.token);
    expect(res.status).toBe(200);
    halls.push(await GameClient.connectPath(`/ws/tournament/${id}`, u));
  }
  return { id, users, halls };
}

/** Both players of a game connect and park their paddles; resolves with the game_over message. */
async function playGame(gameId: string, pair: Registered[]) {
  const clients = [];
  for (const u of pair) clients.push(await GameClient.connect(gameId, u));
  await clients[0].next("game_started", 10_000);
  for (const c of clients) c.input(-1);
  const over = await clients[0].nth("game_over", 1, 20_000);
  return over;
}

describe("a tournament", () => {
  it("runs semi-finals then the final to a champion stored in D1, with match_ready only to the right pairs", async () => {
    const { id, users, halls } = await setup();
    // Everyone gets the chart; the semis open once all four are in the hall.
    const sf1 = await halls[0].nth("match_ready", 1);
    const sf1b = await halls[1].nth("match_ready", 1);
    const sf2 = await halls[2].nth("match_ready", 1);
    const sf2b = await halls[3].nth("match_ready", 1);
    expect(sf1.matchId).toBe("sf1");
    expect(sf1b.gameId).toBe(sf1.gameId);
    expect(sf1.opponent.userId).toBe(users[1].id);
    expect(sf2.matchId).toBe("sf2");
    expect(sf2b.gameId).toBe(sf2.gameId);
    expect(sf2.gameId).not.toBe(sf1.gameId);
    // match_ready went to the pair only.
    expect(halls[0].messages.filter((m) => m.type === "match_ready").every((m) => m.gameId === sf1.gameId)).toBe(true);
    expect(halls[2].messages.filter((m) => m.type === "match_ready").every((m) => m.gameId === sf2.gameId)).toBe(true);

    // Leaving the hall does not end anything: player 3 leaves and still plays.
    halls[3].close();
    await halls[0].until(() => halls[0].messages.some((m) => m.type === "presence" && !m.present.includes(users[3].id)), 5000, "presence");

    const [o1, o2] = await Promise.all([playGame(sf1.gameId, [users[0], users[1]]), playGame(sf2.gameId, [users[2], users[3]])]);
    const w1 = users.find((u) => u.id === o1.winner.userId)!;
    const w2 = users.find((u) => u.id === o2.winner.userId)!;

    // The winners of the semis get the final (player 3 is back in the hall if they won).
    const halls2 = new Map<string, GameClient>();
    for (const w of [w1, w2]) halls2.set(w.id, w.id === users[3].id ? await GameClient.connectPath(`/ws/tournament/${id}`, w) : halls[users.indexOf(w)]);
    const finalMsg = await halls2.get(w1.id)!.until(() => halls2.get(w1.id)!.messages.some((m) => m.type === "match_ready" && m.matchId === "final"), 10_000, "final")
      .then(() => halls2.get(w1.id)!.messages.find((m) => m.type === "match_ready" && m.matchId === "final"));
    expect(finalMsg.opponent.userId).toBe(w2.id);
    const loserHall = halls[users.indexOf(users.find((u) => u.id !== w1.id && u.id !== w2.id && u.id !== users[3].id)!)];
    expect(loserHall.messages.some((m) => m.type === "match_ready" && m.matchId === "final")).toBe(false);

    const of = await playGame(finalMsg.gameId, [w1, w2]);
    const over = await halls2.get(w1.id)!.nth("tournament_over", 1, 10_000);
    expect(over.champion.userId).toBe(of.winner.userId);
    const chart = await tournamentStub(id).chart();
    expect(chart.status).toBe("finished");
    expect(chart.matches.map((m) => m.status)).toEqual(["done", "done", "done"]);
    expect(chart.champion?.userId).toBe(of.winner.userId);
    const row = await env.DB.prepare("SELECT status, champion_id FROM tournaments WHERE id = ?").bind(id).first();
    expect(row).toEqual({ status: "finished", champion_id: of.winner.userId });
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM matches WHERE tournament_id = ?").bind(id).first<{ n: number }>();
    expect(rows?.n).toBe(3);
    // Each match row knows its round.
    const rounds = await env.DB.prepare("SELECT id, round FROM matches WHERE tournament_id = ?").bind(id).all<{ id: string; round: string }>();
    expect(Object.fromEntries(rounds.results.map((r) => [r.id, r.round]))).toEqual({ [sf1.gameId]: "semi", [sf2.gameId]: "semi", [finalMsg.gameId]: "final" });
    // The champion's profile shows the title, and its history labels the rounds.
    const champion = users.find((u) => u.id === of.winner.userId)!;
    const profile = await (await api(`/api/users/${champion.username}`, users[0].token, "GET")).json<{
      championships: { count: number; recent: { id: string }[] };
      matches: { id: string; mode: string; round: string | null; tournamentId: string | null }[];
    }>();
    expect(profile.championships.count).toBe(1);
    expect(profile.championships.recent[0].id).toBe(id);
    expect(profile.matches.map((m) => [m.mode, m.round, m.tournamentId])).toEqual([["tournament", "final", id], ["tournament", "semi", id]]);
    const loser = users.find((u) => u.id !== champion.id)!;
    expect((await (await api(`/api/users/${loser.username}`, users[0].token, "GET")).json<{ championships: { count: number } }>()).championships.count).toBe(0);
    // Players are free for another tournament once this one ended.
    const again = await api("/api/tournaments", users[0].token, "POST", { name: "Next" });
    expect(again.status).toBe(201);
  }, 90_000);

  it("pushes a live match's score to the hall on every change (no polling), in the chart too, and clears it with the result", async () => {
    const { id, users, halls } = await setup({ game: { ...GAME, winScore: 2 } });
    const sf1 = await halls[0].nth("match_ready", 1);
    const [outsider] = await players(1);
    const watcher = await GameClient.connectPath(`/ws/tournament/${id}`, outsider);
    await watcher.nth("tournament_chart", 1);
    const scoresOf = (c: GameClient) => c.messages.filter((m) => m.type === "match_score" && m.gameId === sf1.gameId);
    const over = await playGame(sf1.gameId, [users[0], users[1]]);
    // The spectator of the hall saw the match start and each point as it was scored.
    await watcher.until(() => scoresOf(watcher).some((m) => m.phase === "playing" && m.scores[0] + m.scores[1] === 1), 5000, "the first point");
    const seen = scoresOf(watcher);
    expect(seen[0]).toMatchObject({ type: "match_score", matchId: "sf1", scores: [0, 0] });
    expect(seen.map((m) => `${m.phase} ${m.scores.join("-")}`)).toEqual([...new Set(seen.map((m) => `${m.phase} ${m.scores.join("-")}`))]); // only changes
    // (The winning point may be shown too, just before the result: both reach the hall.)
    expect(seen.every((m) => m.scores.length === 2 && m.scores[0] + m.scores[1] <= 2)).toBe(true);
    // The result replaces the live score.
    await watcher.until(() => watcher.messages.some((m) => m.type === "tournament_chart" && m.chart.matches[0].status === "done"), 10_000, "sf1 done");
    const chart = await tournamentStub(id).chart();
    expect(chart.matches[0]).toMatchObject({ status: "done", live: null, scores: over.scores });
    // A report after the result, or for a game that is not the match's, changes nothing.
    expect(await tournamentStub(id).reportScore({ matchId: "sf1", gameId: sf1.gameId, scores: [2, 1], phase: "playing" })).toBe(false);
    const sf2 = await halls[2].nth("match_ready", 1);
    expect(await tournamentStub(id).reportScore({ matchId: "sf2", gameId: sf1.gameId, scores: [1, 0], phase: "playing" })).toBe(false);
    // The other semi-final's score, told once, is in the chart a hall gets when it connects.
    expect(await tournamentStub(id).reportScore({ matchId: "sf2", gameId: sf2.gameId, scores: [1, 0], phase: "paused" })).toBe(true);
    const late = await GameClient.connectPath(`/ws/tournament/${id}`, outsider);
    const first = await late.nth("tournament_chart", 1);
    expect(first.chart.matches[1].live).toEqual({ scores: [1, 0], phase: "paused" });
    for (const c of [...halls, watcher, late]) c.close();
  }, 60_000);

  it("keeps tournament seats for their players: a non-participant is at most a spectator", async () => {
    const { users, halls } = await setup();
    const sf1 = await halls[0].nth("match_ready", 1);
    const [outsider] = await players(1);
    const claim = await api(`/api/games/${sf1.gameId}/join`, outsider.token);
    expect(claim.status).toBe(403);
    // Another participant (from the other semi) cannot take a seat either.
    expect((await api(`/api/games/${sf1.gameId}/join`, users[2].token)).status).toBe(403);
    const spec = await GameClient.connect(sf1.gameId, outsider);
    expect((await spec.next("welcome")).you.role).toBe("spectator");
    const intruder = await GameClient.connect(sf1.gameId, users[2]);
    expect((await intruder.next("welcome")).you.role).toBe("spectator");
    for (const c of [spec, intruder, ...halls]) c.close();
  }, 30_000);

  it("forfeits a no-show by alarm and the bracket advances", async () => {
    const { id, users, halls } = await setup({ game: { ...GAME, rejoinTimeoutS: 1 } });
    const sf1 = await halls[0].nth("match_ready", 1);
    // Only player 0 takes the seat.
    const present = await GameClient.connect(sf1.gameId, users[0]);
    await present.next("welcome");
    await new Promise((r) => setTimeout(r, 1200));
    await runDurableObjectAlarm(sessionStub(sf1.gameId));
    const over = await present.next("game_over");
    expect(over).toMatchObject({ reason: "forfeit", winner: { userId: users[0].id } });
    await halls[0].until(
      () => halls[0].messages.some((m) => m.type === "tournament_chart" && m.chart.matches[0].status === "done"),
      10_000,
      "chart with sf1 done",
    );
    const chart = await tournamentStub(id).chart();
    expect(chart.matches[0]).toMatchObject({ status: "done", winner: users[0].id, reason: "forfeit" });
    expect(chart.players.find((p) => p.userId === users[1].id)?.eliminated).toBe(true);
    for (const c of halls) c.close();
  }, 30_000);

  it("continues correctly after being evicted while waiting between rounds, and applies reports once", async () => {
    const { id, users, halls } = await setup();
    const sf1 = await halls[0].nth("match_ready", 1);
    const sf2 = await halls[2].nth("match_ready", 1);
    const o1 = await playGame(sf1.gameId, [users[0], users[1]]);
    // The game reports its result itself; wait for the chart to show it.
    await halls[0].until(() => halls[0].messages.some((m) => m.type === "tournament_chart" && m.chart.matches[0].status === "done"), 10_000, "sf1 done");
    // Waiting for the other semi: the object holds no timers, so it can be evicted (hibernated).
    const stub = tournamentStub(id);
    await evictDurableObject(stub);
    // A repeated report of the finished semi changes nothing.
    const dup = await stub.reportResult({ tournamentId: id, matchId: "sf1", gameId: sf1.gameId, winnerUserId: o1.winner.userId, scores: [1, 0], reason: "normal" });
    expect(dup).toBe("duplicate");
    const o2 = await playGame(sf2.gameId, [users[2], users[3]]);
    const winnerHall = halls[users.findIndex((u) => u.id === o1.winner.userId)];
    await winnerHall.until(() => winnerHall.messages.some((m) => m.type === "match_ready" && m.matchId === "final"), 10_000, "final ready");
    const chart = await stub.chart();
    expect(chart.matches[2].players.map((p) => p?.userId)).toEqual([o1.winner.userId, o2.winner.userId]);
    expect(chart.matches[2].status).toBe("ready");
    for (const c of halls) c.close();
  }, 60_000);

  it("lists, auto-joins the oldest open tournament, and refuses a second live tournament", async () => {
    const [a, b] = await players(2);
    const created = await api("/api/tournaments", a.token, "POST", { name: "<b>Spring</b> Cup" });
    expect(created.status).toBe(201);
    const { tournamentId } = await created.json<{ tournamentId: string }>();
    const auto = await api("/api/tournaments/join", b.token);
    expect(auto.status).toBeLessThan(300);
    const joined = await auto.json<{ tournamentId: string }>();
    const list = await (await api("/api/tournaments", a.token, "GET")).json<{ tournaments: { id: string; name: string }[] }>();
    expect(list.tournaments.some((t) => t.id === tournamentId && t.name === "<b>Spring</b> Cup")).toBe(true);
    // b is now in a live tournament (the oldest open one): a second one is refused.
    const second = await api("/api/tournaments", b.token, "POST", { name: "Other" });
    expect(second.status).toBe(409);
    expect(joined.tournamentId).toMatch(/^[A-Z2-9]{8}$/);
    const chart = await (await api(`/api/tournaments/${tournamentId}`, a.token, "GET")).json<{ chart: { players: { username: string }[] } }>();
    expect(chart.chart.players[0].username).toBe(a.username);
    expect(list.tournaments.find((t) => t.id === tournamentId)).toMatchObject({ status: "open" });
    expect((await api(`/api/tournaments/${tournamentId}/leave`, a.token)).status).toBe(204);
    expect((await api("/api/tournaments", a.token, "POST", { name: 42 })).status).toBe(400);
  });

  it("does not count a hall socket whose heartbeats stopped as present: no Go To Match until its player is really back", async () => {
    const users = await players(4);
    const id = newGameId();
    await tournamentStub(id).init({ id, name: "Cup", hallWaitS: 60, hallSilentS: 1, gameOverrides: GAME });
    for (const u of users) expect((await api(`/api/tournaments/${id}/join`, u.token)).status).toBe(200);
    // Player 0 enters the hall, pings once (answered by the runtime), then its line goes dead.
    const dead = await GameClient.connectPath(`/ws/tournament/${id}`, users[0]);
    dead.sendRaw("ping");
    await new Promise((r) => setTimeout(r, 1500));
    // Player 1, the semi-final opponent, arrives: the silent socket is closed, not counted.
    const h1 = await GameClient.connectPath(`/ws/tournament/${id}`, users[1]);
    expect((await dead.waitClosed()).code).toBe(4001);
    const presence = await h1.nth("presence", 1);
    expect(presence.present).toEqual([users[1].id]);
    expect((await tournamentStub(id).chart()).matches[0]).toMatchObject({ status: "waiting", gameId: null });
    expect(h1.count("match_ready")).toBe(0);
    // Player 0 really comes back: both get Go To Match for the same game.
    const back = await GameClient.connectPath(`/ws/tournament/${id}`, users[0]);
    const [r0, r1] = await Promise.all([back.nth("match_ready", 1), h1.nth("match_ready", 1)]);
    expect(r0.gameId).toBe(r1.gameId);
    for (const c of [h1, back]) c.close();
  }, 20_000);

  it("closes a flooding hall socket with 1008 and refuses its user's new hall sockets for a while (429); others are unaffected", async () => {
    const { id, users, halls } = await setup();
    for (let i = 0; i < 400; i++) halls[0].sendRaw("{bad");
    expect((await halls[0].waitClosed()).code).toBe(1008);
    const again = await SELF.fetch(`http://example.com/ws/tournament/${id}`, { headers: { Upgrade: "websocket", Authorization: `Bearer ${users[0].token}` } });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get("Retry-After"))).toBeGreaterThan(0);
    const other = await GameClient.connectPath(`/ws/tournament/${id}`, users[1]);
    await other.nth("tournament_chart", 1);
    for (const c of [...halls.slice(1), other]) c.close();
  }, 20_000);

  it("cancels an open tournament as soon as its last player leaves", async () => {
    const [a] = await players(1);
    const created = await (await api("/api/tournaments", a.token, "POST", { name: "Lonely" })).json<{ tournamentId: string }>();
    expect((await api(`/api/tournaments/${created.tournamentId}/leave`, a.token)).status).toBe(204);
    expect((await tournamentStub(created.tournamentId).chart()).status).toBe("cancelled");
    const list = await (await api("/api/tournaments", a.token, "GET")).json<{ tournaments: { id: string }[] }>();
    expect(list.tournaments.some((t) => t.id === created.tournamentId)).toBe(false);
    // a is free to join another tournament.
    expect((await api("/api/tournaments", a.token, "POST", { name: "Next" })).status).toBe(201);
  });
});
