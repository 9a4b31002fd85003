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
/**
 * How a join's D1 write went: `joined` (this call inserted the row: only this caller may delete
 * it again), `present` (the row was already there: a concurrent join of the same user to the same
 * tournament got in first; this caller must neither take the seat nor delete the row), `taken`
 * (the user is in another live tournament; the partial unique index refused the row).
 */
export type PlayerRegistration = "joined" | "present" | "taken";

/** Records the player in the tournament in one conditional INSERT (see PlayerRegistration). */
export async function registerTournamentPlayer(d1: D1Database, tournamentId: string, userId: string): Promise<PlayerRegistration> {
  try {
    const res = await createDb(d1).insert(tournamentPlayers).values({ tournamentId, userId, active: 1, joinedAt: Date.now() }).onConflictDoNothing({ target: [tournamentPlayers.tournamentId, tournamentPlayers.userId] }).run();
    return res.meta.changes === 1 ? "joined" : "present";
  } catch (err) {
    if (isUniqueViolation(err)) return "taken";
    throw err;
  }
}

/**
 * Creates a tournament's row and its creator's row in ONE D1 batch (a transaction): when the
 * creator is already in another live tournament the unique index refuses the second statement and
 * the whole batch rolls back, so a refused create leaves nothing behind (no empty listed tournament).
 * false: refused for that reason.
 */
export async function insertTournamentWithCreator(
  d1: D1Database,
  row: { id: string; name: string; createdAt: number },
  creatorId: string,
): Promise<boolean> {
  const db = createDb(d1);
  try {
    await db.batch([
      db.insert(tournaments).values({ id: row.id, name: row.name, status: "pending", createdAt: row.createdAt }),
      db.insert(tournamentPlayers).values({ tournamentId: row.id, userId: creatorId, active: 1, joinedAt: row.createdAt }),
    ]);
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

/** The live (not ended) tournament the user is in, if any: the Worker's check before creating one. */
export async function liveTournamentOf(d1: D1Database, userId: string): Promise<string | null> {
  const row = await createDb(d1)
    .select({ id: tournamentPlayers.tournamentId })
    .from(tournamentPlayers)
    .where(and(eq(tournamentPlayers.userId, userId), eq(tournamentPlayers.active, 1)))
    .get();
  return row?.id ?? null;
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
        GROUP BY t.id
       -- An open tournament nobody is in is on its way out (see Tournament.leave); never list it.
       HAVING t.status <> 'pending' OR count(tp.user_id) > 0
        ORDER BY t.created_at DESC LIMIT ?`,
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
