/**
 * The client's simulation of a match: the shared MatchTimeline plus rollback (GGPO-style).
 * Pure and deterministic: no clock, no I/O.
 *
 * The session keeps the engine state at every tick of the last `historyTicks` ticks it computed
 * and every input it knows for those ticks and later: its own (applied at once at their stamp),
 * the other seats' (relayed by the server at the tick it applied them), and eliminations (4P).
 * An input or elimination for a tick it has already computed rewinds: restore the state at that
 * tick, re-simulate to where it was. So, once every message about ticks before T has arrived, the
 * state at T is exactly the server's: `verify(tick, digest)` checks that against the server's
 * digests (points, checks, pauses, the end); a mismatch asks for a full `sync`.
 *
 * Conventions (the timeline's): the state "at tick T" has taken T steps; an input stamped T is
 * applied by the step that leaves T; several inputs of one seat at one tick: the later wins (the
 * order the server accepted them: a seat's own inputs in seq order, relayed ones in arrival
 * order). An elimination at T is applied to the state at T (before the step that leaves it).
 */
import { cloneState, type Dir, type GameState } from "../engine";
import { MatchTimeline, stateDigest, type TimedEvent, type TimelineCheckpoint } from "../timeline";

export interface SessionOptions {
  /** Ticks of history kept for rewinding (default 300 = 5 s at 60 Hz): an older input needs a sync. */
  historyTicks?: number;
}

/** What a rewind did, for smoothing and stats. */
export interface Rewind {
  /** Tick rewound to, and how many ticks were computed again. */
  from: number;
  ticks: number;
  /** The state shown before the rewind (same tick as now, or later after a pause rewound it). */
  before: GameState;
}

export type Verdict = "match" | "mismatch" | "pending" | "unknown";

interface LoggedInput {
  tick: number;
  seat: number;
  dir: Dir;
  /** Acceptance order within a seat (arrival order; own inputs keep theirs when moved). */
  order: number;
  /** Own inputs: their seq; relayed: -1. */
  seq: number;
}

export class RollbackSession {
  private tl: MatchTimeline;
  private readonly cap: number;
  private readonly history: (GameState | undefined)[];
  private oldest: number;
  private log: LoggedInput[] = [];
  private elims: { tick: number; seat: number }[] = [];
  /**
   * Digests of the state at a tick before each of that tick's eliminations: the server may have
   * sent a digest for the tick before it took a seat out (a check, then the elimination, same tick).
   */
  private preElim = new Map<number, number[]>();
  private order = 0;
  /** The server's timeline is frozen here (a pause): never compute past it. */
  private frozen: number | null = null;
  /** Engine events of the last `advanceTo` (for sounds; a rewind does not replay them). */
  readonly events: TimedEvent[] = [];
  rewinds = 0;
  rewoundTicks = 0;
  maxRewind = 0;

  constructor(timeline: MatchTimeline, options: SessionOptions = {}) {
    this.cap = Math.max(2, options.historyTicks ?? 300);
    this.history = new Array(this.cap);
    this.tl = timeline;
    this.oldest = timeline.tick;
    for (const p of timeline.pendingInputs()) this.log.push({ ...p, order: this.order++, seq: -1 });
    this.save();
  }

  /** From a `sync` message's timeline. Throws on bad data. */
  static fromCheckpoint(checkpoint: TimelineCheckpoint | unknown, options?: SessionOptions): RollbackSession {
    return new RollbackSession(MatchTimeline.restore(checkpoint), options);
  }

  /** The last computed tick. */
  get tick(): number {
    return this.tl.tick;
  }

  /** The state at `tick` (read-only by contract). */
  get state(): Readonly<GameState> {
    return this.tl.state;
  }

  get over(): boolean {
    return this.tl.over;
  }

  /** The oldest tick that can still be rewound to. */
  get oldestTick(): number {
    return this.oldest;
  }

  get frozenAt(): number | null {
    return this.frozen;
  }

  digest(): number {
    return this.tl.digest();
  }

  /**
   * The direction each seat holds in the step that leaves the current tick: an input stamped for
   * this tick already counts (so a key press shows before the step that applies it is computed).
   */
  nextDirs(): Dir[] {
    const dirs = this.tl.state.paddles.map((p) => p.dir);
    for (const p of this.tl.pendingInputs()) {
      if (p.tick > this.tl.tick) break;
      if (this.tl.state.paddles[p.seat]?.active) dirs[p.seat] = p.dir;
    }
    return dirs;
  }

  /** The direction `seat` will hold once every input known now is applied (the last one wins). */
  heldDir(seat: number): Dir {
    let dir = this.tl.state.paddles[seat]?.dir ?? 0;
    for (const p of this.tl.pendingInputs()) if (p.seat === seat) dir = p.dir;
    return dir;
  }

  /** The state this session computed for `tick`, if still in its history. */
  stateAt(tick: number): Readonly<GameState> | null {
    if (tick === this.tl.tick) return this.tl.state;
    if (tick < this.oldest || tick > this.tl.tick) return null;
    return this.history[tick % this.cap] ?? null;
  }

  /** Computes up to `target` (never past a freeze; nothing after the end). Returns the events. */
  advanceTo(target: number): TimedEvent[] {
    this.events.length = 0;
    const stop = this.frozen === null ? target : Math.min(target, this.frozen);
    while (this.tl.tick < stop && !this.tl.over) this.stepOne(this.events);
    return this.events;
  }

  /**
   * An input of `seat` for `tick` (own: with its `seq`). Returns the rewind it caused, null when
   * it was in the future, or "too_old" when its tick is beyond the history (a sync is needed).
   */
  addInput(tick: number, seat: number, dir: Dir, seq = -1): Rewind | null | "too_old" {
    if (tick < this.oldest) return "too_old";
    const entry: LoggedInput = { tick, seat, dir, order: this.order++, seq };
    this.insert(entry);
    if (tick >= this.tl.tick) {
      this.tl.addInput({ tick, seat, dir });
      return null;
    }
    return this.rewind(tick);
  }

  /** The server applied own input `seq` at `tick` instead of its stamp. */
  moveOwnInput(seq: number, tick: number): Rewind | null | "too_old" {
    const i = this.log.findIndex((x) => x.seq === seq);
    if (i < 0) return null; // already older than the history, or never known
    const entry = this.log[i];
    if (entry.tick === tick) return null;
    const from = Math.min(entry.tick, tick);
    if (from < this.oldest) return "too_old";
    this.log.splice(i, 1);
    this.insert({ ...entry, tick });
    return this.rewind(Math.min(from, this.tl.tick));
  }

  /** The server did not apply own input `seq` at all. */
  dropOwnInput(seq: number): Rewind | null | "too_old" {
    const i = this.log.findIndex((x) => x.seq === seq);
    if (i < 0) return null;
    const entry = this.log[i];
    if (entry.tick < this.oldest) return "too_old";
    this.log.splice(i, 1);
    return this.rewind(Math.min(entry.tick, this.tl.tick));
  }

  /** The match ended having applied own inputs up to `ack` only (game_over): the later ones never were. */
  dropOwnInputsAfter(ack: number): Rewind | null | "too_old" {
    const dropped = this.log.filter((x) => x.seq > ack);
    if (!dropped.length) return null;
    const from = Math.min(...dropped.map((x) => x.tick));
    if (from < this.oldest) return "too_old";
    this.log = this.log.filter((x) => x.seq <= ack);
    return this.rewind(Math.min(from, this.tl.tick));
  }

  /** Own inputs still in the log with a seq above `ack` (to re-apply on a fresh sync). */
  ownInputsAfter(ack: number): { seq: number; tick: number; dir: Dir; seat: number }[] {
    return this.log.filter((x) => x.seq > ack).map(({ seq, tick, dir, seat }) => ({ seq, tick, dir, seat }));
  }

  /**
   * Whether an own input above `ack` is still logged for a tick before `tick`: the server had not
   * applied it when it took a digest at `tick` with that ack, so it will be reported moved (to a
   * tick >= `tick`) or refused, and until then this session's state at `tick` is not the server's.
   */
  awaitsOwnNotice(tick: number, ack: number): boolean {
    for (const x of this.log) {
      if (x.tick >= tick) break; // the log is sorted by tick
      if (x.seq > ack) return true;
    }
    return false;
  }

  /** 4P: `seat` is out from `tick` on (its side a wall, the ball re-served). */
  eliminate(tick: number, seat: number): Rewind | null | "too_old" {
    if (tick < this.oldest) return "too_old";
    this.elims.push({ tick, seat });
    if (tick > this.tl.tick) return null;
    if (tick === this.tl.tick) {
      const before = cloneState(this.tl.state);
      this.notePreElim(tick, seat);
      this.tl.eliminate(seat);
      this.save();
      return { from: tick, ticks: 0, before };
    }
    return this.rewind(tick);
  }

  /**
   * The server's timeline froze at `tick` (a pause): back to it if this session ran past it, and
   * no further until `unfreeze`. Inputs already stamped later stay for after the resume.
   */
  freeze(tick: number): Rewind | null | "too_old" {
    this.frozen = tick;
    if (tick >= this.tl.tick) return null;
    if (tick < this.oldest) return "too_old";
    return this.rewind(tick, tick);
  }

  unfreeze(): void {
    this.frozen = null;
  }

  /**
   * Compares the server's `digest` of its state at `tick` with this session's. "pending": not
   * computed that far yet (ask again later); "unknown": older than the history.
   */
  verify(tick: number, digest: number): Verdict {
    if (tick > this.tl.tick) return this.tl.over ? (this.tl.digest() === digest ? "match" : "mismatch") : "pending";
    const s = this.stateAt(tick);
    if (!s) return "unknown";
    const d = digest >>> 0;
    return stateDigest(s) === d || (this.preElim.get(tick)?.includes(d) ?? false) ? "match" : "mismatch";
  }

  // ------------------------------------------------------------------ internals

  private insert(entry: LoggedInput): void {
    const log = this.log;
    let i = log.length;
    while (i > 0 && (log[i - 1].tick > entry.tick || (log[i - 1].tick === entry.tick && log[i - 1].order > entry.order))) i--;
    log.splice(i, 0, entry);
  }

  /** One step, then the eliminations due at the new tick, then the state saved. */
  private stepOne(out?: TimedEvent[]): void {
    this.tl.stepTo(this.tl.tick + 1, out);
    this.applyElims(this.tl.tick);
    this.save();
  }

  private applyElims(tick: number): void {
    for (const e of this.elims) {
      if (e.tick !== tick) continue;
      this.notePreElim(tick, e.seat);
      this.tl.eliminate(e.seat);
    }
  }

  /** Remembers the digest before a real elimination (a rewind's restored state may already have it). */
  private notePreElim(tick: number, seat: number): void {
    if (!this.tl.state.paddles[seat]?.active || this.tl.over) return;
    const list = this.preElim.get(tick) ?? [];
    const d = this.tl.digest();
    if (!list.includes(d)) list.push(d);
    this.preElim.set(tick, list);
  }

  private save(): void {
    const t = this.tl.tick;
    this.history[t % this.cap] = cloneState(this.tl.state);
    if (t - this.oldest >= this.cap) this.oldest = t - this.cap + 1;
    if (this.oldest > t) this.oldest = t;
    // Forget what can no longer be rewound to.
    if (this.log.length && this.log[0].tick < this.oldest) this.log = this.log.filter((x) => x.tick >= this.oldest);
    if (this.elims.length && this.elims[0].tick < this.oldest) this.elims = this.elims.filter((e) => e.tick >= this.oldest);
    for (const t of this.preElim.keys()) if (t < this.oldest) this.preElim.delete(t);
  }

  /**
   * Restores the state at `from` (re-applying the eliminations due at it), replays the log, and
   * computes back up to where it was (or to `to`).
   */
  private rewind(from: number, to = this.tl.tick): Rewind {
    const before = cloneState(this.tl.state);
    const saved = this.history[from % this.cap];
    if (!saved || saved.tick !== from) throw new Error(`rollback: no state for tick ${from}`);
    const start = cloneState(saved);
    // The saved state already has the eliminations that were known when it was saved; a new one
    // at `from` is applied now (eliminating an inactive seat again is a no-op).
    this.tl = new MatchTimeline(start, this.log.filter((x) => x.tick >= from));
    this.applyElims(from);
    this.save();
    while (this.tl.tick < to && !this.tl.over) this.stepOne();
    const ticks = this.tl.tick - from;
    this.rewinds++;
    this.rewoundTicks += ticks;
    this.maxRewind = Math.max(this.maxRewind, ticks);
    return { from, ticks, before };
  }
}
