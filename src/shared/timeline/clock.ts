/**
 * The match clock: `tick = floor((now - t0) * tickHz / 1000)`. Pure (`now` is always a parameter)
 * and integer-exact: `t0` is a whole epoch millisecond and `tickHz` a whole number, so the server,
 * every client and every test compute the same tick for the same instant (a fractional period such
 * as 1000/60 ms would round differently depending on how it is multiplied).
 *
 * A pause freezes the timeline; the resume re-bases `t0` so ticks continue from where they stopped
 * (`rebaseClock`). Before `t0` (a countdown) `tickAt` is negative: callers clamp to the frozen tick.
 */
export interface TickClock {
  /** Epoch ms at which tick 0 began (after re-basing: the instant the frozen tick resumes, minus its span). */
  t0: number;
  /** Simulation steps per second (the engine's fixed step is 1/60 s at 60). */
  tickHz: number;
}

/** The tick whose span contains `now` (the last tick that is due). */
export function tickAt(clock: TickClock, now: number): number {
  return Math.floor(((now - clock.t0) * clock.tickHz) / 1000);
}

/** The first whole epoch millisecond at which `tickAt` reaches `tick` (alarms are set in whole ms). */
export function timeOfTick(clock: TickClock, tick: number): number {
  return clock.t0 + Math.ceil((tick * 1000) / clock.tickHz);
}

/**
 * A clock on which `tick` is due exactly from `at` on: used to start a match (tick 0) and to
 * resume after a pause (`tick` = the frozen tick). `t0` is rounded so that `tickAt(at) === tick`.
 */
export function rebaseClock(tickHz: number, tick: number, at: number): TickClock {
  return { t0: Math.round(at) - Math.ceil((tick * 1000) / tickHz), tickHz };
}

/** Milliseconds per tick (for display and pacing only; the clock itself never divides by it). */
export function tickPeriodMs(tickHz: number): number {
  return 1000 / tickHz;
}
