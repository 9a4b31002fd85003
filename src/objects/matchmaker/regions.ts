/**
 * Region-aware matchmaking rules, pure (no Workers imports, no clock: `now` is passed in).
 *
 * A player's region is one of the Durable Object locationHint regions, from request.cf. A waiting
 * (public) game accepts a newcomer from its own region at once, from a neighbouring region once it
 * has waited `widenAfterMs`, and from any region once it has waited `anyAfterMs`: players are
 * paired near each other first, and a player alone in a region is still matched.
 */
import { locationHintFor, type LocationHint } from "./location-hint";

export type Region = LocationHint;

export const REGIONS: readonly Region[] = ["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"];

/** Used when request.cf says nothing (local development, tests). */
export const DEFAULT_REGION: Region = "enam";

/**
 * Regions one widening step away: the ones with the lowest round trips between Cloudflare's
 * large data centres of each region (symmetric; checked by the tests).
 */
export const NEIGHBOURS: Readonly<Record<Region, readonly Region[]>> = {
  wnam: ["enam", "apac"],
  enam: ["wnam", "weur", "sam"],
  sam: ["enam"],
  weur: ["enam", "eeur", "afr"],
  eeur: ["weur", "me"],
  apac: ["wnam", "oc", "me"],
  oc: ["apac"],
  afr: ["weur", "me"],
  me: ["eeur", "apac", "afr"],
};

export function isRegion(v: unknown): v is Region {
  return typeof v === "string" && (REGIONS as readonly string[]).includes(v);
}

export function regionFor(cf: Parameters<typeof locationHintFor>[0]): Region {
  return locationHintFor(cf) ?? DEFAULT_REGION;
}

export interface WidenConfig {
  /** A waiting game takes players from neighbouring regions after this wait (ms). */
  widenAfterMs: number;
  /** ... and from any region after this wait (ms). */
  anyAfterMs: number;
}

/** How far a waiting game opened in `gameRegion` at `openedAt` reaches at `now`: 0 own, 1 neighbours, 2 any. */
export function reach(openedAt: number, now: number, cfg: WidenConfig): 0 | 1 | 2 {
  const waited = now - openedAt;
  if (waited >= cfg.anyAfterMs) return 2;
  if (waited >= cfg.widenAfterMs) return 1;
  return 0;
}

/** Whether a newcomer from `playerRegion` may take a seat in a waiting game. */
export function accepts(game: { region: Region; openedAt: number }, playerRegion: Region, now: number, cfg: WidenConfig): boolean {
  if (game.region === playerRegion) return true;
  const r = reach(game.openedAt, now, cfg);
  return r === 2 || (r === 1 && NEIGHBOURS[game.region].includes(playerRegion));
}

export interface OpenGame {
  gameId: string;
  region: Region;
  openedAt: number;
}

/**
 * The waiting games a newcomer from `playerRegion` should try, best first: own region before
 * neighbours before the rest, and within each the longest-waiting first. Games that do not accept
 * the newcomer yet are left out; an empty list means "open a game of your own".
 */
export function rankOpenGames(games: readonly OpenGame[], playerRegion: Region, now: number, cfg: WidenConfig): OpenGame[] {
  const distance = (g: OpenGame) => (g.region === playerRegion ? 0 : NEIGHBOURS[playerRegion].includes(g.region) ? 1 : 2);
  return games
    .filter((g) => accepts(g, playerRegion, now, cfg))
    .sort((a, b) => distance(a) - distance(b) || a.openedAt - b.openedAt || (a.gameId < b.gameId ? -1 : 1));
}

/**
 * The shards a waiting game is offered to when its reach grows (see reach()): at reach 1 its own
 * region's other shards and the neighbouring regions' shards, at reach 2 every other shard. Offers
 * are made only by games that have waited, i.e. when traffic is low, so newcomers never fan out.
 */
export function offerTargets(gameRegion: Region, ownShard: string, perRegion: number, to: 1 | 2): string[] {
  const regions = to === 1 ? [gameRegion, ...NEIGHBOURS[gameRegion]] : [...REGIONS];
  return regions.flatMap((r) => Array.from({ length: perRegion }, (_, i) => matchShardName(r, i))).filter((n) => n !== ownShard);
}

/** When a waiting game opened at `openedAt` next widens its reach (null: it reaches everyone). */
export function nextWidening(openedAt: number, now: number, cfg: WidenConfig): number | null {
  const r = reach(openedAt, now, cfg);
  return r === 0 ? openedAt + cfg.widenAfterMs : r === 1 ? openedAt + cfg.anyAfterMs : null;
}

/** Name of a region's matchmaking shard i. */
export function matchShardName(region: Region, i: number): string {
  return `match:${region}:${i}`;
}

/** Name of live-games shard i. */
export function liveShardName(i: number): string {
  return `live:${i}`;
}
