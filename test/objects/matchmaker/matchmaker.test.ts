/**
 * Matchmaking through the real objects (PlayerDirectory -> regional Matchmaker shards -> GameSession):
 * pairing within a region, no pairing across regions before the wait, widening after it (the wait
 * is made to have passed by back-dating the waiting game in the shard's storage), one live game
 * per player across shards, and the live-games list merged from its shards.
 */
import { runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { OpenGame } from "../../../src/objects/matchmaker/regions";
import { matchShardName } from "../../../src/objects/matchmaker/regions";
import { register } from "../../worker/helpers";

const CF = {
  weur: { continent: "EU", country: "FR", longitude: "2.35" },
  eeur: { continent: "EU", country: "PL", longitude: "21.0" },
  oc: { continent: "OC", country: "AU", longitude: "151.2" },
  apac: { continent: "AS", country: "JP", longitude: "139.7" },
  sam: { continent: "SA", country: "BR", longitude: "-46.6" },
};

let n = 0;
function user() {
  n += 1;
  return { id: `mm-user-${n}-${crypto.randomUUID().slice(0, 8)}`, username: `mm${n}` };
}
const dir = (id: string) => env.PLAYER_DIRECTORY.get(env.PLAYER_DIRECTORY.idFromName(id));
const shard = (name: string) => env.MATCHMAKER.get(env.MATCHMAKER.idFromName(name));

/** Makes a shard's waiting game look `ms` older (the wait has passed) and runs its widening alarm. */
async function age(name: string, mode: "2p" | "4p", ms: number) {
  await runInDurableObject(shard(name), async (_inst, state) => {
    const g = await state.storage.get<OpenGame>(`open:${mode}`);
    if (!g) throw new Error(`no waiting game in ${name}`);
    await state.storage.put(`open:${mode}`, { ...g, openedAt: g.openedAt - ms });
  });
  expect(await runDurableObjectAlarm(shard(name))).toBe(true);
}

/** The waiting games offered to a shard by others. */
async function offers(name: string, mode: "2p" | "4p") {
  return runInDurableObject(shard(name), async (_inst, state) => [...(await state.storage.list<{ gameId: string; shard: string }>({ prefix: `offer:${mode}:` })).values()]);
}

describe("regional matchmaking", () => {
  it("pairs two players of one region in one game that runs in that region", async () => {
    const [a, b] = [user(), user()];
    const ra = await dir(a.id).play(a, "2p", CF.weur);
    expect(ra).toMatchObject({ ok: true, status: "waiting", region: "weur" });
    const rb = await dir(b.id).play(b, "2p", CF.weur);
    expect(rb).toMatchObject({ ok: true, status: "matched", region: "weur", gameId: (ra as { gameId: string }).gameId, seat: 1 });
  });

  it("does not pair across regions before the wait; a neighbour joins after the widen wait", async () => {
    const [a, b, c] = [user(), user(), user()];
    const ra = await dir(a.id).play(a, "4p", CF.oc);
    expect(ra).toMatchObject({ status: "waiting", region: "oc" });
    const rb = await dir(b.id).play(b, "4p", CF.apac);
    expect(rb).toMatchObject({ status: "waiting", region: "apac" });
    expect((rb as { gameId: string }).gameId).not.toBe((ra as { gameId: string }).gameId);
    // 6 s later (MATCH_WIDEN_AFTER_S = 5) the oc game is offered to the neighbours (apac), not further.
    await age(matchShardName("oc", 0), "4p", 6_000);
    expect((await offers(matchShardName("apac", 0), "4p")).map((o) => o.gameId)).toContain((ra as { gameId: string }).gameId);
    expect((await offers(matchShardName("apac", 0), "4p"))[0].shard).toBe(matchShardName("oc", 0));
    expect(await offers(matchShardName("weur", 0), "4p")).toEqual([]);
    // A new apac player prefers its own region's game...
    const rc = await dir(c.id).play(c, "4p", CF.apac);
    expect(rc).toMatchObject({ status: "matched", gameId: (rb as { gameId: string }).gameId, region: "apac" });
    // ...and once apac has no waiting game, apac players reach the oc game (a neighbour).
    await runInDurableObject(shard(matchShardName("apac", 0)), (_i, state) => state.storage.delete("open:4p"));
    const d = user();
    const rd = await dir(d.id).play(d, "4p", CF.apac);
    expect(rd).toMatchObject({ status: "matched", gameId: (ra as { gameId: string }).gameId, region: "oc" });
  });

  it("a player alone in a region is matched by anyone once the any-region wait has passed", async () => {
    const [a, b, c] = [user(), user(), user()];
    const ra = await dir(a.id).play(a, "2p", CF.sam);
    expect(ra).toMatchObject({ status: "waiting", region: "sam" });
    // eeur is not a neighbour of sam: after the widen wait only, a new eeur player opens its own game.
    await age(matchShardName("sam", 0), "2p", 6_000);
    const rb = await dir(b.id).play(b, "2p", CF.eeur);
    expect(rb).toMatchObject({ status: "waiting", region: "eeur" });
    await dir(b.id).leave(b);
    await runInDurableObject(shard(matchShardName("eeur", 0)), (_i, state) => state.storage.delete("open:2p"));
    // After MATCH_ANY_AFTER_S (15 s) the sam game takes anyone.
    await age(matchShardName("sam", 0), "2p", 10_000);
    const rc = await dir(c.id).play(c, "2p", CF.eeur);
    expect(rc).toMatchObject({ status: "matched", gameId: (ra as { gameId: string }).gameId, region: "sam" });
  });

  it("keeps one live game per player across regions and shards", async () => {
    const a = user();
    const first = await dir(a.id).play(a, "2p", CF.oc);
    const again = await dir(a.id).play(a, "4p", CF.weur);
    expect(again).toMatchObject({ status: "existing", gameId: (first as { gameId: string }).gameId, region: "oc" });
    const priv = await dir(a.id).createPrivate(a, "2p", CF.weur);
    expect(priv).toMatchObject({ status: "existing", gameId: (first as { gameId: string }).gameId });
    expect(await dir(a.id).join(a, "ZZZZZZZZ")).toEqual({ ok: false, reason: "already_playing" });
  });

  it("a friend joining a private game is told the region it runs in", async () => {
    const [host, friend] = [user(), user()];
    const created = await dir(host.id).createPrivate(host, "2p", CF.eeur);
    expect(created).toMatchObject({ ok: true, status: "waiting", region: "eeur" });
    const joined = await dir(friend.id).join(friend, (created as { gameId: string }).gameId);
    expect(joined).toMatchObject({ ok: true, status: "matched", seat: 1, region: "eeur" });
  });
});

describe("the live-games list", () => {
  it("is kept per shard and merged on read (GET /api/games/live)", async () => {
    const now = Date.now();
    const rows = ["LIVEA234", "LIVEB234", "LIVEC234", "LIVED234", "LIVEE234"].map((gameId, i) => ({
      gameId,
      mode: "2p" as const,
      phase: "playing" as const,
      players: [`p${i}`, `q${i}`],
      scores: [0, 0],
      updatedAt: now + i,
    }));
    const k = Number(env.LIVE_SHARDS);
    // Spread over every shard, as the sessions' hashes would.
    await Promise.all(rows.map((r, i) => shard(`live:${i % k}`).gameUpdated(r)));
    const u = await register();
    const res = await SELF.fetch("http://example.com/api/games/live", { headers: { Authorization: `Bearer ${u.token}` } });
    expect(res.status).toBe(200);
    const body = await res.json<{ games: { gameId: string }[] }>();
    const ids = body.games.map((g) => g.gameId).filter((id) => id.startsWith("LIVE"));
    expect(ids).toEqual(["LIVEE234", "LIVED234", "LIVEC234", "LIVEB234", "LIVEA234"]);
    // An ended game leaves its shard's list.
    await shard(`live:${2 % k}`).gameUpdated({ ...rows[2], phase: "finished" });
    const after = await (await SELF.fetch("http://example.com/api/games/live", { headers: { Authorization: `Bearer ${u.token}` } })).json<{ games: { gameId: string }[] }>();
    expect(after.games.map((g) => g.gameId)).not.toContain("LIVEC234");
  });
});
