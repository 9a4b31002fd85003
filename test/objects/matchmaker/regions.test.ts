/** The matchmaking rules, pure: pairing within a region, widening after the wait, anyone after longer. */
import { describe, expect, it } from "vitest";
import { NEIGHBOURS, REGIONS, accepts, nextWidening, offerTargets, rankOpenGames, reach, regionFor, matchShardName, type OpenGame } from "../../../src/objects/matchmaker/regions";
import { matchConfig } from "../../../src/objects/matchmaker/routing";

const cfg = { widenAfterMs: 5_000, anyAfterMs: 15_000 };
const T = 1_000_000;

describe("region rules", () => {
  it("neighbours are symmetric, never self, and every region has one", () => {
    for (const r of REGIONS) {
      expect(NEIGHBOURS[r].length).toBeGreaterThan(0);
      expect(NEIGHBOURS[r]).not.toContain(r);
      for (const n of NEIGHBOURS[r]) expect(NEIGHBOURS[n], `${r} <-> ${n}`).toContain(r);
    }
  });

  it("derives the region from request.cf, with a default when cf says nothing", () => {
    expect(regionFor({ continent: "OC", country: "AU" })).toBe("oc");
    expect(regionFor({ continent: "EU", longitude: "2.3" })).toBe("weur");
    expect(regionFor({ continent: "AS", country: "AE" })).toBe("me");
    expect(regionFor(undefined)).toBe("enam");
  });

  it("a waiting game reaches its own region at once, neighbours after the widen wait, anyone after the any wait", () => {
    expect(reach(T, T + 4_999, cfg)).toBe(0);
    expect(reach(T, T + 5_000, cfg)).toBe(1);
    expect(reach(T, T + 15_000, cfg)).toBe(2);
    const sydney = { region: "oc" as const, openedAt: T };
    expect(accepts(sydney, "oc", T, cfg)).toBe(true);
    expect(accepts(sydney, "apac", T + 4_000, cfg)).toBe(false);
    expect(accepts(sydney, "apac", T + 5_000, cfg)).toBe(true); // neighbour, after the widen wait
    expect(accepts(sydney, "weur", T + 14_000, cfg)).toBe(false); // not a neighbour yet
    expect(accepts(sydney, "weur", T + 15_000, cfg)).toBe(true); // alone in oc: still matched
  });

  it("ranks own region first, then neighbours, then the rest; oldest first within each; leaves out games not reaching the player", () => {
    const games: OpenGame[] = [
      { gameId: "FAR", region: "sam", openedAt: T - 20_000 },
      { gameId: "NEIGH_NEW", region: "enam", openedAt: T - 1_000 },
      { gameId: "NEIGH_OLD", region: "eeur", openedAt: T - 6_000 },
      { gameId: "OWN_NEW", region: "weur", openedAt: T - 100 },
      { gameId: "OWN_OLD", region: "weur", openedAt: T - 3_000 },
    ];
    expect(rankOpenGames(games, "weur", T, cfg).map((g) => g.gameId)).toEqual(["OWN_OLD", "OWN_NEW", "NEIGH_OLD", "FAR"]);
    expect(rankOpenGames(games, "oc", T, cfg).map((g) => g.gameId)).toEqual(["FAR"]);
    expect(rankOpenGames(games, "oc", T - 19_000, cfg)).toEqual([]); // nobody reaches oc yet: open your own
  });

  it("offers a waiting game to its region's other shards and the neighbours first, to every shard later, never to itself", () => {
    const near = offerTargets("oc", matchShardName("oc", 0), 2, 1);
    expect(near.sort()).toEqual([matchShardName("oc", 1), matchShardName("apac", 0), matchShardName("apac", 1)].sort());
    const all = offerTargets("oc", matchShardName("oc", 0), 2, 2);
    expect(all).not.toContain(matchShardName("oc", 0));
    expect(all.length).toBe(REGIONS.length * 2 - 1);
  });

  it("schedules the next widening: at the widen wait, then at the any wait, then never", () => {
    expect(nextWidening(T, T, cfg)).toBe(T + 5_000);
    expect(nextWidening(T, T + 5_000, cfg)).toBe(T + 15_000);
    expect(nextWidening(T, T + 15_000, cfg)).toBeNull();
  });

  it("reads its configuration with sane defaults", () => {
    expect(matchConfig({})).toEqual({ perRegion: 1, liveShards: 4, widenAfterMs: 5_000, anyAfterMs: 15_000 });
    expect(matchConfig({ MATCH_WIDEN_AFTER_S: "8", MATCH_ANY_AFTER_S: "2", MATCH_SHARDS_PER_REGION: "3", LIVE_SHARDS: "x" })).toEqual({ perRegion: 3, liveShards: 4, widenAfterMs: 8_000, anyAfterMs: 8_000 });
  });
});
