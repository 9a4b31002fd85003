import { createDb } from "../../db/client";
import { recordMatch, RecordMatchError } from "../../db/matches";
import { liveShardFor } from "../matchmaker/routing";
import { logEvent } from "../../observability/log";
import { SessionMetrics } from "../../observability/metrics/session-metrics";
import type { SessionHooks } from "./hooks";
import type { SessionRecord } from "./record";
import { liveListUpdate, NOTHING_TOLD } from "./live-list";

/**
 * The production wiring of a GameSession's hooks: D1 rows, tournament reports, the live-games
 * list, logs and metrics. The one game-session file that imports db, log and metrics.
 */
export function createSessionHooks(env: Env): SessionHooks {
  // Metrics hooks (counted in memory, reported in batches; see src/observability/metrics/session-metrics.ts).
  const metrics = new SessionMetrics(env);
  // The live score last told to the tournament: saves that change neither score nor phase send nothing.
  let toldScore = "";
  // What the live-games list last heard (live-list.ts: shape at once, scores at most every 15 s).
  let toldLive = NOTHING_TOLD;
  return {
    ...metrics.hooks,

    log(level, event, fields) {
      logEvent(level, event, fields);
    },

    async recordResult(rec: SessionRecord): Promise<boolean> {
      try {
        await writeMatchRow(env, rec);
        return true;
      } catch (err) {
        logEvent("error", "game.record_failed", { gameId: rec.gameId, error: err });
        // A row D1 can never take (e.g. an account deleted meanwhile) is not retried forever.
        return err instanceof RecordMatchError;
      }
    },

    /** Tells the tournament; any answer (applied, duplicate, stale) acknowledges, a throw is retried. */
    async reportResult(rec: SessionRecord): Promise<void> {
      try {
        await reportToTournament(env, rec);
      } catch (err) {
        logEvent("error", "game.report_failed", { gameId: rec.gameId, error: err });
        throw err;
      }
    },

    onSaved(rec: SessionRecord): void {
      metrics.hooks.onSaved(rec);
      toldScore = reportLiveScore(env, rec, toldScore);
      // Best effort and off the hot path: the live list is advisory, sessions stay authoritative.
      const now = Date.now();
      const told = liveListUpdate(rec, toldLive, now);
      if (!told) return;
      toldLive = told;
      liveShardFor(env, rec.gameId)
        .gameUpdated({
          gameId: rec.gameId,
          mode: rec.mode,
          phase: rec.phase,
          players: rec.seats.flatMap((s) => (s ? [s.username] : [])),
          userIds: rec.seats.flatMap((s) => (s ? [s.userId] : [])),
          scores: [...rec.timeline.state.scores],
          updatedAt: now,
        })
        .catch((err: unknown) => {
          toldLive = NOTHING_TOLD; // the next save tells it again
          logEvent("warn", "matchmaker.update_failed", { gameId: rec.gameId, error: err });
        });
    },
  };
}

async function writeMatchRow(env: Env, rec: SessionRecord): Promise<void> {
  const result = rec.result;
  // No row (no rating, no win) for a walkover that is not a real match (rules.realMatch).
  if (!result || result.reason === "abandoned" || result.winnerSeat === null || result.rated === false) return;
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
    round: rec.tournament ? (rec.tournament.matchId === "final" ? "final" : "semi") : null,
  });
}

async function reportToTournament(env: Env, rec: SessionRecord): Promise<void> {
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
}

/**
 * A tournament game's score or phase changed: one RPC to the tournament, which pushes it to the
 * hall (`match_score`). Best effort and never awaited: a lost report is corrected by the next
 * point or by the result. Returns the key of what was told.
 */
function reportLiveScore(env: Env, rec: SessionRecord, told: string): string {
  const link = rec.tournament;
  const phase = rec.phase;
  if (!link || (phase !== "countdown" && phase !== "playing" && phase !== "paused")) return told;
  const scores = [...rec.timeline.state.scores];
  const key = `${phase}:${scores.join(",")}`;
  if (key === told) return told;
  env.TOURNAMENT.get(env.TOURNAMENT.idFromName(link.tournamentId))
    .reportScore({ matchId: link.matchId as "sf1" | "sf2" | "final", gameId: rec.gameId, scores, phase })
    .catch((err: unknown) => logEvent("warn", "tournament.score_failed", { gameId: rec.gameId, tournamentId: link.tournamentId, error: err }));
  return key;
}
