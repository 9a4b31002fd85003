/**
 * Retrying what must be durably recorded, for every object that owes something (a GameSession its
 * D1 row and tournament report, a Tournament its final status and its games' creation): pure
 * back-off arithmetic over a small state kept in the owner's storage record, so the schedule
 * survives eviction and restarts (the owner's alarm drives it).
 */
/** The first retry comes this soon after a failure; each further failure doubles the wait... */
export const RETRY_BASE_MS = 2_000;
/**
 * ...up to this cap. Kept under the metrics gauge lease (GAUGE_TTL_S, 10 min): each retry saves
 * the record and so re-reports `pong_results_pending` before its lease runs out.
 */
export const RETRY_MAX_MS = 300_000;

/** How many attempts have failed, and when the next one is due (epoch ms). */
export interface RetryState {
  attempts: number;
  nextAt: number;
}

/** Wait after the `attempts`-th consecutive failure (1-based): 2 s, 4 s, 8 s ... capped at 5 min. */
export function retryDelayMs(attempts: number): number {
  const exp = Math.min(Math.max(attempts, 1) - 1, 30);
  return Math.min(RETRY_BASE_MS * 2 ** exp, RETRY_MAX_MS);
}

/** The state after one more failure at `now`. */
export function afterFailure(prev: RetryState | null | undefined, now: number): RetryState {
  const attempts = (prev?.attempts ?? 0) + 1;
  return { attempts, nextAt: now + retryDelayMs(attempts) };
}
