/**
 * What the load bench's bots check about one match of protocol 2 (pure: no clock, no I/O; times are
 * parameters). Both bots of a match live in the same bot process and feed one MatchCheck:
 *
 * - Input relay latency: a bot's input (seat s, stamp, dir, sent at) is matched with the relay the
 *   OTHER seat receives (tick, seat s, dir, received at); latency = received - sent (same clock).
 * - Integrity: an independent MatchTimeline, fed only with what clients learn (the `sync` at join,
 *   then every input at the tick the server says it was applied: the relay's tick), is stepped to the
 *   tick of each authoritative message (point, game_over, digest check, game_started, paused) and its
 *   digest compared with the server's. A difference is a desync (must be 0).
 *
 * Ordering. An authoritative message at tick T depends only on inputs applied before T. Every input
 * stamped before T is "resolved" (its relay or its refusal seen) before the check at T runs: messages
 * wait in a queue until then, so an input still in flight when a point arrives cannot be mis-placed.
 */
import { MatchTimeline, PointWatch, type TimelineCheckpoint } from "../../src/shared/timeline";
import type { Dir, Side } from "../../src/shared/engine/types";

export interface SentInput {
  seat: number;
  seq: number;
  stamp: number;
  dir: Dir;
  at: number;
  /** Tick the server applied it at (from the relay), or -1 while unknown; -2: refused. */
  applied: number;
}

export interface AuthoritativeCheck {
  /** Which socket heard it (each socket's copy is checked: both must agree with the simulation). */
  seat: number;
  tick: number;
  digest: number;
  kind: string;
  /** Seats taken out at `tick` before the digest (a forfeit's `game_over`, a `player_out`). */
  eliminate?: number[];
  /** Per seat, the last input seq the server had applied when it took the digest (protocol 4): for a desync's report. */
  acks?: number[];
}

export interface CheckTotals {
  /** Authoritative digests compared / of which differed from the independent simulation. */
  checked: number;
  desyncs: number;
  /** Relays whose tick was below their stamp (the server never moves an input back in time), or that matched no input sent. */
  badRelays: number;
  /** Inputs applied at their stamp / moved to a later tick (late) / refused. */
  exact: number;
  moved: number;
  refused: number;
  /** Authoritative messages that arrived before the timeline existed, or for a tick already passed (a second copy is fine). */
  unverifiable: number;
}

export class MatchCheck {
  private timeline: MatchTimeline | null = null;
  /** Inputs sent, per seat, in send order (the server handles one socket's frames in order). */
  private readonly sent: SentInput[][];
  /** Authoritative messages waiting for the inputs stamped before them to resolve, in arrival order. */
  private waiting: AuthoritativeCheck[] = [];
  /**
   * The model's digest for each message already checked, by kind and tick (the recent ones): a
   * second socket's copy is compared with the model as it was for the first copy, not as it is now:
   * an elimination at the same tick may have changed it since (a forfeit's `game_over` at the tick
   * of the point before it).
   */
  private readonly checkedDigests = new Map<string, number>();
  /** Inputs resolved with their applied tick, not yet added to the timeline (added as it steps). */
  private readonly resolved: { tick: number; seat: number; dir: Dir }[] = [];
  readonly totals: CheckTotals = { checked: 0, desyncs: 0, badRelays: 0, exact: 0, moved: 0, refused: 0, unverifiable: 0 };
  /** The first desyncs, for the report. */
  readonly samples: string[] = [];
  /** The next point foreseen from what the clients know (for their `wake`s), cached. */
  private readonly points = new PointWatch();

  constructor(readonly seats: number) {
    this.sent = Array.from({ length: seats }, () => []);
  }

  /** A `sync` (join, restart, mismatch): the timeline restarts from it; what was resolved later still applies. */
  sync(checkpoint: TimelineCheckpoint): void {
    const tl = MatchTimeline.restore(checkpoint);
    // Inputs resolved for ticks at or after the sync: add them (a duplicate of one in `pending` is
    // harmless: same seat, same tick, same direction).
    for (const r of this.resolved) if (r.tick >= tl.tick) tl.addInput(r);
    this.resolved.length = 0;
    this.timeline = tl;
    this.points.reset();
    this.waiting = this.waiting.filter((w) => w.tick >= tl.tick);
    this.drain();
  }

  get hasTimeline(): boolean {
    return this.timeline !== null;
  }

  /** The timeline's current tick (-1 before the first sync). */
  get tick(): number {
    return this.timeline?.tick ?? -1;
  }

  /** A copy of the settled timeline (for a bot's AI to look at the present). */
  cloneTimeline(): MatchTimeline | null {
    return this.timeline?.clone() ?? null;
  }

  /**
   * The next point the players can foresee from what they know (the settled timeline with every
   * input resolved so far; paddles keep their direction), looking `ahead` ticks past `present`;
   * null if none. What a client sees in its own simulation, once per match for both bots. Cheap
   * per call: a found point is kept until the settled timeline passes it or an input changes it
   * (not recomputed every frame while its announcement is on its way: under overload that fed the
   * overload); a look that found nothing is renewed once `present` nears its end.
   */
  nextPoint(present: number, ahead: number): { tick: number; side: Side } | null {
    const tl = this.timeline;
    if (!tl || tl.over) return null;
    const until = this.points.lookedUntil;
    if (until !== null && present + ahead / 4 > until) this.points.reset();
    const tick = this.points.next(tl, Math.max(0, present - tl.tick) + ahead);
    const side = this.points.side;
    return tick === null || side === null ? null : { tick, side };
  }

  inputSent(seat: number, seq: number, stamp: number, dir: Dir, at: number): void {
    this.sent[seat].push({ seat, seq, stamp, dir, at, applied: -1 });
  }

  /**
   * The relay of `seat`'s input reached another socket: returns the matching input (with its send
   * time, for the latency) or null if it matched nothing. Each input is matched once (the first
   * receiver); 4P relays to the other receivers only confirm.
   */
  relayed(seat: number, tick: number, dir: Dir): SentInput | null {
    const q = this.sent[seat];
    // The oldest input not yet resolved with this direction and a stamp at or before the tick.
    for (let i = 0; i < q.length; i++) {
      const e = q[i];
      if (e.applied !== -1) continue;
      if (e.dir !== dir || e.stamp > tick) continue;
      e.applied = tick;
      if (tick === e.stamp) this.totals.exact++;
      else this.totals.moved++;
      // Earlier unresolved inputs of this seat can no longer be relayed (one socket, in order): refused or dropped.
      for (let j = 0; j < i; j++) if (q[j].applied === -1) this.resolveRefused(q[j]);
      this.addResolved(tick, seat, dir);
      this.trim(seat);
      this.drain();
      return e;
    }
    this.totals.badRelays++;
    return null;
  }

  /** The sender heard `input_refused` for `seq`: it will never be applied. */
  refused(seat: number, seq: number): void {
    const e = this.sent[seat].find((x) => x.seq === seq && x.applied === -1);
    if (e) this.resolveRefused(e);
    this.trim(seat);
    this.drain();
  }

  /** An authoritative digest at `tick` (point, game_over, check, game_started, paused). */
  authoritative(check: AuthoritativeCheck): void {
    this.waiting.push(check);
    this.drain();
  }

  /** Inputs sent at or after `at` that no relay or refusal has resolved yet. */
  unresolvedSince(at: number): number {
    let n = 0;
    for (const q of this.sent) for (const e of q) if (e.applied === -1 && e.at >= at) n++;
    return n;
  }

  /** Messages still waiting (inputs stamped before them unresolved). */
  get waitingCount(): number {
    return this.waiting.length;
  }

  private resolveRefused(e: SentInput): void {
    e.applied = -2;
    this.totals.refused++;
  }

  private addResolved(tick: number, seat: number, dir: Dir): void {
    const tl = this.timeline;
    if (tl && tick >= tl.tick) {
      tl.addInput({ tick, seat, dir });
      this.points.onInput(seat, tick);
    }
    else if (!tl) this.resolved.push({ tick, seat, dir });
    else this.totals.badRelays++; // applied in the past of what was already checked: cannot be
  }

  private trim(seat: number): void {
    const q = this.sent[seat];
    let k = 0;
    while (k < q.length && q[k].applied !== -1) k++;
    if (k > 0) q.splice(0, k);
  }

  /** Smallest stamp of an unresolved input (Infinity when none). */
  private unresolvedFloor(): number {
    let min = Infinity;
    for (const q of this.sent) for (const e of q) if (e.applied === -1 && e.stamp < min) min = e.stamp;
    return min;
  }

  private drain(): void {
    const tl = this.timeline;
    if (!tl) return;
    const floor = this.unresolvedFloor();
    // Check in tick order what no unresolved input can still change (inputs stamped >= T cannot).
    this.waiting.sort((a, b) => a.tick - b.tick);
    let k = 0;
    for (; k < this.waiting.length; k++) {
      const w = this.waiting[k];
      if (w.tick > floor) break;
      const key = `${w.kind}@${w.tick}`;
      const first = this.checkedDigests.get(key);
      if (first !== undefined) {
        this.totals.checked++;
        if (first !== w.digest >>> 0) this.mismatch(w, `${w.kind} at tick ${w.tick} (seat ${w.seat}, a second copy): server ${w.digest >>> 0}, simulation ${first}`);
        continue;
      }
      if (w.tick < tl.tick) {
        this.totals.unverifiable++;
        continue;
      }
      tl.stepTo(w.tick);
      if (tl.tick !== w.tick) {
        // The game ended earlier in our simulation than the server says: a desync too.
        this.mismatch(w, `${w.kind} at tick ${w.tick}: simulation stopped at ${tl.tick}`);
        continue;
      }
      for (const seat of w.eliminate ?? []) if (tl.state.paddles[seat]?.active) {
        tl.eliminate(seat);
        this.points.reset();
      }
      this.totals.checked++;
      const mine = tl.digest();
      this.checkedDigests.set(key, mine);
      if (this.checkedDigests.size > 16) this.checkedDigests.delete(this.checkedDigests.keys().next().value!);
      if (mine !== w.digest >>> 0) this.mismatch(w, `${w.kind} at tick ${w.tick} (seat ${w.seat}): server ${w.digest >>> 0}, simulation ${mine}; ${this.explain(w)}`);
    }
    if (k > 0) this.waiting.splice(0, k);
  }

  /**
   * What a desync's report needs to tell the server from this model: per seat, the server's ack
   * against the inputs this model knows (sent and not refused, with the tick each was applied at).
   */
  private explain(w: AuthoritativeCheck): string {
    const seats = this.sent.map((q, seat) => {
      const known = q.filter((e) => e.applied !== -2).map((e) => `${e.seq}@${e.applied === -1 ? `?${e.stamp}` : e.applied}`);
      return `seat ${seat}: server ack ${w.acks?.[seat] ?? "?"}, pending here [${known.slice(-6).join(" ")}]`;
    });
    return `${seats.join("; ")}; timeline pending ${this.timeline?.pendingInputs().map((p) => `${p.seat}:${p.dir}@${p.tick}`).join(" ") ?? "-"}`;
  }

  private mismatch(w: AuthoritativeCheck, text: string): void {
    this.totals.desyncs++;
    if (this.samples.length < 5) this.samples.push(text);
  }
}
