/**
 * The match as the GameSession runs it, without I/O: the shared MatchTimeline, its clock (null
 * while frozen), the last input seq per seat, and the cached prediction of the next point. The
 * object steps it lazily, only when an event needs the present (an input, an alarm, a join), and
 * asks it when the next point is due so the alarm can be set for then.
 *
 * Two ways to be there when a point is due (shared/net/wake-asker.ts says why):
 * - assisted: the players' clients, which run ahead, send `wake` as each point they scored comes
 *   due here; handling that frame steps the timeline and announces the point. No alarm is armed
 *   for points, except for a point an early `wake` said is coming (within WAKE_WINDOW_TICKS).
 * - unassisted (at the start, after a restart, and whenever a point was found late with no alarm
 *   armed for it: nobody asked in time): every predicted point is armed (the whole horizon).
 * A client can only move the match between the two; the point, its tick and its digest come from
 * this timeline either way, so a lying client costs wakes, never a wrong or a lost point. An
 * unassisted point armed by prediction is rarely the one that happens: players change direction
 * several times a second (2.7 alarms and 3.2 setAlarm per point measured: bench/wake/policy-sim.ts).
 */
import type { Dir, GameEvent } from "../../shared/engine/types";
import { acceptInputTick, MatchTimeline, MAX_INPUT_LEAD_TICKS, PointWatch, rebaseClock, tickAt, timeOfTick, WAKE_WINDOW_TICKS, type TickClock, type TimelineCheckpoint } from "../../shared/timeline";

/** How far ahead a point is looked for when unassisted (ticks): 5 s; beyond it the object re-predicts when it wakes. */
export const PREDICTION_HORIZON_TICKS = 300;
/** A point found this long after it was due, with no alarm armed for it, means nobody asked in time: unassisted from then on. A `wake` later than this does not count as help. */
export const UNASKED_LATE_MS = 50;

/**
 * The state's digest at `tick` and, per seat, the last input seq applied when it was taken: what
 * every authoritative message carries so a client knows which of its own inputs it includes.
 */
export interface DigestStamp {
  tick: number;
  digest: number;
  acks: number[];
}

/** A point (or the end) at `tick`, with the digest and scores of the state at that tick. */
export interface Happening extends DigestStamp {
  scores: number[];
  event: Extract<GameEvent, { type: "point" }>;
  over: boolean;
}

export type InputOutcome =
  | { kind: "stale" }
  | { kind: "exact" | "late"; tick: number }
  | { kind: "too_early"; maxTick: number }
  | { kind: "not_running"; maxTick: number };

export class LiveMatch {
  readonly timeline: MatchTimeline;
  /** Null while the timeline is frozen. */
  clock: TickClock | null;
  readonly acks: number[];
  private readonly watch = new PointWatch();
  /** The players' clients ask for wakes (see above); in memory only: a new instance starts unassisted. */
  assisted = false;
  /** Points found late because nobody asked in time (each one turned the match unassisted). */
  unaskedPoints = 0;
  /** `wake`s received (stats). */
  wakes = 0;
  /** The point an early `wake` announced (not due yet when it came): armed while assisted. */
  private askedFor: number | null = null;
  /** The latest tick a `wake` named: a point up to it that is found late was asked for (the object was slow, not the clients). */
  private askedUpTo = -1;

  constructor(
    checkpoint: TimelineCheckpoint,
    clock: TickClock | null,
    acks: readonly number[],
    private readonly tickHz: number,
  ) {
    this.timeline = MatchTimeline.restore(checkpoint);
    this.clock = clock;
    this.acks = [...acks];
  }

  get tick(): number {
    return this.timeline.tick;
  }

  /** The tick an event at `now` happens at: the clock's tick, or the frozen one. */
  current(now: number): number {
    if (!this.clock) return this.timeline.tick;
    const t = tickAt(this.clock, now);
    return t > this.timeline.tick ? t : this.timeline.tick;
  }

  /** The digest of the state now, with the acks it is taken with. */
  stamp(): DigestStamp {
    return { tick: this.timeline.tick, digest: this.timeline.digest(), acks: [...this.acks] };
  }

  get predictions(): number {
    return this.watch.predictions;
  }

  get predictionSteps(): number {
    return this.watch.steps;
  }

  /**
   * Steps to `now`, stopping at each point so its digest is the one at its tick. Returns what
   * happened, in order. `armedAt`: the alarm that was set when this event came (null: none); a
   * point found late that no alarm was armed for turns the match unassisted.
   */
  advance(now: number, armedAt: number | null = null): Happening[] {
    const target = this.current(now);
    const out: Happening[] = [];
    while (this.timeline.tick < target && !this.timeline.over) {
      const events = this.timeline.stepTo(target, [], true);
      for (const e of events) {
        if (e.event.type !== "point") continue;
        this.watch.reset();
        if (this.askedFor !== null && this.askedFor <= e.tick) this.askedFor = null;
        const due = this.clock ? timeOfTick(this.clock, e.tick) : now;
        if (this.assisted && now - due > UNASKED_LATE_MS && (armedAt === null || armedAt > due) && this.askedUpTo < e.tick) {
          this.assisted = false;
          this.unaskedPoints++;
        }
        out.push({ ...this.stamp(), scores: [...this.timeline.state.scores], event: e.event, over: this.timeline.over });
      }
    }
    return out;
  }

  /**
   * An input of `seat` stamped `stamp`, at `now` (the timeline already advanced to now). Accepted
   * inputs are in the timeline; the caller relays them and keeps them in the sender's attachment.
   */
  input(seat: number, seq: number, stamp: number, dir: Dir, now: number, running: boolean): InputOutcome {
    if (seq <= this.acks[seat]) return { kind: "stale" };
    const current = this.current(now);
    if (!running) return { kind: "not_running", maxTick: current + MAX_INPUT_LEAD_TICKS };
    const verdict = acceptInputTick(stamp, current);
    if (verdict.kind === "too_early") return verdict;
    this.acks[seat] = seq;
    this.timeline.addInput({ tick: verdict.tick, seat, dir });
    this.watch.onInput(seat, verdict.tick);
    return verdict;
  }

  /** Replays an input the checkpoint does not have (from an attachment, after hibernation). */
  replay(seat: number, seq: number, tick: number, dir: Dir): void {
    if (seq <= this.acks[seat] || tick < this.timeline.tick) return;
    this.acks[seat] = seq;
    this.timeline.addInput({ tick, seat, dir });
    this.watch.reset();
  }

  /**
   * A player's client scored a point at `tick` and says it is due; called before the timeline is
   * brought to `now` (which then announces the point), so a point it names is never counted as
   * unasked, however late the object itself got to the frame. One on time means the clients help:
   * assisted. One that came early is armed (nextPointAt); one long after its tick helped nobody.
   */
  wake(tick: number, now: number): void {
    this.wakes++;
    if (!this.clock) return;
    if (tick > this.askedUpTo) this.askedUpTo = tick;
    if (timeOfTick(this.clock, tick) < now - UNASKED_LATE_MS) return;
    this.assisted = true;
    if (tick > this.current(now)) this.askedFor = tick;
  }

  eliminate(seat: number): void {
    this.timeline.eliminate(seat);
    this.watch.reset();
  }

  /** Freezes the timeline at `now` (after advancing to it). */
  freeze(): void {
    this.clock = null;
    this.watch.reset();
  }

  /** Starts (or resumes) the clock so the frozen tick is due at `now`. */
  run(now: number): TickClock {
    this.clock = rebaseClock(this.tickHz, this.timeline.tick, now);
    this.watch.reset();
    return this.clock;
  }

  /**
   * Whether an input can change the alarm wanted: unassisted (the prediction moves), or a point an
   * early wake announced. Otherwise an input only moves deadlines later, and an earlier alarm is kept.
   */
  get plansOnInput(): boolean {
    return !this.assisted || this.askedFor !== null;
  }

  /**
   * Epoch ms at which the next point to arm an alarm for is due if nobody sends anything more;
   * null for none. Unassisted: any point within the horizon. Assisted: only after an early
   * `wake`, a point within the next WAKE_WINDOW_TICKS.
   */
  nextPointAt(): number | null {
    if (!this.clock || this.timeline.over) return null;
    if (this.assisted && (this.askedFor === null || this.askedFor < this.timeline.tick)) return null;
    const horizon = this.assisted ? WAKE_WINDOW_TICKS : PREDICTION_HORIZON_TICKS;
    const tick = this.watch.next(this.timeline, horizon, this.assisted);
    return tick !== null && tick <= this.timeline.tick + horizon ? timeOfTick(this.clock, tick) : null;
  }

  /** Unassisted, with no point within the horizon: when to look again (its end). Assisted: never (the clients ask). */
  horizonAt(): number | null {
    if (this.assisted || !this.clock || this.timeline.over || this.nextPointAt() !== null) return null;
    const until = this.watch.lookedUntil;
    return until === null ? null : timeOfTick(this.clock, until);
  }
}
