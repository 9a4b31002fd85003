import { DurableObject } from "cloudflare:workers";
import type { Mode } from "../../shared/engine/types";
import type { PlayResult } from "../../shared/protocol/http";
import type { SessionPhase } from "../../shared/protocol/messages";
import type { SessionStatus } from "../game-session/game-session";
import type { PlayerRef } from "./matchmaker";
import { regionFor, type Region } from "./regions";
import { liveShardFor, matchShardFor } from "./routing";
import { SerialQueue } from "./serial";

type CfLocation = { continent?: string; country?: string; longitude?: string };

const ENDED: readonly SessionPhase[] = ["finished", "abandoned"];

interface Seated {
  gameId: string;
  region: Region | null;
}

/**
 * One object per user (named by the user id): the game they are seated in. It keeps the rule
 * "one live game per player" across all matchmaking shards without a global object: every play,
 * create, join and leave of a user goes through their own directory, one call at a time. The
 * entry is advisory; the GameSession is the authority (an entry whose game ended, or where the
 * user is out, is dropped on the next call).
 */
export class PlayerDirectory extends DurableObject<Env> {
  private serial = new SerialQueue();

  /** `cf`: the request's location (request.cf fields); the player's region is derived from it. */
  play(user: PlayerRef, mode: Mode, cf?: CfLocation): Promise<PlayResult> {
    const region = regionFor(cf);
    return this.serial.run(async () => {
      const existing = await this.existing(user.id);
      if (existing) return existing;
      return this.remember(await matchShardFor(this.env, region, user.id).play(user, mode, region));
    });
  }

  createPrivate(user: PlayerRef, mode: Mode, cf?: CfLocation): Promise<PlayResult> {
    const region = regionFor(cf);
    return this.serial.run(async () => {
      const existing = await this.existing(user.id);
      if (existing) return existing;
      return this.remember(await matchShardFor(this.env, region, user.id).createPrivate(user, mode, region));
    });
  }

  /** Joins a game by its id (private code or any waiting game). */
  join(user: PlayerRef, gameId: string): Promise<PlayResult> {
    return this.serial.run(async () => {
      const existing = await this.existing(user.id);
      if (existing && existing.ok && existing.gameId !== gameId) return { ok: false, reason: "already_playing" };
      const claim = await this.session(gameId).claimSeat(user);
      if (!claim.ok) return claim;
      const region = await liveShardFor(this.env, gameId)
        .regionOf(gameId)
        .catch(() => null);
      return this.remember({ ok: true, gameId, seat: claim.seat, status: "matched", ...(region ? { region } : {}) });
    });
  }

  /** Leaves the queue: gives up the seat of a game that has not started. */
  leave(user: PlayerRef): Promise<{ left: boolean; gameId: string | null }> {
    return this.serial.run(async () => {
      const seated = await this.ctx.storage.get<Seated>("seated");
      if (!seated) return { left: false, gameId: null };
      const left = await this.session(seated.gameId).releaseSeat(user.id);
      if (left) await this.ctx.storage.delete("seated");
      return { left, gameId: seated.gameId };
    });
  }

  // ---------------------------------------------------------------- helpers

  private session(gameId: string) {
    return this.env.GAME_SESSION.get(this.env.GAME_SESSION.idFromName(gameId));
  }

  private async remember(result: PlayResult): Promise<PlayResult> {
    if (result.ok) await this.ctx.storage.put<Seated>("seated", { gameId: result.gameId, region: (result.region as Region | undefined) ?? null });
    return result;
  }

  /** The user's live game as an "existing" answer, or null (a stale entry is dropped). */
  private async existing(userId: string): Promise<PlayResult | null> {
    const seated = await this.ctx.storage.get<Seated>("seated");
    if (!seated) return null;
    let status: SessionStatus | null = null;
    try {
      status = await this.session(seated.gameId).status();
    } catch {
      status = null; // cleaned up: storage gone
    }
    const seat = status ? status.players.findIndex((p) => p.userId === userId) : -1;
    if (!status || ENDED.includes(status.phase) || seat < 0 || status.players[seat].out) {
      await this.ctx.storage.delete("seated");
      return null;
    }
    return { ok: true, gameId: seated.gameId, seat, status: "existing", ...(seated.region ? { region: seated.region } : {}) };
  }
}
