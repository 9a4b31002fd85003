/**
 * The server's digests waiting to be compared with the client's simulation. Pure: no clock.
 *
 * A digest of the server's state at tick T (a point, a periodic check, a pause, an elimination,
 * the end) can be compared once this client knows every input the server applied before T.
 * Relayed inputs of the other seats come before it on the same ordered socket. The client's OWN
 * inputs are the exception: one still on its way up when the server took the digest reaches the
 * server after it, is applied late (at a tick >= T) and reported with `input_moved` (or refused
 * with `input_refused`) after the digest. Each digest carries the acks it was taken with (per seat,
 * the last input seq applied); so a claim waits exactly while an own input above this seat's ack,
 * stamped before T, has had no such notice. By cause, not by time: a latency spike that holds the
 * notice back for a second makes the claim wait a second, never a false mismatch. A claim also
 * waits while the simulation has not reached T (a spectator watching behind).
 */
import type { RollbackSession, Verdict } from "./rollback";

export interface DigestClaim {
  tick: number;
  digest: number;
  /** Per seat, the last input seq the server had applied when it took the digest. */
  acks: readonly number[];
  /** Which message made it (for logs and the resync request). */
  source: string;
}

export class DigestChecks {
  private queue: DigestClaim[] = [];
  matched = 0;
  mismatched = 0;
  /** Claims older than the history when their turn came (not comparable). */
  skipped = 0;

  add(claim: DigestClaim): void {
    this.queue.push(claim);
  }

  clear(): void {
    this.queue = [];
  }

  get size(): number {
    return this.queue.length;
  }

  /**
   * Compares every claim whose inputs are all known to `session`, as the player of `seat` (-1: a
   * spectator, who sends none). Returns the first mismatch (the caller asks for a sync and should
   * `clear()`), or null.
   */
  run(session: RollbackSession, seat: number): DigestClaim | null {
    let mismatch: DigestClaim | null = null;
    const keep: DigestClaim[] = [];
    for (const claim of this.queue) {
      if (mismatch || (seat >= 0 && session.awaitsOwnNotice(claim.tick, claim.acks[seat] ?? -1))) {
        keep.push(claim);
        continue;
      }
      const verdict: Verdict = session.verify(claim.tick, claim.digest);
      if (verdict === "pending") keep.push(claim);
      else if (verdict === "match") this.matched++;
      else if (verdict === "unknown") this.skipped++;
      else {
        this.mismatched++;
        mismatch = claim;
      }
    }
    this.queue = keep;
    return mismatch;
  }
}
