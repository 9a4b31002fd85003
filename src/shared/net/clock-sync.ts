/**
 * Clock sync: estimates the server's clock (offset) and the round trip (RTT) from `time`
 * request/answer pairs. Pure: every time is a parameter (the caller's monotonic-or-epoch ms clock;
 * the offset maps it onto the server's epoch ms).
 *
 * One sample: sent at `c` (local), answered at `s` (server), received at `r` (local). If the two
 * legs took the same time, the server clock read `s` at local `c + rtt/2`, so
 * `offset = s - (c + r) / 2`. A sample delayed on one leg only (a queue, a retransmit, a GC pause)
 * has a long RTT and an offset wrong by up to half the extra delay. Hence, NTP-style: the offset
 * is the median of the offsets of the fastest third of the recent samples (a slow sample never
 * moves it), and the RTT is the median of all recent samples (what an input really takes).
 * Jitter: how much slower than the fastest a typical (p80) round trip is.
 */

export interface ClockSyncOptions {
  /** Samples kept (the newest). Default 16. */
  window?: number;
  /** Requests sent back to back at the start (one per `burstGapMs`). Default 5. */
  burst?: number;
  burstGapMs?: number;
  /** Gap between requests after the burst. Default 10 s (each one wakes the game object: a billed request). */
  steadyGapMs?: number;
}

export interface ClockEstimate {
  /** Server epoch ms minus local ms. */
  offsetMs: number;
  rttMs: number;
  jitterMs: number;
  samples: number;
}

const MAX_RTT_MS = 10_000;

interface Sample {
  rtt: number;
  offset: number;
}

export class ClockSync {
  private readonly window: number;
  private readonly burst: number;
  private readonly burstGapMs: number;
  private readonly steadyGapMs: number;
  private samples: Sample[] = [];
  private sent = 0;
  private lastSentAt = -Infinity;
  private est: ClockEstimate | null = null;

  constructor(options: ClockSyncOptions = {}) {
    this.window = options.window ?? 16;
    this.burst = options.burst ?? 5;
    this.burstGapMs = options.burstGapMs ?? 120;
    this.steadyGapMs = options.steadyGapMs ?? 10_000;
  }

  /** The request to send at `now`, if one is due (the caller sends `{type: "time", c}`). */
  due(now: number): number | null {
    const gap = this.sent < this.burst ? this.burstGapMs : this.steadyGapMs;
    if (now - this.lastSentAt < gap) return null;
    this.sent++;
    this.lastSentAt = now;
    return now;
  }

  /** Starts a new burst (after a reconnect: the path may have changed). Keeps the estimate until new samples come. */
  restart(): void {
    this.sent = 0;
    this.lastSentAt = -Infinity;
  }

  /** An answer: `c` as sent, `s` the server's epoch ms, received at local `now`. Returns false for a nonsense sample. */
  add(c: number, s: number, now: number): boolean {
    const rtt = now - c;
    if (!Number.isFinite(rtt) || !Number.isFinite(s) || rtt < 0 || rtt > MAX_RTT_MS) return false;
    this.samples.push({ rtt, offset: s - (c + now) / 2 });
    if (this.samples.length > this.window) this.samples.shift();
    this.est = this.compute();
    return true;
  }

  /** The current estimate, or null before the first answer. */
  get estimate(): ClockEstimate | null {
    return this.est;
  }

  /** Local ms -> server epoch ms (null before the first answer). */
  serverTime(now: number): number | null {
    return this.est ? now + this.est.offsetMs : null;
  }

  private compute(): ClockEstimate {
    const byRtt = [...this.samples].sort((a, b) => a.rtt - b.rtt);
    const fast = byRtt.slice(0, Math.max(1, Math.ceil(byRtt.length / 3)));
    const offsets = fast.map((x) => x.offset).sort((a, b) => a - b);
    const rtts = byRtt.map((x) => x.rtt);
    return {
      offsetMs: median(offsets),
      rttMs: median(rtts),
      jitterMs: rtts[Math.min(rtts.length - 1, Math.floor(rtts.length * 0.8))] - rtts[0],
      samples: byRtt.length,
    };
  }
}

/** Median of a sorted, non-empty array. */
function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
