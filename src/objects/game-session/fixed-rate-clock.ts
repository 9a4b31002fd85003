/**
 * Fixed-rate scheduling for the tick loop: the next tick time advances by exactly one period,
 * never by "now + period", so the loop does not drift. A late wake-up runs the ticks it missed in
 * fixed steps, up to a catch-up limit; beyond that the clock skips ahead (a long stall must not
 * turn into a burst of fast-forwarded play).
 */
export interface DueTicks {
  /** Ticks to simulate now. */
  steps: number;
  /** How late the first due tick ran against its schedule, in ms (0 when early or on time). */
  latenessMs: number;
  /** Ticks dropped because the loop fell further behind than the catch-up limit. */
  skipped: number;
}

export class FixedRateClock {
  readonly periodMs: number;
  private nextAt: number;

  constructor(hz: number, startAt: number, private readonly maxCatchUp = 5) {
    this.periodMs = 1000 / hz;
    this.nextAt = startAt;
  }

  /** Time the next tick is due (epoch ms, fractional). */
  get nextTickAt(): number {
    return this.nextAt;
  }

  /** Called when the driver wakes at `now`: how many ticks are due, and how late they are. */
  due(now: number): DueTicks {
    if (now < this.nextAt) return { steps: 0, latenessMs: 0, skipped: 0 };
    const latenessMs = now - this.nextAt;
    const behind = Math.floor(latenessMs / this.periodMs) + 1;
    const steps = Math.min(behind, this.maxCatchUp);
    this.nextAt += behind * this.periodMs;
    return { steps, latenessMs, skipped: behind - steps };
  }

  /** Restart the schedule at `startAt` (after a pause or a revival). */
  reset(startAt: number): void {
    this.nextAt = startAt;
  }
}
