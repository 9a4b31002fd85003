import { DurableObject } from "cloudflare:workers";
import type { Mode } from "../../shared/engine/types";
import { gameIdFromBytes } from "../../shared/ids";
import type { LiveGame, PlayResult } from "../../shared/protocol/http";
import type { SessionPhase } from "../../shared/protocol/messages";
import type { SessionStatus } from "../game-session/game-session";
import { logEvent } from "../../observability/log";

export type { LiveGame };
import { locationHintFor, type LocationHint } from "./location-hint";

export interface PlayerRef {
  id: string;
  username: string;
}



const ENDED: readonly SessionPhase[] = ["finished", "abandoned"];

/**
 * Pairs players into game sessions. One object (named "global") holds, per mode, the public
 * game that still has free seats, and for each player the game they are seated in, so a player
 * asking again gets their live game back instead of a second seat. Its calls are serialized by
 * an in-memory queue: they await other objects, and two players must not both open a game.
 * It also keeps the list of live games that spectators pick from; sessions push their changes.
 */
export class Matchmaker extends DurableObject<Env> {
  private queue: Promise<unknown> = Promise.resolve();

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Public matchmaking: the player's live game, a waiting game's free seat, or a new game. */
  play(user: PlayerRef, mode: Mode, cf?: { continent?: string; country?: string; longitude?: string }): Promise<PlayResult> {
    return this.serialize(async () => {
      const existing = await this.liveGameOf(user.id);
      if (existing) return { ok: true, gameId: existing.gameId, seat: existing.players.findIndex((p) => p.userId === user.id), status: "existing" };

      const openKey = `open:${mode}`;
      const openId = await this.ctx.storage.get<string>(openKey);
      if (openId) {
        const claim = await this.session(openId).claimSeat(user);
        if (claim.ok) {
          await this.ctx.storage.put(`user:${user.id}`, openId);
          const status = await this.session(openId).status();
          if (status.seatsTaken >= status.seatsTotal) await this.ctx.storage.delete(openKey);
          logEvent("info", "match.paired", { gameId: openId, userId: user.id, mode }, "matchmaker");
          return { ok: true, gameId: openId, seat: claim.seat, status: "matched" };
        }
        await this.ctx.storage.delete(openKey);
      }
      const created = await this.createGame(user, mode, false, locationHintFor(cf));
      if (created.ok) await this.ctx.storage.put(openKey, created.gameId);
      return created;
    });
  }

  /** A private game whose id is the join code. */
  createPrivate(user: PlayerRef, mode: Mode, cf?: { continent?: string; country?: string; longitude?: string }): Promise<PlayResult> {
    return this.serialize(async () => {
      const existing = await this.liveGameOf(user.id);
      if (existing) return { ok: true, gameId: existing.gameId, seat: existing.players.findIndex((p) => p.userId === user.id), status: "existing" };
      return this.createGame(user, mode, true, locationHintFor(cf));
    });
  }

  /** Joins a game by its id (private code or any waiting game). */
  join(user: PlayerRef, gameId: string): Promise<PlayResult> {
    return this.serialize(async () => {
      const existing = await this.liveGameOf(user.id);
      if (existing && existing.gameId !== gameId) return { ok: false, reason: "already_playing" };
      const claim = await this.session(gameId).claimSeat(user);
      if (!claim.ok) return claim;
      await this.ctx.storage.put(`user:${user.id}`, gameId);
      return { ok: true, gameId, seat: claim.seat, status: "matched" };
    });
  }

  /** Leaves the queue: gives up the seat of a game that has not started. */
  leave(user: PlayerRef): Promise<{ left: boolean; gameId: string | null }> {
    return this.serialize(async () => {
      const gameId = await this.ctx.storage.get<string>(`user:${user.id}`);
      if (!gameId) return { left: false, gameId: null };
      const left = await this.session(gameId).releaseSeat(user.id);
      if (left) await this.ctx.storage.delete(`user:${user.id}`);
      return { left, gameId };
    });
  }

  /** Sessions push their phase changes here (live list, and freeing players of ended games). */
  async gameUpdated(game: LiveGame & { userIds: string[] }): Promise<void> {
    const key = `live:${game.gameId}`;
    if (ENDED.includes(game.phase)) {
      await this.ctx.storage.delete(key);
      for (const id of game.userIds) {
        if ((await this.ctx.storage.get<string>(`user:${id}`)) === game.gameId) await this.ctx.storage.delete(`user:${id}`);
      }
      for (const mode of ["2p", "4p"] as const) {
        if ((await this.ctx.storage.get<string>(`open:${mode}`)) === game.gameId) await this.ctx.storage.delete(`open:${mode}`);
      }
      return;
    }
    const { userIds: _ignored, ...live } = game;
    await this.ctx.storage.put(key, live);
  }

  async liveGames(limit = 50): Promise<LiveGame[]> {
    const entries = await this.ctx.storage.list<LiveGame>({ prefix: "live:", limit: 500 });
    return [...entries.values()]
      .filter((g) => g.phase !== "waiting")
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .slice(0, limit);
  }

  // ---------------------------------------------------------------- helpers

  private session(gameId: string, locationHint?: LocationHint) {
    const id = this.env.GAME_SESSION.idFromName(gameId);
    return this.env.GAME_SESSION.get(id, locationHint ? { locationHint } : undefined);
  }

  private async createGame(user: PlayerRef, mode: Mode, isPrivate: boolean, hint: LocationHint | undefined): Promise<PlayResult> {
    const gameId = gameIdFromBytes(crypto.getRandomValues(new Uint8Array(8)));
    const stub = this.session(gameId, hint);
    await stub.init({ gameId, mode, isPrivate });
    const claim = await stub.claimSeat(user);
    if (!claim.ok) return claim;
    await this.ctx.storage.put(`user:${user.id}`, gameId);
    logEvent("info", "match.opened", { gameId, userId: user.id, mode, isPrivate, locationHint: hint }, "matchmaker");
    return { ok: true, gameId, seat: claim.seat, status: "waiting" };
  }

  /** The game the user is seated in, if it is still live (stale entries are dropped). */
  private async liveGameOf(userId: string): Promise<SessionStatus | null> {
    const gameId = await this.ctx.storage.get<string>(`user:${userId}`);
    if (!gameId) return null;
    let status: SessionStatus | null = null;
    try {
      status = await this.session(gameId).status();
    } catch {
      status = null; // cleaned up: storage gone
    }
    const seated = status?.players.find((p) => p.userId === userId);
    if (!status || ENDED.includes(status.phase) || !seated || seated.out) {
      await this.ctx.storage.delete(`user:${userId}`);
      return null;
    }
    return status;
  }
}
