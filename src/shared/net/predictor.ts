/**
 * Client-side prediction of the local player's paddle, reconciled with the server.
 *
 * Pure and deterministic: no clock, no I/O. The caller steps it once per local simulation tick
 * (`step()`, same 60 Hz as the server) while the match runs, tells it when the held direction
 * changes (`setDir`, which returns the `input` message to send) and feeds it the server's view of
 * the paddle from every snapshot (`reconcile`).
 *
 * Model. Inputs are held directions; the server applies an input from its next tick and
 * acknowledges the last applied `seq` in every snapshot. Each input records the local tick from
 * which it applied locally. When a snapshot first acknowledges input A we work out the server tick
 * S_A at which A took effect: it lies after the previous snapshot's tick and at or before this
 * one's; among those candidates we keep the one whose replay (from the previous snapshot's paddle,
 * with the inputs acknowledged since) lands on the reported position, breaking ties with the
 * running average offset. `offset = S_A - localTick(A)` then maps server ticks onto local ticks
 * for as long as A is the latest applied input. On every snapshot the prediction restarts from the
 * server's paddle at its tick (= local tick `tick - offset`) and re-applies the inputs the server
 * has not applied yet, at the local ticks they were pressed, up to now. Under constant latency
 * this reproduces the local trajectory exactly (no correction); otherwise the difference is a
 * correction: small ones are blended into the displayed position over a few ticks, big ones snap.
 */
import { clampPaddlePos, paddleHome } from "../engine/geometry";
import type { Dir, GameConfig, Side } from "../engine/types";
import type { InputMsg } from "../protocol/messages";

/** An input as the predictor remembers it until the server acknowledges it. */
export interface PendingInput {
  seq: number;
  dir: Dir;
  /** Local tick from which it applies (the first local step taken with it). */
  tick: number;
}

/** The server's view of this paddle, from one snapshot. */
export interface ServerPaddle {
  /** Server tick of the snapshot. */
  tick: number;
  pos: number;
  dir: Dir;
  /** Last input seq the server applied for this seat (-1: none). */
  ack: number;
}

export interface PaddlePredictorOptions {
  config: GameConfig;
  side: Side;
  /** Starting position (default: centre of the side). */
  pos?: number;
  /** First seq to use (e.g. the last ack + 1 after a reload). */
  firstSeq?: number;
  /** Corrections larger than this many px are applied at once; smaller ones are smoothed. Default: half a paddle. */
  snapDistance?: number;
  /** Share of the remaining visual error kept after each tick, 0..1. Default 0.75 (~90% gone in 8 ticks). */
  errorDecay?: number;
}

export interface ReconcileResult {
  /** Change of the predicted position caused by this snapshot (px; 0 when the prediction was right). */
  correction: number;
  /** true when the correction was too big to smooth and was applied at once. */
  snapped: boolean;
  /**
   * An input to send again: every input is acknowledged yet the server holds another direction
   * (its seq was ignored, e.g. sent before the page knew the server's ack). Null normally.
   */
  resend: InputMsg | null;
}

const MAX_PENDING = 512;
const MAX_REPLAY_TICKS = 1200;
const MAX_CANDIDATES = 64;
const MATCH_EPS = 0.26; // positions travel in 1/8 px
const MAX_SEQ = 2 ** 31 - 1;

export class PaddlePredictor {
  /** Local ticks stepped so far. */
  tick = 0;
  /** Predicted position after `tick` steps (what the server will have once it catches up). */
  pos: number;
  /** The direction held now (the latest input). */
  dir: Dir = 0;

  private readonly config: GameConfig;
  private readonly side: Side;
  private readonly snapDistance: number;
  private readonly errorDecay: number;
  private error = 0;
  private pending: PendingInput[] = [];
  private nextSeq: number;
  private ack = -1;
  /** Server tick minus local tick for the latest acknowledged input, or null when unknown. */
  private offset: number | null = null;
  /** Running average of measured offsets (tie-breaker; survives timing resets). */
  private offsetAvg: number | null = null;
  private last: ServerPaddle | null = null;

  constructor(options: PaddlePredictorOptions) {
    this.config = options.config;
    this.side = options.side;
    this.pos = clampPaddlePos(this.config, this.side, options.pos ?? paddleHome(this.config, this.side));
    this.nextSeq = Math.max(0, options.firstSeq ?? 0);
    this.snapDistance = options.snapDistance ?? this.config.paddleLength / 2;
    this.errorDecay = options.errorDecay ?? 0.75;
  }

  /** Position to draw: the prediction plus what is left of recent smoothed corrections. */
  get displayPos(): number {
    return clampPaddlePos(this.config, this.side, this.pos + this.error);
  }

  /** Inputs sent and not acknowledged yet (oldest first). */
  get unacked(): readonly PendingInput[] {
    return this.pending;
  }

  /** Estimated server-minus-local tick offset of the latest acknowledged input (null: unknown). */
  get tickOffset(): number | null {
    return this.offset;
  }

  /** The next seq this predictor will send. */
  get seq(): number {
    return this.nextSeq;
  }

  /** Makes sure future inputs use a seq above `ack` (the server ignores older ones). */
  seqFloor(ack: number): void {
    if (ack + 1 > this.nextSeq) this.nextSeq = Math.min(MAX_SEQ, ack + 1);
  }

  /**
   * The player now holds `dir`. Returns the input message to send, or null if nothing changed.
   * The input applies from the next `step()`.
   */
  setDir(dir: Dir): InputMsg | null {
    if (dir === this.dir) return null;
    this.dir = dir;
    return this.record(dir);
  }

  /**
   * Sends the held direction again under a new seq (after a reconnect: inputs sent on the old
   * socket may never have arrived). Applying a direction that is already held changes nothing.
   */
  resync(): InputMsg {
    return this.record(this.dir);
  }

  private record(dir: Dir): InputMsg {
    const seq = this.nextSeq;
    this.nextSeq = Math.min(MAX_SEQ, seq + 1);
    this.pending.push({ seq, dir, tick: this.tick + 1 });
    if (this.pending.length > MAX_PENDING) this.pending.shift();
    return { type: "input", seq, tick: this.tick + 1, dir };
  }

  /** One local simulation tick with the held direction (the engine's paddle rule). */
  step(): void {
    this.tick++;
    if (this.dir !== 0) this.pos = clampPaddlePos(this.config, this.side, this.pos + this.dir * this.config.paddleSpeed);
    this.error *= this.errorDecay;
    if (Math.abs(this.error) < 0.05) this.error = 0;
  }

  /**
   * Forgets the tick mapping (after a pause, a resume or a reconnect, the server's and the local
   * tick counts no longer line up). The next acknowledged input measures it again. With
   * `serverTick` (e.g. from `game_started`), local ticks are renumbered to continue from it.
   */
  resetTiming(serverTick?: number): void {
    this.offset = null;
    this.last = null;
    if (serverTick !== undefined) {
      // Renumber local ticks so that they start level with the server's again; the average
      // offset (mostly latency) stays meaningful across the gap.
      const shift = serverTick - this.tick;
      this.tick = serverTick;
      for (const input of this.pending) input.tick += shift;
    }
  }

  /** Puts the paddle somewhere outright (a new match): no smoothing, nothing pending. */
  reset(pos: number, dir: Dir = 0): void {
    this.pos = clampPaddlePos(this.config, this.side, pos);
    this.dir = dir;
    this.error = 0;
    this.pending = [];
    this.resetTiming();
  }

  /** Applies one snapshot's view of this paddle. Stale or duplicate snapshots are ignored. */
  reconcile(server: ServerPaddle): ReconcileResult {
    const none: ReconcileResult = { correction: 0, snapped: false, resend: null };
    const last = this.last;
    if (last && server.tick <= last.tick) return none;

    if (server.ack > this.ack) {
      let n = 0;
      while (n < this.pending.length && this.pending[n].seq <= server.ack) n++;
      const newly = this.pending.slice(0, n);
      this.pending = this.pending.slice(n);
      const latest = newly[newly.length - 1];
      if (latest && latest.seq === server.ack) {
        const applied = this.solveAppliedTick(last, server, newly);
        this.offset = applied - latest.tick;
        this.offsetAvg = this.offsetAvg === null ? this.offset : this.offsetAvg + 0.25 * (this.offset - this.offsetAvg);
      } else {
        // Acknowledges an input this predictor never sent (an earlier page): no timing from it.
        this.offset = null;
      }
      this.ack = server.ack;
    }
    this.seqFloor(server.ack);
    this.last = { ...server };

    // Replay from the server's paddle at its tick over the inputs it has not applied yet. The
    // server tick maps to local tick `server.tick - offset`; with no measured offset, the average
    // one, and in any case late enough that the oldest pending input comes after it (the server
    // has not applied that one yet).
    let offset = this.offset ?? this.offsetAvg;
    if (this.pending.length) offset = Math.max(offset ?? -Infinity, server.tick - this.pending[0].tick + 1);
    let from = offset === null ? this.tick : Math.min(this.tick, server.tick - offset);
    from = Math.max(from, this.tick - MAX_REPLAY_TICKS);
    let pos = server.pos;
    let dir = server.dir;
    let t = from;
    for (const input of this.pending) {
      const at = Math.max(input.tick, from + 1);
      if (at > this.tick) break;
      pos = this.advance(pos, dir, at - 1 - t);
      t = at - 1;
      dir = input.dir;
    }
    pos = this.advance(pos, dir, this.tick - t);

    const correction = pos - this.pos;
    let snapped = false;
    if (Math.abs(correction) > this.snapDistance) {
      this.error = 0;
      snapped = correction !== 0;
    } else {
      this.error -= correction;
      if (Math.abs(this.error) > this.snapDistance) this.error = Math.sign(this.error) * this.snapDistance;
    }
    this.pos = pos;

    // Everything acknowledged, yet the server holds another direction: its copy was ignored.
    const resend = this.pending.length === 0 && server.dir !== this.dir ? this.resync() : null;
    return { correction, snapped, resend };
  }

  /** `n` ticks of holding `dir` from `pos` (moves are monotonic, so clamping once is exact). */
  private advance(pos: number, dir: Dir, n: number): number {
    if (n <= 0 || dir === 0) return pos;
    return clampPaddlePos(this.config, this.side, pos + dir * this.config.paddleSpeed * n);
  }

  /**
   * The server tick at which the latest of `newly` (all acknowledged by `server` for the first
   * time) took effect: a tick in (last.tick, server.tick]. Candidates are checked by replaying the
   * server's paddle from the previous snapshot; ties go to the one nearest the average offset.
   */
  private solveAppliedTick(last: ServerPaddle | null, server: ServerPaddle, newly: PendingInput[]): number {
    const latest = newly[newly.length - 1];
    const hi = server.tick;
    const expected = this.offsetAvg === null ? null : Math.round(latest.tick + this.offsetAvg);
    if (!last || hi - last.tick > MAX_CANDIDATES) {
      return expected === null ? hi : Math.min(hi, last ? Math.max(last.tick + 1, expected) : expected);
    }
    const lo = last.tick + 1;
    let best: number[] = [];
    let bestErr = Infinity;
    for (let c = lo; c <= hi; c++) {
      let pos = last.pos;
      let dir = last.dir;
      let t = last.tick;
      for (const input of newly) {
        const at = Math.max(lo, c - (latest.tick - input.tick));
        pos = this.advance(pos, dir, at - 1 - t);
        t = at - 1;
        dir = input.dir;
      }
      pos = this.advance(pos, dir, hi - t);
      const err = Math.abs(pos - server.pos);
      if (err < bestErr - MATCH_EPS) {
        bestErr = err;
        best = [c];
      } else if (err <= bestErr + MATCH_EPS) {
        best.push(c);
        bestErr = Math.min(bestErr, err);
      }
    }
    if (expected === null) return best[best.length - 1];
    let pick = best[0];
    for (const c of best) if (Math.abs(c - expected) < Math.abs(pick - expected)) pick = c;
    return pick;
  }
}
