/**
 * The server's digests waiting to be compared with the client's simulation. Pure.
 *
 * A digest of the server's state at tick T (a point, a periodic check, a pause, an elimination,
 * the end) can only be compared once this client knows every input the server applied before T.
 * Relayed inputs come before it on the same ordered socket; the exception is the client's OWN
 * input still on its way up when the server sent the digest: the server applies it late and says
 * so with `input_moved`, up to a round trip after the digest arrived. So a claim waits a grace
 * period (the round trip plus its jitter) before it is compared, and while the simulation has not
 * reached T yet (a spectator watching behind).
 */
import type { RollbackSession, Verdict } from "./rollback";

export interface DigestClaim {
  tick: number;
  digest: number;
  /** Which message made it (for logs and the resync request). */
  source: string;
}

export class DigestChecks {
  private queue: { claim: DigestClaim; at: number }[] = [];
  matched = 0;
  mismatched = 0;
  /** Claims older than the history when their turn came (not comparable). */
  skipped = 0;

  add(claim: DigestClaim, now: number): void {
    this.queue.push({ claim, at: now });
  }

  clear(): void {
    this.queue = [];
  }

  get size(): number {
    return this.queue.length;
  }

  /**
   * Compares every claim that has waited `graceMs`. Returns the first mismatch (the caller asks
   * for a sync and should `clear()`), or null.
   */
  run(session: RollbackSession, now: number, graceMs: number): DigestClaim | null {
    let mismatch: DigestClaim | null = null;
    const keep: typeof this.queue = [];
    for (const item of this.queue) {
      if (mismatch || now - item.at < graceMs) {
        keep.push(item);
        continue;
      }
      const verdict: Verdict = session.verify(item.claim.tick, item.claim.digest);
      if (verdict === "pending") keep.push(item);
      else if (verdict === "match") this.matched++;
      else if (verdict === "unknown") this.skipped++;
      else {
        this.mismatched++;
        mismatch = item.claim;
      }
    }
    this.queue = keep;
    return mismatch;
  }
}
