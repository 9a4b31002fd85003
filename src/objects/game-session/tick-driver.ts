/**
 * Two ways to drive the server tick loop, behind one interface (TICK_DRIVER):
 *
 * - "alarm": every tick re-arms the Durable Object alarm. Survives eviction by construction, but
 *   each setAlarm is a storage write and each alarm an invocation: billed per tick.
 * - "timer": an in-memory fixed-rate setTimeout chain drives ticks while the match runs; the alarm
 *   is kept only as a watchdog (revives the loop after an eviction) and deadline clock.
 *
 * Both use the same FixedRateClock, so tick timing and catch-up behave the same; docs/benchmarks.md
 * compares their jitter and cost.
 */
export type TickDriverKind = "alarm" | "timer";

export interface TickDriver {
  readonly kind: TickDriverKind;
  /** Begin ticking; the first tick is due at `firstAt` (epoch ms). */
  start(firstAt: number): void;
  /** Stop ticking (pause, game over). Idempotent. */
  stop(): void;
  readonly running: boolean;
  /** Wake-up time the driver wants from the alarm (null: no tick-driven alarm needed). */
  alarmWanted(now: number): number | null;
}

/** Ticks from the alarm: the owner calls `onTick` from alarm() and re-arms at `nextAt`. */
export class AlarmTickDriver implements TickDriver {
  readonly kind = "alarm";
  running = false;
  constructor(private readonly nextTickAt: () => number) {}
  start(): void {
    this.running = true;
  }
  stop(): void {
    this.running = false;
  }
  alarmWanted(): number | null {
    return this.running ? Math.ceil(this.nextTickAt()) : null;
  }
}

/** Ticks from a setTimeout chain aimed at each fixed-rate deadline; the alarm only watches. */
export class TimerTickDriver implements TickDriver {
  readonly kind = "timer";
  private handle: ReturnType<typeof setTimeout> | null = null;
  running = false;

  constructor(
    private readonly nextTickAt: () => number,
    private readonly onTick: () => void,
    private readonly now: () => number,
    /** How long the watchdog alarm may lag behind a dead loop. */
    private readonly watchdogMs = 5_000,
  ) {}

  start(): void {
    this.running = true;
    this.arm();
  }

  stop(): void {
    this.running = false;
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
  }

  alarmWanted(now: number): number | null {
    return this.running ? now + this.watchdogMs : null;
  }

  private arm(): void {
    if (!this.running) return;
    const delay = Math.max(0, this.nextTickAt() - this.now());
    this.handle = setTimeout(() => {
      this.handle = null;
      if (!this.running) return;
      this.onTick();
      this.arm();
    }, delay);
  }
}
