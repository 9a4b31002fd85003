/** Session handles (schema: `sessions`): created at sign-in, checked on every use, deleted to revoke. */
import { and, eq, gt, lte, ne } from "drizzle-orm";
import { createDb } from "./client";
import { sessions, users } from "./schema";

export async function insertSession(d1: D1Database, row: { id: string; userId: string; createdAt: number; expiresAt: number }): Promise<void> {
  const db = createDb(d1);
  // Sign-in is the moment to forget this user's expired handles (keeps the table small without a cron).
  await db.batch([
    db.delete(sessions).where(and(eq(sessions.userId, row.userId), lte(sessions.expiresAt, row.createdAt))),
    db.insert(sessions).values(row),
  ]);
}

/** True while the session exists, belongs to `userId` and has not expired. */
export async function sessionActive(d1: D1Database, id: string, userId: string, now = Date.now()): Promise<boolean> {
  const row = await createDb(d1)
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.id, id), eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
    .get();
  return row !== undefined;
}

export async function deleteSession(d1: D1Database, id: string): Promise<void> {
  await createDb(d1).delete(sessions).where(eq(sessions.id, id)).run();
}

/**
 * A new password and the end of every other session of the user, in one batch: no window in
 * which the new password is set but a stolen session still works.
 */
export async function changePasswordKeepingSession(
  d1: D1Database,
  userId: string,
  password: { hash: string; salt: string; iterations: number; algorithm: string },
  keepSessionId: string,
): Promise<void> {
  const db = createDb(d1);
  await db.batch([
    db.update(users).set({ passwordHash: password.hash, salt: password.salt, iterations: password.iterations, algorithm: password.algorithm }).where(eq(users.id, userId)),
    db.delete(sessions).where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId))),
  ]);
}
