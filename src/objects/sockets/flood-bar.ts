import { FLOOD_BAR_MS } from "../../shared/protocol/limits";

/**
 * Users one object refuses for a while because a socket of theirs was closed for its frames
 * (issue 12.1: the frame budget ends one socket; this ends the reconnect loop behind it). Pure:
 * `now` is a parameter. In memory only: an object that is evicted forgets it, which takes being
 * idle, and a flooder is not idle.
 */
export class FloodBar {
  private readonly until = new Map<string, number>();

  constructor(private readonly barMs: number = FLOOD_BAR_MS) {}

  bar(userId: string, now: number): void {
    this.until.set(userId, now + this.barMs);
    // Bounded: expired entries go whenever the map grows (a flood of accounts cannot grow it forever).
    if (this.until.size > 1000) for (const [id, t] of this.until) if (t <= now) this.until.delete(id);
  }

  /** Milliseconds `userId` is still refused (0: not barred). */
  remainingMs(userId: string, now: number): number {
    const t = this.until.get(userId);
    if (t === undefined) return 0;
    if (t <= now) {
      this.until.delete(userId);
      return 0;
    }
    return t - now;
  }
}
