/**
 * A match as a timeline: the engine state at the last computed tick, plus the log of accepted
 * inputs (tick, seat, dir) not applied yet. `stepTo(target)` advances the state one fixed step at a
 * time, applying every input at its tick, and reports what happened with the tick it happened at.
 * The same class runs in the GameSession (stepping lazily, only when an event needs the present)
 * and in the client (which adds rollback on top: restore a checkpoint, add a late-known input,
 * step again). Pure: no clock, no I/O; `now` lives in clock.ts and in the caller.
 *
 * Input semantics: an input stamped T is applied by the step that leaves tick T (so the state AT
 * tick T is settled without it, and an input for the current tick is still in time). Several
 * inputs for the same seat and tick: the later one wins.
 */
import { cloneState, createGame, eliminateSeat, faceCoord, restoreGame, serializeGame, SIDE_INFO, stepInPlace } from "../engine";
import type { Dir, GameConfig, GameEvent, GameState, SerializedGame, Side } from "../engine";
import { stateDigest } from "./digest";

export interface TimelineInput {
  tick: number;
  seat: number;
  dir: Dir;
}

/** An engine event and the tick of the state it produced (a point at tick T: the state at T has the new score). */
export interface TimedEvent {
  tick: number;
  event: GameEvent;
}

/** Plain JSON: the state at `state.tick` and the inputs still to apply, as [tick, seat, dir]. */
export interface TimelineCheckpoint {
  state: SerializedGame;
  pending: [number, number, Dir][];
}

/** What `predictNextPoint` found: the first tick with a point (or the game's end) within the horizon. */
export interface PointPrediction {
  /** The point's tick, or null when none happens within the horizon. */
  tick: number | null;
  /** The side the ball leaves by at that point (null: none, or the game's end without a point). */
  side: Side | null;
  /** Engine steps it took (to measure the cost of predicting). */
  steps: number;
  /**
   * Bit i set: seat i's paddle could have mattered on the way (the ball came within one tick's
   * travel of its face plane). An input of a seat not in this mask, for a tick before the
   * predicted point, cannot change the prediction.
   */
  involved: number;
}

export class MatchTimeline {
  private s: GameState;
  /** Inputs not applied yet, sorted by tick (stable: equal ticks keep their arrival order). */
  private pending: TimelineInput[];
  /** Reused per step: one slot per seat. */
  private readonly scratch: (Dir | undefined)[];
  private readonly events: GameEvent[] = [];

  constructor(state: GameState, pending: readonly TimelineInput[] = []) {
    this.s = state;
    this.scratch = state.paddles.map(() => undefined);
    this.pending = [];
    for (const input of pending) this.addInput(input);
  }

  /** A new match at tick 0. */
  static start(config: GameConfig, seed: number): MatchTimeline {
    return new MatchTimeline(createGame(config, seed));
  }

  /** Validates a checkpoint (from storage or the network) and rebuilds the timeline. Throws on bad data. */
  static restore(value: unknown): MatchTimeline {
    if (typeof value !== "object" || value === null) throw new Error("timeline checkpoint: expected an object");
    const cp = value as { state?: unknown; pending?: unknown };
    const state = restoreGame(cp.state);
    if (!Array.isArray(cp.pending)) throw new Error("timeline checkpoint: pending must be an array");
    const seats = state.paddles.length;
    const pending = cp.pending.map((raw: unknown, i: number): TimelineInput => {
      if (!Array.isArray(raw) || raw.length !== 3) throw new Error(`timeline checkpoint: pending[${i}] must be [tick, seat, dir]`);
      const [tick, seat, dir] = raw as unknown[];
      if (typeof tick !== "number" || !Number.isInteger(tick) || tick < state.tick) throw new Error(`timeline checkpoint: pending[${i}].tick must be an integer >= ${state.tick}`);
      if (typeof seat !== "number" || !Number.isInteger(seat) || seat < 0 || seat >= seats) throw new Error(`timeline checkpoint: pending[${i}].seat out of range`);
      if (dir !== -1 && dir !== 0 && dir !== 1) throw new Error(`timeline checkpoint: pending[${i}].dir must be -1, 0 or 1`);
      return { tick, seat, dir };
    });
    return new MatchTimeline(state, pending);
  }

  /** The last computed tick (the state's own tick count). */
  get tick(): number {
    return this.s.tick;
  }

  /** The state at `tick`. Read-only by contract: mutate only through this class. */
  get state(): Readonly<GameState> {
    return this.s;
  }

  get over(): boolean {
    return this.s.phase === "over";
  }

  /** Inputs accepted and not yet applied, in application order. */
  pendingInputs(): readonly TimelineInput[] {
    return this.pending;
  }

  /** Adds an input for `tick >= this.tick` (apply `acceptInputTick` first). Throws for the past. */
  addInput(input: TimelineInput): void {
    const { tick, seat, dir } = input;
    if (!Number.isInteger(tick) || tick < this.s.tick) throw new Error(`input for tick ${tick} is before the timeline (${this.s.tick})`);
    if (!Number.isInteger(seat) || seat < 0 || seat >= this.s.paddles.length) throw new Error(`no seat ${seat}`);
    const p = this.pending;
    let i = p.length;
    while (i > 0 && p[i - 1].tick > tick) i--; // almost always appends: stamps grow
    p.splice(i, 0, { tick, seat, dir });
  }

  /**
   * Steps to `target` (no-op if already there or the game is over), applying each input at its
   * tick. Returns the events with their ticks, appended to `out` when given. With
   * `stopAfterPoint`, stops right after a tick that scored (so the caller can read the state, and
   * its digest, at the point's tick) and returns; call again to go on.
   */
  stepTo(target: number, out: TimedEvent[] = [], stopAfterPoint = false, beforeStep?: (s: GameState) => void): TimedEvent[] {
    const s = this.s;
    const events = this.events;
    const pending = this.pending;
    const scratch = this.scratch;
    let used = 0;
    while (s.tick < target && s.phase !== "over") {
      let inputs: (Dir | undefined)[] | undefined;
      if (used < pending.length && pending[used].tick === s.tick) {
        scratch.fill(undefined);
        while (used < pending.length && pending[used].tick === s.tick) {
          scratch[pending[used].seat] = pending[used].dir;
          used++;
        }
        inputs = scratch;
      }
      events.length = 0;
      if (beforeStep) beforeStep(s);
      stepInPlace(s, inputs, events);
      let scored = false;
      for (const event of events) {
        out.push({ tick: s.tick, event });
        if (event.type === "point") scored = true;
      }
      if (scored && stopAfterPoint) break;
    }
    if (used > 0) pending.splice(0, used);
    // A finished game applies nothing more: what is left can never take effect.
    if (s.phase === "over") pending.length = 0;
    return out;
  }

  /**
   * Takes a seat out at the current tick (4P: its side becomes a wall and the ball is re-served;
   * the last seat standing wins). Its pending inputs are dropped.
   */
  eliminate(seat: number): void {
    this.s = eliminateSeat(this.s, seat);
    this.pending = this.pending.filter((p) => p.seat !== seat);
    if (this.s.phase === "over") this.pending.length = 0;
  }

  /** Digest of the state at `tick` (see digest.ts). */
  digest(): number {
    return stateDigest(this.s);
  }

  checkpoint(): TimelineCheckpoint {
    return { state: serializeGame(this.s), pending: this.pending.map((p) => [p.tick, p.seat, p.dir]) };
  }

  clone(): MatchTimeline {
    return new MatchTimeline(cloneState(this.s), this.pending);
  }

  /**
   * The first tick after `tick` at which a point (or the end) happens if nobody sends anything
   * more: the inputs known are applied and every paddle keeps its last held direction; `tick`
   * null when nothing happens within `horizon` ticks (or the game is over). Also which seats'
   * paddles could have mattered on the way (see PointPrediction.involved). Steps a copy; this
   * timeline is untouched.
   */
  predictNextPoint(horizon: number): PointPrediction {
    if (this.s.phase === "over") return { tick: null, side: null, steps: 0, involved: 0 };
    const probe = this.clone();
    const found: TimedEvent[] = [];
    const start = probe.tick;
    let involved = 0;
    const c = this.s.config;
    // A ball can travel at most ballSpeedMax in a tick (a bounce mid-tick included): within that
    // (plus a margin) of a face plane, that seat's paddle may be tested during the step.
    const reach = c.ballSpeedMax + c.ballSize / 2 + 1;
    const planes = this.s.paddles.map((p) => ({ info: SIDE_INFO[p.side], plane: faceCoord(c, p.side) }));
    probe.stepTo(start + horizon, found, true, (s) => {
      if (s.phase !== "playing") return;
      const b = s.ball;
      for (let i = 0; i < planes.length; i++) {
        const { info, plane } = planes[i];
        if (((info.horizontal ? b.y : b.x) - plane) * info.inward <= reach) involved |= 1 << i;
      }
    });
    for (const e of found) if (e.event.type === "point") return { tick: e.tick, side: e.event.side, steps: probe.tick - start, involved };
    return { tick: null, side: null, steps: probe.tick - start, involved };
  }
}
