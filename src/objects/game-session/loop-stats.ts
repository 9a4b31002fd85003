/**
 * What one GameSession measures about itself, for benchmarks and cost accounting: tick lateness
 * (a fixed-bucket histogram, 0.1 ms resolution up to 50 ms, so p99 <= 2 ms can be read off it),
 * and the units Cloudflare bills: incoming WebSocket messages, alarm invocations, storage writes
 * (each setAlarm is one), and how long the object was active.
 */
const BUCKET_MS = 0.1;
const BUCKETS = 500; // 0..50 ms; the last bucket holds everything later

export interface LoopStatsSnapshot {
  ticks: number;
  skippedTicks: number;
  latenessP50Ms: number;
  latenessP99Ms: number;
  latenessMaxMs: number;
  /** Wake-ups of the tick loop that ran at least one tick. */
  wakeups: number;
  alarms: number;
  storageWrites: number;
  setAlarms: number;
  messagesIn: number;
  bytesIn: number;
  framesOut: number;
  bytesOut: number;
  snapshots: number;
  activeSinceMs: number;
  /** Alarms by what they were set for ("unknown": armed before this instance, e.g. after a restart). */
  alarmsFor: Record<string, number>;
}

export class LoopStats {
  private hist = new Uint32Array(BUCKETS);
  private maxLateness = 0;
  ticks = 0;
  skippedTicks = 0;
  wakeups = 0;
  alarms = 0;
  storageWrites = 0;
  setAlarms = 0;
  messagesIn = 0;
  bytesIn = 0;
  framesOut = 0;
  bytesOut = 0;
  snapshots = 0;
  readonly alarmsFor: Record<string, number> = {};

  constructor(readonly activeSinceMs: number) {}

  recordWake(latenessMs: number, steps: number, skipped: number): void {
    this.wakeups++;
    this.ticks += steps;
    this.skippedTicks += skipped;
    const b = Math.min(BUCKETS - 1, Math.floor(latenessMs / BUCKET_MS));
    this.hist[b]++;
    if (latenessMs > this.maxLateness) this.maxLateness = latenessMs;
  }

  countAlarm(why: string | null): void {
    this.alarms++;
    const k = why ?? "unknown";
    this.alarmsFor[k] = (this.alarmsFor[k] ?? 0) + 1;
  }

  /** Lateness quantile in ms (upper edge of its bucket). */
  quantile(q: number): number {
    const total = this.hist.reduce((a, b) => a + b, 0);
    if (total === 0) return 0;
    const rank = Math.ceil(q * total);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.hist[i];
      if (seen >= rank) return i === BUCKETS - 1 ? this.maxLateness : (i + 1) * BUCKET_MS;
    }
    return this.maxLateness;
  }

  snapshot(): LoopStatsSnapshot {
    return {
      ticks: this.ticks,
      skippedTicks: this.skippedTicks,
      latenessP50Ms: this.quantile(0.5),
      latenessP99Ms: this.quantile(0.99),
      latenessMaxMs: this.maxLateness,
      wakeups: this.wakeups,
      alarms: this.alarms,
      storageWrites: this.storageWrites,
      setAlarms: this.setAlarms,
      messagesIn: this.messagesIn,
      bytesIn: this.bytesIn,
      framesOut: this.framesOut,
      bytesOut: this.bytesOut,
      snapshots: this.snapshots,
      activeSinceMs: this.activeSinceMs,
      alarmsFor: { ...this.alarmsFor },
    };
  }
}
