import { DurableObject } from "cloudflare:workers";
import type { Mode } from "../../shared/engine/types";
import { gameIdFromBytes } from "../../shared/ids";
import { GAME_ID_USED } from "../game-session/rules";
import type { LiveGame, PlayResult } from "../../shared/protocol/http";
import type { SessionPhase } from "../../shared/protocol/messages";
import { logEvent } from "../../observability/log";
import { shardOf } from "../../shared/shard";
import { matchShardName, nextWidening, offerTargets, rankOpenGames, reach, type OpenGame, type Region } from "./regions";
import { liveShardFor, matchConfig, matchShard } from "./routing";
import { SerialQueue } from "./serial";

export type { LiveGame };

export interface PlayerRef {
  id: string;
  username: string;
}

const ENDED: readonly SessionPhase[] = ["finished", "abandoned"];
const MODES: readonly Mode[] = ["2p", "4p"];
/** An offer older than this is dropped unclaimed (its game has long been filled or abandoned). */
const OFFER_MAX_AGE_MS = 10 * 60_000;

/** This shard's waiting public game of a mode, and how far it has been offered (see reach()). */
interface WaitingGame extends OpenGame {
  offered: 0 | 1 | 2;
  shard: string;
}

/** A waiting game of another shard (`shard`), offered to this one. */
interface Offer extends OpenGame {
  shard: string;
}

/**
 * One matchmaking shard. Its name says its job (src/objects/matchmaker/regions.ts):
 * - `match:<region>:<i>`: pairs the players of one region (shard i of MATCH_SHARDS_PER_REGION).
 *   It holds, per mode, the public game of its region that still has free seats. A newcomer takes
 *   a seat there; if there is none, a seat in a waiting game another shard offered here (nearest
 *   region first); else it opens a game in its own region (locationHint). A waiting game is offered
 *   by alarm to its region's other shards and the neighbouring regions' after MATCH_WIDEN_AFTER_S,
 *   to every shard after MATCH_ANY_AFTER_S. The GameSession's claimSeat is the arbiter: two
 *   shards racing for one seat, one wins.
 * - `live:<i>`: one shard of the live-games list (games hash to a shard by id; readers merge).
 * Which game a player is in is kept per user (PlayerDirectory), not here.
 */
export class Matchmaker extends DurableObject<Env> {
  private serial = new SerialQueue();

  /** Public matchmaking for a player of this shard's region (called by the player's directory). */
  play(user: PlayerRef, mode: Mode, region: Region): Promise<PlayResult> {
    return this.serial.run(async () => {
      const cfg = matchConfig(this.env);
      const own = await this.ctx.storage.get<WaitingGame>(`open:${mode}`);
      if (own) {
        const seat = await this.tryClaim(own, user, mode, region, null);
        if (seat) return seat;
      }
      // Waiting games other shards offered here (they waited long enough to reach this region).
      const offers = await this.ctx.storage.list<Offer>({ prefix: `offer:${mode}:` });
      const now = Date.now();
      const stale = [...offers.entries()].filter(([, o]) => now - o.openedAt > OFFER_MAX_AGE_MS).map(([k]) => k);
      if (stale.length) await this.ctx.storage.delete(stale);
      for (const o of rankOpenGames([...offers.values()], region, now, cfg) as Offer[]) {
        const seat = await this.tryClaim(o, user, mode, region, o.shard);
        if (seat) return seat;
      }
      const created = await this.createGame(user, mode, false, region);
      if (created.ok) {
        const openedAt = Date.now();
        await this.ctx.storage.put<WaitingGame>(`open:${mode}`, { gameId: created.gameId, region, openedAt, offered: 0, shard: this.shardName(region, user.id) });
        await this.scheduleWidening(openedAt + cfg.widenAfterMs);
      }
      return created;
    });
  }

  /**
   * Widens this shard's waiting games: a game that has waited MATCH_WIDEN_AFTER_S is offered to its
   * region's other shards and the neighbouring regions' shards, after MATCH_ANY_AFTER_S to every
   * shard. Only games that wait (low traffic) cost these calls; newcomers never fan out.
   */
  override async alarm(): Promise<void> {
    await this.serial.run(async () => {
      const cfg = matchConfig(this.env);
      const now = Date.now();
      let next: number | null = null;
      for (const mode of MODES) {
        const g = await this.ctx.storage.get<WaitingGame>(`open:${mode}`);
        if (!g) continue;
        const r = reach(g.openedAt, now, cfg);
        if (r > g.offered) {
          const targets = offerTargets(g.region, g.shard, cfg.perRegion, r as 1 | 2);
          const offer: Offer = { gameId: g.gameId, region: g.region, openedAt: g.openedAt, shard: g.shard };
          await Promise.all(targets.map((t) => matchShard(this.env, t).offer(mode, offer).catch(() => undefined)));
          await this.ctx.storage.put<WaitingGame>(`open:${mode}`, { ...g, offered: r });
          logEvent("info", "match.widened", { gameId: g.gameId, mode, region: g.region, reach: r === 1 ? "neighbours" : "any", shards: targets.length }, "matchmaker");
        }
        const at = nextWidening(g.openedAt, now, cfg);
        if (at !== null) next = next === null ? at : Math.min(next, at);
      }
      if (next !== null) await this.ctx.storage.setAlarm(next);
    });
  }

  /** A private game whose id is the join code, placed in the creator's region. */
  createPrivate(user: PlayerRef, mode: Mode, region: Region): Promise<PlayResult> {
    return this.serial.run(() => this.createGame(user, mode, true, region));
  }

  /** Another shard's waiting game, offered here once it reaches this shard's players. */
  async offer(mode: Mode, game: Offer): Promise<void> {
    await this.ctx.storage.put<Offer>(`offer:${mode}:${game.gameId}`, game);
  }

  /** Another shard filled (or found dead) this shard's waiting game. */
  async closeOpen(mode: Mode, gameId: string): Promise<void> {
    if ((await this.ctx.storage.get<WaitingGame>(`open:${mode}`))?.gameId === gameId) await this.ctx.storage.delete(`open:${mode}`);
  }

  // ---------------------------------------------------------------- live-games shards

  /** Sessions push their phase changes to their game's live shard. */
  async gameUpdated(game: LiveGame & { userIds?: string[] }): Promise<void> {
    const key = `live:${game.gameId}`;
    if (ENDED.includes(game.phase)) {
      await this.ctx.storage.delete([key, `region:${game.gameId}`]);
      return;
    }
    const { userIds: _ignored, ...live } = game;
    const region = await this.ctx.storage.get<Region>(`region:${game.gameId}`);
    await this.ctx.storage.put(key, region ? { ...live, region } : live);
  }

  /** The creating shard records where a game runs (join answers and the live list show it). */
  async placed(gameId: string, region: Region): Promise<void> {
    await this.ctx.storage.put(`region:${gameId}`, region);
  }

  async regionOf(gameId: string): Promise<Region | null> {
    return (await this.ctx.storage.get<Region>(`region:${gameId}`)) ?? null;
  }

  /** This shard's live games, newest first (the route merges all shards). */
  async liveGames(limit = 50): Promise<LiveGame[]> {
    const entries = await this.ctx.storage.list<LiveGame>({ prefix: "live:", limit: 500 });
    return [...entries.values()]
      .filter((g) => g.phase !== "waiting")
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .slice(0, limit);
  }

  // ---------------------------------------------------------------- helpers

  private session(gameId: string, locationHint?: Region) {
    const id = this.env.GAME_SESSION.idFromName(gameId);
    return this.env.GAME_SESSION.get(id, locationHint ? { locationHint } : undefined);
  }

  /**
   * A seat in a waiting game: this shard's own (`owner` null) or one offered by `owner`. A game
   * that refuses (full, ended) or fills up is closed at its owner and its offer here dropped;
   * other shards' copies of the offer are dropped when they find it full.
   */
  private async tryClaim(game: OpenGame, user: PlayerRef, mode: Mode, region: Region, owner: string | null): Promise<PlayResult | null> {
    const close = async () => {
      if (owner === null) await this.ctx.storage.delete(`open:${mode}`);
      else {
        await this.ctx.storage.delete(`offer:${mode}:${game.gameId}`);
        await matchShard(this.env, owner)
          .closeOpen(mode, game.gameId)
          .catch(() => undefined);
      }
    };
    let claim;
    try {
      claim = await this.session(game.gameId).claimSeat(user);
    } catch {
      claim = { ok: false as const };
    }
    if (!claim.ok) {
      await close();
      return null;
    }
    const status = await this.session(game.gameId).status();
    if (status.seatsTaken >= status.seatsTotal) await close();
    logEvent("info", "match.paired", { gameId: game.gameId, userId: user.id, mode, region, gameRegion: game.region }, "matchmaker");
    return { ok: true, gameId: game.gameId, seat: claim.seat, status: "matched", region: game.region };
  }

  /** This shard's own name (`match:<region>:<i>`), as the player's directory chose it. */
  private shardName(region: Region, userId: string): string {
    return this.ctx.id.name ?? matchShardName(region, shardOf(userId, matchConfig(this.env).perRegion));
  }

  private async scheduleWidening(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  private async createGame(user: PlayerRef, mode: Mode, isPrivate: boolean, region: Region): Promise<PlayResult> {
    // A fresh id each try: init refuses an id whose game was cleaned up (its D1 row keeps it).
    let gameId = "";
    let stub: ReturnType<typeof this.session> | null = null;
    for (let attempt = 0; !stub; attempt++) {
      gameId = gameIdFromBytes(crypto.getRandomValues(new Uint8Array(8)));
      const candidate = this.session(gameId, region);
      try {
        await candidate.init({ gameId, mode, isPrivate });
        stub = candidate;
      } catch (err) {
        if (attempt >= 2 || !String(err).includes(GAME_ID_USED)) throw err;
      }
    }
    const claim = await stub.claimSeat(user);
    if (!claim.ok) return claim;
    // Not awaited: the live shard's copy of the region serves join answers and the live list only,
    // and this call runs inside the shard's one-at-a-time queue.
    void liveShardFor(this.env, gameId)
      .placed(gameId, region)
      .catch(() => undefined);
    logEvent("info", "match.opened", { gameId, userId: user.id, mode, isPrivate, locationHint: region }, "matchmaker");
    return { ok: true, gameId, seat: claim.seat, status: "waiting", region };
  }
}
