import { FRAME_BURST, FRAME_RATE_PER_S } from "../../shared/protocol/limits";

/**
 * One socket's frame budget: a token bucket (sustained rate + burst). Every frame takes a token,
 * whatever it is; `take` answers false when none is left (the caller closes the socket). Pure:
 * `now` is a parameter. Kept in memory only: after hibernation a socket starts with a full
 * bucket, which costs at most one burst per hibernation.
 */
export class FrameBudget {
  private tokens: number;
  private last: number;

  constructor(
    now: number,
    private readonly ratePerS: number = FRAME_RATE_PER_S,
    private readonly burst: number = FRAME_BURST,
  ) {
    this.tokens = ratePerS + burst;
    this.last = now;
  }

  take(now: number): boolean {
    const elapsed = now > this.last ? now - this.last : 0;
    this.last = now;
    this.tokens = Math.min(this.ratePerS + this.burst, this.tokens + (elapsed * this.ratePerS) / 1000);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
