import { createDb } from "../../db/client";
import { recordMatch } from "../../db/matches";
import type { GameEnv } from "../env";
import { liveShardFor } from "../matchmaker/routing";
import { logEvent } from "../../observability/log";
import { SessionMetrics } from "../../observability/metrics/session-metrics";
import type { SessionHooks } from "./hooks";
import type { SessionRecord } from "./record";

/** The production wiring of a GameSession's hooks: D1 rows and the live-games list. */
export function createSessionHooks(env: GameEnv): SessionHooks {
  // Metrics hooks (counted in memory, reported in batches; see src/observability/metrics/session-metrics.ts).
  const metrics = new SessionMetrics(env);
  return {
    ...metrics.hooks,

    async recordResult(rec: SessionRecord): Promise<void> {
      const result = rec.result;
      if (!result || result.reason === "abandoned" || result.winnerSeat === null) return;
      const winner = rec.seats[result.winnerSeat];
      if (!winner) return;
      const players = rec.seats.flatMap((s, seat) => (s ? [{ userId: s.userId, seat, side: s.side, score: result.scores[seat] ?? 0 }] : []));
      await recordMatch(createDb(env.DB), {
        id: rec.gameId,
        mode: rec.tournament ? "tournament" : rec.mode,
        players,
        winnerId: winner.userId,
        reason: result.reason,
        startedAt: rec.startedAt ?? rec.createdAt,
        endedAt: rec.endedAt ?? Date.now(),
        tournamentId: rec.tournament?.tournamentId ?? null,
      });
    },

    /** Tells the tournament; any answer (applied, duplicate, stale) acknowledges, a throw is retried. */
    async reportResult(rec: SessionRecord): Promise<void> {
      const link = rec.tournament;
      const result = rec.result;
      if (!link || !result) return;
      const winner = result.winnerSeat !== null ? (rec.seats[result.winnerSeat]?.userId ?? null) : null;
      const stub = env.TOURNAMENT.get(env.TOURNAMENT.idFromName(link.tournamentId));
      const outcome = await stub.reportResult({
        tournamentId: link.tournamentId,
        matchId: link.matchId as "sf1" | "sf2" | "final",
        gameId: rec.gameId,
        winnerUserId: winner,
        scores: result.scores,
        reason: result.reason,
      });
      if (outcome !== "applied" && outcome !== "duplicate") {
        logEvent("warn", "tournament.report_ignored", { gameId: rec.gameId, tournamentId: link.tournamentId, reason: outcome });
      }
    },

    onSaved(rec: SessionRecord): void {
      metrics.hooks.onSaved(rec);
      // Best effort and off the hot path: the live list is advisory, sessions stay authoritative.
      const stub = liveShardFor(env, rec.gameId);
      stub
        .gameUpdated({
          gameId: rec.gameId,
          mode: rec.mode,
          phase: rec.phase,
          players: rec.seats.flatMap((s) => (s ? [s.username] : [])),
          userIds: rec.seats.flatMap((s) => (s ? [s.userId] : [])),
          scores: [...rec.game.scores],
          updatedAt: Date.now(),
        })
        .catch((err: unknown) => logEvent("warn", "matchmaker.update_failed", { gameId: rec.gameId, error: err }));
    },
  };
}
