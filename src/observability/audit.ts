/**
 * Audit events: who signed in, who failed to, what the security checks refused. They are what an
 * operator needs after an attack, so a flood of ordinary events (an unauthenticated request flood
 * logs a line per request) must not push them out of a bounded log buffer: every buffer that
 * drops (the per-isolate outbox, the LogShipper's store) drops the oldest NON-audit events first,
 * and audit events only once the buffer holds nothing else.
 */
import type { LogLine } from "./log";

/** Event name prefixes that are audit events. */
export const AUDIT_EVENT_PREFIXES = ["auth.", "security.", "ratelimit."] as const;

export function isAuditEvent(event: unknown): boolean {
  return typeof event === "string" && AUDIT_EVENT_PREFIXES.some((p) => event.startsWith(p));
}

/**
 * SQL condition (SQLite, JSON in column `doc`) true for a NON-audit event: the LogShipper deletes
 * among these first. Built from AUDIT_EVENT_PREFIXES (constants, no user input).
 */
export const NON_AUDIT_SQL = AUDIT_EVENT_PREFIXES.map((p) => `coalesce(json_extract(doc, '$.event'), '') NOT LIKE '${p.replace(/[%_]/g, "\\$&")}%' ESCAPE '\\'`).join(" AND ");

/**
 * Trims `queue` to `max` lines in place: the oldest non-audit lines go first, then (only if audit
 * lines alone exceed `max`) the oldest audit lines. Returns how many were dropped.
 */
export function trimKeepingAudit(queue: LogLine[], max: number): number {
  let over = queue.length - max;
  if (over <= 0) return 0;
  const dropped = over;
  for (let i = 0; i < queue.length && over > 0; ) {
    if (!isAuditEvent(queue[i].event)) {
      queue.splice(i, 1);
      over -= 1;
    } else i += 1;
  }
  if (over > 0) queue.splice(0, over);
  return dropped;
}
