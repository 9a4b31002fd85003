import { DurableObject } from "cloudflare:workers";
import type { Mode } from "../../shared/engine/types";
import { gameIdFromBytes } from "../../shared/ids";
import type { LiveGame, PlayResult } from "../../shared/protocol/http";
import type { SessionPhase } from "../../shared/protocol/messages";
import { logEvent } from "../../observability/log";
import { rankOpenGames, shardsToAsk, type OpenGame, type Region } from "./regions";
import { liveShardFor, matchConfig, matchShard } from "./routing";
import { SerialQueue } from "./serial";

export type { LiveGame };

export interface PlayerRef {
  id: string;
  username: string;
}

const ENDED: readonly SessionPhase[] = ["finished", "abandoned"];

/**
 * One matchmaking shard. Its name says its job (src/objects/matchmaker/regions.ts):
 * - `match:<region>:<i>`: pairs the players of one region (shard i of MATCH_SHARDS_PER_REGION).
 *   It holds, per mode, the public game of its region that still has free seats. A newcomer takes
 *   a seat there; if there is none, it asks the other shards for their waiting games, nearest
 *   region first, and takes a seat in one that accepts it (neighbours after MATCH_WIDEN_AFTER_S,
 *   anyone after MATCH_ANY_AFTER_S); else it opens a game in its own region (locationHint).
 *   The GameSession's claimSeat is the arbiter: two shards racing for one seat, one wins.
 * - `live:<i>`: one shard of the live-games list (games hash to a shard by id; readers merge).
 * Which game a player is in is kept per user (PlayerDirectory), not here.
 */
export class Matchmaker extends DurableObject<Env> {
  private serial = new SerialQueue();

  /** Public matchmaking for a player of this shard's region (called by the player's directory). */
  play(user: PlayerRef, mode: Mode, region: Region): Promise<PlayResult> {
    return this.serial.run(async () => {
      const cfg = matchConfig(this.env);
      const own = await this.ctx.storage.get<OpenGame>(`open:${mode}`);
      if (own) {
        const seat = await this.tryClaim(own, user, mode, region);
        if (seat) return seat;
      }
      const name = this.ctx.id.name ?? "";
      const others = await Promise.all(
        shardsToAsk(region, name, cfg.perRegion).map((shard) =>
          matchShard(this.env, shard)
            .openGame(mode)
            .then((g): (OpenGame & { shard: string }) | null => (g ? { gameId: g.gameId, region: g.region, openedAt: g.openedAt, shard } : null))
            .catch(() => null),
        ),
      );
      const found = others.filter((g) => g !== null);
      for (const g of rankOpenGames(found, region, Date.now(), cfg) as (OpenGame & { shard: string })[]) {
        const seat = await this.tryClaim(g, user, mode, region, g.shard);
        if (seat) return seat;
      }
      const created = await this.createGame(user, mode, false, region);
      if (created.ok) await this.ctx.storage.put<OpenGame>(`open:${mode}`, { gameId: created.gameId, region, openedAt: Date.now() });
      return created;
    });
  }

  /** A private game whose id is the join code, placed in the creator's region. */
  createPrivate(user: PlayerRef, mode: Mode, region: Region): Promise<PlayResult> {
    return this.serial.run(() => this.createGame(user, mode, true, region));
  }

  /** This shard's waiting public game of a mode (asked by other shards; no queueing). */
  async openGame(mode: Mode): Promise<OpenGame | null> {
    return (await this.ctx.storage.get<OpenGame>(`open:${mode}`)) ?? null;
  }

  /** Another shard filled (or found dead) this shard's waiting game. */
  async closeOpen(mode: Mode, gameId: string): Promise<void> {
    if ((await this.ctx.storage.get<OpenGame>(`open:${mode}`))?.gameId === gameId) await this.ctx.storage.delete(`open:${mode}`);
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

  /** A seat in a waiting game (this shard's, or `owner`'s); stale or full games are closed. */
  private async tryClaim(game: OpenGame, user: PlayerRef, mode: Mode, region: Region, owner?: string): Promise<PlayResult | null> {
    const close = () => (owner ? matchShard(this.env, owner).closeOpen(mode, game.gameId) : this.ctx.storage.delete(`open:${mode}`));
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

  private async createGame(user: PlayerRef, mode: Mode, isPrivate: boolean, region: Region): Promise<PlayResult> {
    const gameId = gameIdFromBytes(crypto.getRandomValues(new Uint8Array(8)));
    const stub = this.session(gameId, region);
    await stub.init({ gameId, mode, isPrivate });
    const claim = await stub.claimSeat(user);
    if (!claim.ok) return claim;
    await liveShardFor(this.env, gameId)
      .placed(gameId, region)
      .catch(() => undefined);
    logEvent("info", "match.opened", { gameId, userId: user.id, mode, isPrivate, locationHint: region }, "matchmaker");
    return { ok: true, gameId, seat: claim.seat, status: "waiting", region };
  }
}
