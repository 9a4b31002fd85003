import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../../src/db/client";
import { recordMatch } from "../../../src/db/matches";
import { errorOf, get, register, uniqueName } from "../helpers";

const db = () => createDb(env.DB);

async function play(id: string, left: string, right: string, winner: string, endedAt: number, reason: "normal" | "forfeit" = "normal") {
  await recordMatch(db(), {
    id,
    mode: "2p",
    players: [
      { userId: left, seat: 0, side: "left", score: winner === left ? 5 : 3 },
      { userId: right, seat: 1, side: "right", score: winner === right ? 5 : 3 },
    ],
    winnerId: winner,
    reason,
    startedAt: endedAt - 60_000,
    endedAt,
  });
}

describe("GET /api/users/:username", () => {
  it("returns the public profile and recent matches, newest first, with every player", async () => {
    const alice = await register(uniqueName("Alice"));
    const bob = await register(uniqueName("Bob"));
    const carol = await register(uniqueName("Carol"));
    const t = 1_750_000_000_000;
    await play(`p1-${crypto.randomUUID()}`, alice.id, bob.id, alice.id, t);
    const latest = `p2-${crypto.randomUUID()}`;
    await play(latest, carol.id, alice.id, carol.id, t + 10_000, "forfeit");
    await play(`p3-${crypto.randomUUID()}`, bob.id, carol.id, bob.id, t + 20_000); // alice not in it

    const res = await get(`/api/users/${alice.username.toLowerCase()}`, bob.token);
    expect(res.status).toBe(200);
    const body = await res.json<{ user: Record<string, unknown>; matches: Record<string, unknown>[] }>();
    expect(body.user).toEqual({ username: alice.username, wins: 1, losses: 1, rating: expect.any(Number), createdAt: expect.any(String) });
    expect(body.user).not.toHaveProperty("id");
    expect(body.matches).toHaveLength(2);
    expect(body.matches[0]).toEqual({
      id: latest,
      mode: "2p",
      players: [
        { username: carol.username, seat: 0, side: "left", score: 5, result: "win" },
        { username: alice.username, seat: 1, side: "right", score: 3, result: "loss" },
      ],
      winner: carol.username,
      reason: "forfeit",
      startedAt: new Date(t + 10_000 - 60_000).toISOString(),
      endedAt: new Date(t + 10_000).toISOString(),
      tournamentId: null,
      round: null,
    });
    expect(body.matches[1].winner).toBe(alice.username);
  });

  it("lists at most the 20 most recent matches", async () => {
    const a = await register();
    const b = await register();
    const t = 1_760_000_000_000;
    for (let i = 0; i < 23; i++) await play(`many-${i}-${crypto.randomUUID()}`, a.id, b.id, i % 2 ? a.id : b.id, t + i * 1000);
    const body = await (await get(`/api/users/${a.username}`, a.token)).json<{ matches: { endedAt: string }[] }>();
    expect(body.matches).toHaveLength(20);
    expect(body.matches[0].endedAt).toBe(new Date(t + 22_000).toISOString());
    expect(body.matches[19].endedAt).toBe(new Date(t + 3_000).toISOString());
  });

  it("a user without matches has an empty list", async () => {
    const a = await register();
    const body = await (await get(`/api/users/${a.username}`, a.token)).json<{ matches: unknown[] }>();
    expect(body.matches).toEqual([]);
  });

  it("public (no session needed), 404 for unknown or impossible names (not reflected)", async () => {
    const a = await register();
    expect((await get(`/api/users/${a.username}`)).status).toBe(200);
    const unknown = await get(`/api/users/${uniqueName("nobody")}`, a.token);
    expect(unknown.status).toBe(404);
    expect(await errorOf(unknown)).toMatchObject({ code: "user_not_found" });
    const html = await get(`/api/users/${encodeURIComponent("<script>alert(1)</script>")}`, a.token);
    expect(html.status).toBe(404);
    expect(await html.text()).not.toContain("<script");
  });
});

describe("GET /api/leaderboard", () => {
  it("orders by wins, then win rate, then rating; only players with matches; at most 50", async () => {
    // Rows with far more wins than anything else in the suite, so they are the top of the board.
    const tag = crypto.randomUUID().slice(0, 6);
    const rows = [
      { name: `lbA${tag}`, wins: 900_000, losses: 10, rating: 1500 },
      { name: `lbB${tag}`, wins: 900_000, losses: 5, rating: 1100 }, // same wins, better rate -> before A
      { name: `lbC${tag}`, wins: 900_000, losses: 5, rating: 1200 }, // same wins & rate, higher rating -> before B
      { name: `lbD${tag}`, wins: 950_000, losses: 900_000, rating: 900 }, // most wins -> first
      { name: `lbE${tag}`, wins: 800_000, losses: 0, rating: 2000 }, // perfect rate but fewer wins -> last of these
    ];
    const insert = env.DB.prepare(
      "INSERT INTO users (id, username, username_lower, password_hash, salt, iterations, algorithm, rating, wins, losses, created_at) VALUES (?, ?, ?, 'x', 'x', 1, 'pbkdf2-sha256', ?, ?, ?, 0)",
    );
    const filler = Array.from({ length: 50 }, (_, i) => ({ name: `lbF${tag}${i}`, wins: 700_000, losses: i, rating: 1000 }));
    const none = { name: `lbZ${tag}`, wins: 0, losses: 0, rating: 3000 };
    await env.DB.batch(
      [...rows, ...filler, none].map((r) => insert.bind(crypto.randomUUID(), r.name, r.name.toLowerCase(), r.rating, r.wins, r.losses)),
    );

    const res = await get("/api/leaderboard");
    expect(res.status).toBe(200);
    const { players } = await res.json<{ players: { username: string; wins: number; losses: number; rating: number; winRate: number }[] }>();
    expect(players).toHaveLength(50);
    expect(players.slice(0, 5).map((p) => p.username)).toEqual([`lbD${tag}`, `lbC${tag}`, `lbB${tag}`, `lbA${tag}`, `lbE${tag}`]);
    expect(players[0]).toEqual({ username: `lbD${tag}`, wins: 950_000, losses: 900_000, rating: 900, winRate: 0.5135 });
    expect(players[4].winRate).toBe(1);
    // filler ordered by rate (fewer losses first); only 45 fit
    expect(players[5].username).toBe(`lbF${tag}0`);
    expect(players[49].username).toBe(`lbF${tag}44`);
    expect(players.map((p) => p.username)).not.toContain(none.name);
    // the whole list respects the ordering rule
    for (let i = 1; i < players.length; i++) {
      const [p, q] = [players[i - 1], players[i]];
      expect(p.wins > q.wins || (p.wins === q.wins && p.winRate >= q.winRate)).toBe(true);
    }
  });
});
