/** The Tournament object's D1 writes: its row, and who is in it (one live tournament per player). */
import { and, eq } from "drizzle-orm";
import { createDb, isUniqueViolation } from "../../db/client";
import { tournamentPlayers, tournaments } from "../../db/schema";

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
