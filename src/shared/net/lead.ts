/**
 * How far ahead of the server a player's simulation runs (or, for a spectator, how far behind).
 * Pure: `now` is a parameter.
 *
 * A player stamps each input with the tick its own simulation is at. For the server to apply it
 * at that stamp, the input must arrive before the server's clock reaches it: the simulation runs
 * ahead of the server by the one-way latency (RTT / 2) plus a margin. The margin covers what the
 * RTT median does not: jitter and a skewed path. When the server reports an input applied late
 * (`input_moved`), the margin grows at once by how late it was plus a tick; it shrinks slowly
 * (after a quiet hold, a few ms per second) so a short burst of lateness does not leave the game
 * permanently laggier, and never below half the measured round-trip jitter. A spectator uses the
 * same controller the other way round: it watches `rtt/2 + margin` behind the server so every
 * relayed input arrives before the tick it is for; a relayed input that still comes too late
 * counts as "late".
 */

export interface LeadOptions {
  tickMs: number;
  /** Margin at the start and its floor. Defaults 20 ms and 8 ms. */
  initialMarginMs?: number;
  minMarginMs?: number;
  /** Ceiling of the margin. Default 250 ms. */
  maxMarginMs?: number;
  /** Quiet time after a raise before the margin starts to shrink. Default 3 s. */
  holdMs?: number;
  /** Shrink rate after the hold. Default 4 ms per second. */
  decayMsPerS?: number;
  /** Largest lead the server accepts (maxLeadTicks * tickMs); the lead stays two ticks below it. */
  maxLeadMs?: number;
}

export class LeadController {
  private margin: number;
  private readonly tickMs: number;
  private readonly minMargin: number;
  private readonly maxMargin: number;
  private readonly holdMs: number;
  private readonly decayPerMs: number;
  private readonly maxLeadMs: number;
  private lastRaiseAt = -Infinity;
  private lastUpdateAt: number | null = null;
  /** Times the margin was raised (for the stats). */
  raises = 0;

  constructor(options: LeadOptions) {
    this.tickMs = options.tickMs;
    this.minMargin = options.minMarginMs ?? 8;
    this.margin = Math.max(this.minMargin, options.initialMarginMs ?? 20);
    this.maxMargin = options.maxMarginMs ?? 250;
    this.holdMs = options.holdMs ?? 3000;
    this.decayPerMs = (options.decayMsPerS ?? 4) / 1000;
    this.maxLeadMs = options.maxLeadMs ?? Infinity;
  }

  /** An input (own, or for a spectator a relayed one) was `ticksLate` ticks late at `now`. */
  onLate(ticksLate: number, now: number): void {
    this.update(now);
    this.margin = Math.min(this.maxMargin, this.margin + (Math.max(0, ticksLate) + 1) * this.tickMs);
    this.lastRaiseAt = now;
    this.raises++;
  }

  /** The server refused a stamp as too far ahead: the lead overshoots (a bad clock estimate). */
  onTooEarly(now: number): void {
    this.update(now);
    this.margin = this.minMargin;
  }

  /**
   * The margin now (ms), after its slow decay, and never below half the round trip's jitter
   * (`jitterMs`: one leg's share; a delay that hits the way up alone is what makes an input late).
   */
  marginMs(now: number, jitterMs = 0): number {
    this.update(now);
    return Math.max(this.margin, Math.min(this.maxMargin, jitterMs / 2));
  }

  /** The lead (player) or delay (spectator) in ms: one-way latency plus the margin. */
  leadMs(rttMs: number, jitterMs: number, now: number): number {
    const lead = rttMs / 2 + this.marginMs(now, jitterMs);
    return Math.min(lead, this.maxLeadMs - 2 * this.tickMs);
  }

  private update(now: number): void {
    const last = this.lastUpdateAt ?? now;
    this.lastUpdateAt = now;
    const quietFrom = Math.max(last, this.lastRaiseAt + this.holdMs);
    if (now > quietFrom) this.margin = Math.max(this.minMargin, this.margin - (now - quietFrom) * this.decayPerMs);
  }
}

/**
 * The simulation's clock: `tick(clock, now, shiftMs)` is the (fractional) tick to show at local
 * time `now`, where `shiftMs` maps local time onto the server's clock plus the lead (offset + lead
 * for a player, offset - delay for a spectator). The shift the caller asks for changes as the
 * estimates move; the clock follows it by at most `slew` of real time (5%: the game runs a little
 * faster or slower, never jumps), except by more than `snapMs` (a start or resume), where it
 * jumps. It never runs backwards: when the target drops, the tick holds until time catches up.
 */
export class PlayClock {
  private shift: number | null = null;
  private lastNow = 0;
  private lastTick = -Infinity;

  constructor(
    private readonly slew = 0.05,
    private readonly snapMs = 250,
  ) {}

  tick(clock: { t0: number; tickHz: number }, now: number, shiftMs: number): number {
    if (this.shift === null || Math.abs(shiftMs - this.shift) > this.snapMs) this.shift = shiftMs;
    else {
      const room = this.slew * Math.max(0, now - this.lastNow);
      this.shift += Math.max(-room, Math.min(room, shiftMs - this.shift));
    }
    this.lastNow = now;
    const t = Math.max(this.lastTick, ((now + this.shift - clock.t0) * clock.tickHz) / 1000);
    this.lastTick = t;
    return t;
  }

  /** Forget the past (a pause or resume re-bases the server clock: ticks may start lower). */
  reset(): void {
    this.shift = null;
    this.lastTick = -Infinity;
  }
}
