import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hashPassword } from "../../src/worker/auth/password";
import { createDb, isUniqueViolation } from "../../src/db/client";
import { RecordMatchError, ratingDeltas, recordMatch, type RecordMatchInput } from "../../src/db/matches";
import { markTournamentPlayersDone, registerTournamentPlayer, upsertTournamentRow } from "../../src/db/tournaments";
import { insertUser } from "../../src/db/users";
import { uniqueName } from "../worker/helpers";

const db = () => createDb(env.DB);
/** Users inserted directly (a real hash, computed once) to keep these tests fast. */
const hash = hashPassword("irrelevant-password");
async function makeUsers(n: number): Promise<string[]> {
  const h = await hash;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await insertUser(db(), uniqueName("m"), h)).id);
  return ids;
}
async function userRow(id: string) {
  return env.DB.prepare("SELECT wins, losses, rating FROM users WHERE id = ?").bind(id).first<{ wins: number; losses: number; rating: number }>();
}
const count = async (sql: string, ...args: unknown[]) => env.DB.prepare(sql).bind(...args).first<number>("n");

function twoPlayer(id: string, [a, b]: string[], winner = a): RecordMatchInput {
  return {
    id,
    mode: "2p",
    players: [
      { userId: a, seat: 0, side: "left", score: winner === a ? 5 : 2 },
      { userId: b, seat: 1, side: "right", score: winner === b ? 5 : 2 },
    ],
    winnerId: winner,
    reason: "normal",
    startedAt: 1_700_000_000_000,
    endedAt: 1_700_000_120_000,
  };
}

describe("ratingDeltas", () => {
  it("2 players: plain Elo, K = 32", () => {
    expect(ratingDeltas({ a: 1000, b: 1000 }, "a")).toEqual({ a: 16, b: -16 });
    // favourite wins: E = 0.76 -> 32 * 0.24 = 7.7 -> 8
    expect(ratingDeltas({ a: 1200, b: 1000 }, "a")).toEqual({ a: 8, b: -8 });
    // underdog wins: 32 * 0.76 = 24.3 -> 24
    expect(ratingDeltas({ a: 1200, b: 1000 }, "b")).toEqual({ a: -24, b: 24 });
  });
  it("4 players: pairwise Elo against each loser with K = 32/3, zero-sum", () => {
    const d = ratingDeltas({ w: 1000, x: 1000, y: 1000, z: 1000 }, "w");
    expect(d).toEqual({ w: 15, x: -5, y: -5, z: -5 });
    const e = ratingDeltas({ w: 900, x: 1100, y: 1000, z: 1300 }, "w");
    expect(Object.values(e).reduce((s, v) => s + v, 0)).toBe(0);
    expect(e.z).toBeLessThan(e.x);
    expect(e.x).toBeLessThan(e.y);
  });
});

describe("recordMatch", () => {
  it("writes the match, its players, wins/losses and Elo ratings", async () => {
    const [a, b] = await makeUsers(2);
    const id = `g-${crypto.randomUUID()}`;
    const res = await recordMatch(db(), twoPlayer(id, [a, b]));
    expect(res).toEqual({ recorded: true, ratingChanges: { [a]: 16, [b]: -16 } });
    expect(await userRow(a)).toEqual({ wins: 1, losses: 0, rating: 1016 });
    expect(await userRow(b)).toEqual({ wins: 0, losses: 1, rating: 984 });
    const m = await env.DB.prepare("SELECT * FROM matches WHERE id = ?").bind(id).first<Record<string, unknown>>();
    expect(m).toMatchObject({ mode: "2p", winner_id: a, reason: "normal", started_at: 1_700_000_000_000, tournament_id: null });
    const ps = await env.DB.prepare("SELECT user_id, seat, side, score, result, rating_delta FROM match_players WHERE match_id = ? ORDER BY seat")
      .bind(id)
      .all();
    expect(ps.results).toEqual([
      { user_id: a, seat: 0, side: "left", score: 5, result: "win", rating_delta: 16 },
      { user_id: b, seat: 1, side: "right", score: 2, result: "loss", rating_delta: -16 },
    ]);
  });

  it("is idempotent: recording the same match twice changes nothing the second time", async () => {
    const [a, b] = await makeUsers(2);
    const id = `g-${crypto.randomUUID()}`;
    const first = await recordMatch(db(), twoPlayer(id, [a, b]));
    const again = await recordMatch(db(), twoPlayer(id, [a, b]));
    // even a conflicting replay (other winner) is ignored
    const conflicting = await recordMatch(db(), twoPlayer(id, [a, b], b));
    expect(first.recorded).toBe(true);
    expect(again).toEqual({ recorded: false, ratingChanges: first.ratingChanges });
    expect(conflicting.recorded).toBe(false);
    expect(await count("SELECT COUNT(*) AS n FROM matches WHERE id = ?", id)).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM match_players WHERE match_id = ?", id)).toBe(2);
    expect(await userRow(a)).toEqual({ wins: 1, losses: 0, rating: 1016 });
    expect(await userRow(b)).toEqual({ wins: 0, losses: 1, rating: 984 });
  });

  it("counts once when several writers race on the same match id", async () => {
    const [a, b] = await makeUsers(2);
    const id = `g-${crypto.randomUUID()}`;
    const results = await Promise.all([1, 2, 3, 4].map(() => recordMatch(db(), twoPlayer(id, [a, b]))));
    expect(results.filter((r) => r.recorded)).toHaveLength(1);
    expect(await userRow(a)).toEqual({ wins: 1, losses: 0, rating: 1016 });
    expect(await count("SELECT COUNT(*) AS n FROM match_players WHERE match_id = ?", id)).toBe(2);
  });

  it("accumulates over different matches", async () => {
    const [a, b] = await makeUsers(2);
    await recordMatch(db(), twoPlayer(`g-${crypto.randomUUID()}`, [a, b], a));
    await recordMatch(db(), twoPlayer(`g-${crypto.randomUUID()}`, [a, b], b));
    const ra = await userRow(a);
    const rb = await userRow(b);
    expect(ra).toMatchObject({ wins: 1, losses: 1 });
    expect(rb).toMatchObject({ wins: 1, losses: 1 });
    expect(ra!.rating + rb!.rating).toBe(2000);
    expect(rb!.rating).toBe(984 + 17); // 1016 vs 984: underdog win is worth 17
  });

  it("4P: the winner gets a win, the three others a loss, by the documented rule", async () => {
    const ids = await makeUsers(4);
    const sides = ["left", "right", "top", "bottom"] as const;
    const res = await recordMatch(db(), {
      id: `g-${crypto.randomUUID()}`,
      mode: "4p",
      players: ids.map((userId, seat) => ({ userId, seat, side: sides[seat], score: seat === 2 ? 3 : 1 })),
      winnerId: ids[2],
      reason: "forfeit",
      startedAt: 1,
      endedAt: 2,
    });
    expect(res.recorded).toBe(true);
    expect(await userRow(ids[2])).toEqual({ wins: 1, losses: 0, rating: 1015 });
    for (const i of [0, 1, 3]) expect(await userRow(ids[i])).toEqual({ wins: 0, losses: 1, rating: 995 });
  });

  it("links a tournament match; tournaments are upserted (name kept) and finished; one live tournament per player", async () => {
    const [a, b] = await makeUsers(2);
    const tid = `t-${crypto.randomUUID()}`;
    await upsertTournamentRow(env.DB, { id: tid, name: "Cup", status: "running", createdAt: 100 });
    await upsertTournamentRow(env.DB, { id: tid, name: "Cup again", status: "running", createdAt: 200 });
    expect(await registerTournamentPlayer(env.DB, tid, a)).toBe("joined");
    // The same row again (a concurrent join of the same user): "present", and it was not this call's to delete.
    expect(await registerTournamentPlayer(env.DB, tid, a)).toBe("present");
    const other = `t-${crypto.randomUUID()}`;
    await upsertTournamentRow(env.DB, { id: other, name: "Other", status: "pending", createdAt: 300 });
    expect(await registerTournamentPlayer(env.DB, other, a)).toBe("taken");
    const mid = `g-${crypto.randomUUID()}`;
    await recordMatch(db(), { ...twoPlayer(mid, [a, b]), mode: "tournament", tournamentId: tid });
    await upsertTournamentRow(env.DB, { id: tid, name: "Cup", status: "finished", createdAt: 100, championId: a, endedAt: 123 });
    await markTournamentPlayersDone(env.DB, tid);
    expect(await registerTournamentPlayer(env.DB, other, a)).toBe("joined");
    const t = await env.DB.prepare("SELECT name, status, champion_id, ended_at FROM tournaments WHERE id = ?").bind(tid).first();
    expect(t).toEqual({ name: "Cup", status: "finished", champion_id: a, ended_at: 123 });
    expect(await count("SELECT COUNT(*) AS n FROM matches WHERE tournament_id = ?", tid)).toBe(1);
  });

  it("rejects invalid input without writing anything", async () => {
    const [a, b] = await makeUsers(2);
    const id = `g-${crypto.randomUUID()}`;
    const bad: RecordMatchInput[] = [
      { ...twoPlayer(id, [a, b]), winnerId: "someone-else" },
      { ...twoPlayer(id, [a, a]) },
      { ...twoPlayer(id, [a, b]), mode: "3p" as never },
      { ...twoPlayer(id, [a, b]), reason: "timeout" as never },
      { ...twoPlayer(id, [a, b]), startedAt: 10, endedAt: 5 },
      { ...twoPlayer(id, [a, b]), players: twoPlayer(id, [a, b]).players.map((p) => ({ ...p, seat: 0 })) },
      { ...twoPlayer(id, [a, b]), players: twoPlayer(id, [a, b]).players.map((p) => ({ ...p, score: -1 })) },
      { ...twoPlayer(id, [a, b]), id: "" },
    ];
    for (const input of bad) await expect(recordMatch(db(), input)).rejects.toBeInstanceOf(RecordMatchError);
    await expect(recordMatch(db(), twoPlayer(id, [a, "no-such-user"], a))).rejects.toBeInstanceOf(RecordMatchError);
    expect(await count("SELECT COUNT(*) AS n FROM matches WHERE id = ?", id)).toBe(0);
    expect(await userRow(a)).toEqual({ wins: 0, losses: 0, rating: 1000 });
  });
});

describe("users table", () => {
  it("the unique index refuses a second name differing only in case (what register maps to 409)", async () => {
    const h = await hash;
    const name = uniqueName("Case");
    await insertUser(db(), name, h);
    const err = await insertUser(db(), name.toLowerCase(), h).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    expect(isUniqueViolation(err)).toBe(true);
    expect(isUniqueViolation(new Error("something else"))).toBe(false);
  });
});
