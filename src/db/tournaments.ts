/** Tournament rows (the tournament logic itself lives elsewhere). Both writes are idempotent. */
import { eq } from "drizzle-orm";
import type { Db } from "./client";
import { tournaments, type TournamentRow } from "./schema";

/** Creates the tournament unless a row with this id exists. Returns true when it inserted. */
export async function createTournament(
  db: Db,
  input: { id: string; name: string; status?: "pending" | "running"; createdAt?: number },
): Promise<boolean> {
  const res = await db
    .insert(tournaments)
    .values({ id: input.id, name: input.name, status: input.status ?? "pending", createdAt: input.createdAt ?? Date.now() })
    .onConflictDoNothing({ target: tournaments.id })
    .run();
  return res.meta.changes === 1;
}

/** Sets status (and champion / end time when finishing). */
export async function updateTournament(
  db: Db,
  id: string,
  patch: { status: TournamentRow["status"]; championId?: string | null; endedAt?: number | null },
): Promise<void> {
  await db
    .update(tournaments)
    .set({
      status: patch.status,
      ...(patch.championId !== undefined ? { championId: patch.championId } : {}),
      ...(patch.endedAt !== undefined ? { endedAt: patch.endedAt } : {}),
    })
    .where(eq(tournaments.id, id))
    .run();
}
