/**
 * Tournament rows: the Tournament object's writes (its row, who is in it: one live tournament per
 * player) and the Worker's reads (the open/running list, quick-join candidates).
 */
import { and, eq } from "drizzle-orm";
import type { TournamentListItem } from "../shared/protocol/http";
import { createDb, isUniqueViolation } from "./client";
import { tournamentPlayers, tournaments } from "./schema";

export async function upsertTournamentRow(
  d1: D1Database,
  row: { id: string; name: string; status: "pending" | "running" | "finished" | "cancelled"; createdAt: number; championId?: string | null; endedAt?: number | null },
): Promise<void> {
  const values = { id: row.id, name: row.name, status: row.status, createdAt: row.createdAt, championId: row.championId ?? null, endedAt: row.endedAt ?? null };
  await createDb(d1)
    .insert(tournaments)
    .values(values)
    .onConflictDoUpdate({ target: tournaments.id, set: { status: values.status, championId: values.championId, endedAt: values.endedAt } })
    .run();
}
/** Records the player in the tournament. false when they are already in another live one. */
export async function registerTournamentPlayer(d1: D1Database, tournamentId: string, userId: string): Promise<boolean> {
  try {
    await createDb(d1).insert(tournamentPlayers).values({ tournamentId, userId, active: 1, joinedAt: Date.now() }).onConflictDoNothing({ target: [tournamentPlayers.tournamentId, tournamentPlayers.userId] }).run();
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

export async function unregisterTournamentPlayer(d1: D1Database, tournamentId: string, userId: string): Promise<void> {
  await createDb(d1)
    .delete(tournamentPlayers)
    .where(and(eq(tournamentPlayers.tournamentId, tournamentId), eq(tournamentPlayers.userId, userId)))
    .run();
}

export async function markTournamentPlayersDone(d1: D1Database, tournamentId: string): Promise<void> {
  await createDb(d1).update(tournamentPlayers).set({ active: 0 }).where(eq(tournamentPlayers.tournamentId, tournamentId)).run();
}

/** Tournaments that have not ended, newest first, with their player counts (GET /api/tournaments). */
export async function liveTournaments(d1: D1Database, limit = 50): Promise<TournamentListItem[]> {
  const { results } = await d1
    .prepare(
      // D1 says "pending" for a tournament that has not started; the API says "open", as the chart does.
      `SELECT t.id, t.name, CASE t.status WHEN 'pending' THEN 'open' ELSE t.status END AS status,
              t.created_at AS createdAt, count(tp.user_id) AS players
         FROM tournaments t LEFT JOIN tournament_players tp ON tp.tournament_id = t.id
        WHERE t.status IN ('pending', 'running')
        GROUP BY t.id ORDER BY t.created_at DESC LIMIT ?`,
    )
    .bind(limit)
    .all<TournamentListItem>();
  return results;
}

/** Ids of tournaments that have not started, oldest first (quick-join tries them in order). */
export async function oldestOpenTournamentIds(d1: D1Database, limit = 10): Promise<string[]> {
  const rows = await createDb(d1)
    .select({ id: tournaments.id })
    .from(tournaments)
    .where(eq(tournaments.status, "pending"))
    .orderBy(tournaments.createdAt)
    .limit(limit)
    .all();
  return rows.map((r) => r.id);
}
