import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Db = ReturnType<typeof createDb>;

/** A drizzle handle over the D1 binding (cheap; create one per request). */
export function createDb(d1: D1Database) {
  return drizzle(d1, { schema });
}

/** True when `err` (or any error in its cause chain) is a SQLite UNIQUE / PRIMARY KEY violation. */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const message = e instanceof Error ? e.message : String(e);
    if (/UNIQUE constraint failed|SQLITE_CONSTRAINT_UNIQUE|SQLITE_CONSTRAINT_PRIMARYKEY/i.test(message)) return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}
