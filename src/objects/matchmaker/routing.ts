/**
 * Which matchmaking object serves what, from configuration (wrangler.toml [vars]):
 * - MATCH_SHARDS_PER_REGION: matchmaking shards per locationHint region (a player's shard is a hash
 *   of their user id within their region);
 * - LIVE_SHARDS: shards of the live-games list (a game's shard is a hash of its id; readers merge all);
 * - MATCH_WIDEN_AFTER_S / MATCH_ANY_AFTER_S: when a waiting game starts taking players from
 *   neighbouring regions / from anywhere.
 * No fixed object id is on any player's or game's path: the per-user directory is one object per
 * user (PlayerDirectory), the rest are shards.
 */
import { shardCount, shardOf } from "../../shared/shard";
import { liveShardName, matchShardName, type Region, type WidenConfig } from "./regions";

export interface MatchConfig extends WidenConfig {
  perRegion: number;
  liveShards: number;
}

type MatchVars = { MATCH_SHARDS_PER_REGION?: string; LIVE_SHARDS?: string; MATCH_WIDEN_AFTER_S?: string; MATCH_ANY_AFTER_S?: string };

function seconds(raw: string | undefined, fallback: number): number {
  const n = raw === undefined || raw.trim() === "" ? NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

export function matchConfig(env: MatchVars): MatchConfig {
  const widenAfterMs = seconds(env.MATCH_WIDEN_AFTER_S, 5) * 1000;
  return {
    perRegion: shardCount(env.MATCH_SHARDS_PER_REGION, 1),
    liveShards: shardCount(env.LIVE_SHARDS, 4),
    widenAfterMs,
    anyAfterMs: Math.max(widenAfterMs, seconds(env.MATCH_ANY_AFTER_S, 15) * 1000),
  };
}

export function matchShardFor(env: Env, region: Region, userId: string) {
  const name = matchShardName(region, shardOf(userId, matchConfig(env).perRegion));
  return env.MATCHMAKER.get(env.MATCHMAKER.idFromName(name));
}

export function matchShard(env: Env, name: string) {
  return env.MATCHMAKER.get(env.MATCHMAKER.idFromName(name));
}

/** The live-games shard a game reports its phase changes to. */
export function liveShardFor(env: Env, gameId: string) {
  return env.MATCHMAKER.get(env.MATCHMAKER.idFromName(liveShardName(shardOf(gameId, matchConfig(env).liveShards))));
}

export function directoryFor(env: Env, userId: string) {
  return env.PLAYER_DIRECTORY.get(env.PLAYER_DIRECTORY.idFromName(userId));
}
