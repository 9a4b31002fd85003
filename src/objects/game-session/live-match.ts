/**
 * The match as the GameSession runs it, without I/O: the shared MatchTimeline, its clock (null
 * while frozen), the last input seq per seat, and the cached prediction of the next point. The
 * object steps it lazily, only when an event needs the present (an input, an alarm, a join), and
 * asks it when the next point is due so the alarm can be set for then.
 */
import type { Dir, GameEvent } from "../../shared/engine/types";
import { acceptInputTick, MatchTimeline, MAX_INPUT_LEAD_TICKS, rebaseClock, tickAt, timeOfTick, type TickClock, type TimelineCheckpoint } from "../../shared/timeline";

/** How far ahead a point is looked for (ticks): 5 s; beyond it the object re-predicts when it wakes. */
export const PREDICTION_HORIZON_TICKS = 300;

/** A point (or the end) at `tick`, with the digest and scores of the state at that tick. */
export interface Happening {
  tick: number;
  digest: number;
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
  /** Cached prediction (undefined: must be recomputed; tick null: no point within the horizon, which ends at `until`). */
  private predicted: { tick: number | null; until: number; involved: number } | undefined = undefined;
  /** Engine steps spent predicting (for the stats). */
  predictionSteps = 0;
  predictions = 0;

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

  /** Steps to `now`, stopping at each point so its digest is the one at its tick. Returns what happened, in order. */
  advance(now: number): Happening[] {
    const target = this.current(now);
    const out: Happening[] = [];
    while (this.timeline.tick < target && !this.timeline.over) {
      const events = this.timeline.stepTo(target, [], true);
      for (const e of events) {
        if (e.event.type !== "point") continue;
        this.predicted = undefined;
        out.push({ tick: e.tick, digest: this.timeline.digest(), scores: [...this.timeline.state.scores], event: e.event, over: this.timeline.over });
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
    // An input cannot change the prediction if it applies after the predicted point (or horizon),
    // or if its seat's paddle is nowhere near the ball's path until then.
    const p = this.predicted;
    if (p && verdict.tick < (p.tick ?? p.until) && p.involved & (1 << seat)) this.predicted = undefined;
    return verdict;
  }

  /** Replays an input the checkpoint does not have (from an attachment, after hibernation). */
  replay(seat: number, seq: number, tick: number, dir: Dir): void {
    if (seq <= this.acks[seat] || tick < this.timeline.tick) return;
    this.acks[seat] = seq;
    this.timeline.addInput({ tick, seat, dir });
    this.predicted = undefined;
  }

  eliminate(seat: number): void {
    this.timeline.eliminate(seat);
    this.predicted = undefined;
  }

  /** Freezes the timeline at `now` (after advancing to it). */
  freeze(): void {
    this.clock = null;
    this.predicted = undefined;
  }

  /** Starts (or resumes) the clock so the frozen tick is due at `now`. */
  run(now: number): TickClock {
    this.clock = rebaseClock(this.tickHz, this.timeline.tick, now);
    this.predicted = undefined;
    return this.clock;
  }

  /** Epoch ms at which the next point is due if nobody sends anything more; null if none within the horizon. */
  nextPointAt(): number | null {
    if (!this.clock || this.timeline.over) return null;
    // The horizon reached without a point (or a point tick reached without one: never, but then
    // the cache would be stale): look again from here.
    const cached = this.predicted;
    if (cached && this.timeline.tick >= (cached.tick ?? cached.until)) this.predicted = undefined;
    if (this.predicted === undefined) {
      const p = this.timeline.predictNextPoint(PREDICTION_HORIZON_TICKS);
      this.predictions++;
      this.predictionSteps += p.steps;
      this.predicted = { tick: p.tick, until: this.timeline.tick + PREDICTION_HORIZON_TICKS, involved: p.involved };
    }
    return this.predicted.tick !== null ? timeOfTick(this.clock, this.predicted.tick) : null;
  }

  /** When to look again if no point is predicted: the end of the horizon. */
  horizonAt(): number | null {
    if (!this.clock || this.timeline.over || !this.predicted || this.predicted.tick !== null) return null;
    return timeOfTick(this.clock, this.predicted.until);
  }
}
