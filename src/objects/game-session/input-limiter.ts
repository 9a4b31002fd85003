import { FRAME_BURST, FRAME_RATE_PER_S } from "../../shared/protocol/limits";

/**
 * Token bucket per socket for input frames: a sustained rate with a small burst. Dropped frames
 * are counted over a one-second window; a client that keeps flooding is reported as abusive.
 * Kept in memory only: after hibernation a socket starts with a full bucket, which is harmless.
 */
export class InputLimiter {
  private tokens: number;
  private last: number;
  private windowStart: number;
  private dropsInWindow = 0;

  constructor(
    now: number,
    private readonly ratePerS = FRAME_RATE_PER_S,
    private readonly burst = FRAME_BURST,
    private readonly abuseDropsPerS = 120,
  ) {
    this.tokens = ratePerS + burst;
    this.last = now;
    this.windowStart = now;
  }

  /** "ok": process the frame; "drop": ignore it; "abuse": close the socket. */
  take(now: number): "ok" | "drop" | "abuse" {
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.ratePerS + this.burst, this.tokens + (elapsed * this.ratePerS) / 1000);
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.dropsInWindow = 0;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return "ok";
    }
    this.dropsInWindow++;
    return this.dropsInWindow > this.abuseDropsPerS ? "abuse" : "drop";
  }

  /** Whether this drop is the first in its window (to send at most one error per second). */
  get firstDropInWindow(): boolean {
    return this.dropsInWindow === 1;
  }
}
