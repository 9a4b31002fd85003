/**
 * Binary snapshot frames (server -> client), the `state` message of the protocol.
 *
 * A snapshot is either full (sent on join and as a periodic keyframe) or a delta against the
 * previous snapshot broadcast to the same game, carrying only the fields that changed. The server
 * encodes each snapshot once and sends the same bytes to every socket. Positions are quantized
 * to 1/8 px and velocities to 1/256 px per tick: enough for rendering; the authoritative state
 * stays on the server. Layout (little endian) is documented in docs/protocol.md:
 *
 *   u8  kind (1 full, 2 delta) | u32 tick | [delta: u8 tick - baseTick] | [full: u8 seats] | u16 mask
 *   bit 0  ball position   i16 x, i16 y            (1/8 px)
 *   bit 1  ball velocity   i16 vx, i16 vy          (1/256 px/tick)
 *   bit 2  status          u8 phase, u8 serveIn, i8 lastTouch, i8 winner, u8 activeMask
 *   bit 3  scores          u8 per seat
 *   bit 4+i paddle i       u16 pos (1/8 px), i8 dir
 *   bit 8+i ack i          u32 last input seq applied (0xFFFFFFFF = none yet)
 */
import type { Dir, GameState, Phase } from "../engine/types";

export const SNAPSHOT_FULL = 1;
export const SNAPSHOT_DELTA = 2;

const POS_SCALE = 8;
const VEL_SCALE = 256;
const PHASES: readonly Phase[] = ["serving", "playing", "over"];

/** What a client sees of the game: quantized, plus each seat's acknowledged input sequence. */
export interface SnapshotView {
  tick: number;
  phase: Phase;
  serveIn: number;
  lastTouch: number;
  winner: number;
  ball: { x: number; y: number; vx: number; vy: number };
  paddles: { pos: number; dir: Dir; active: boolean }[];
  scores: number[];
  acks: number[];
}

const qPos = (v: number) => Math.max(-32768, Math.min(32767, Math.round(v * POS_SCALE)));
const qVel = (v: number) => Math.max(-32768, Math.min(32767, Math.round(v * VEL_SCALE)));
const clampU8 = (v: number) => Math.max(0, Math.min(255, v | 0));

/** Builds the quantized view of an engine state, so equal views mean equal bytes. */
export function viewOf(state: GameState, acks: readonly number[]): SnapshotView {
  return {
    tick: state.tick,
    phase: state.phase,
    serveIn: clampU8(state.serveIn),
    lastTouch: state.lastTouch,
    winner: state.winner,
    ball: {
      x: qPos(state.ball.x) / POS_SCALE,
      y: qPos(state.ball.y) / POS_SCALE,
      vx: qVel(state.ball.vx) / VEL_SCALE,
      vy: qVel(state.ball.vy) / VEL_SCALE,
    },
    paddles: state.paddles.map((p) => ({ pos: Math.max(0, qPos(p.pos)) / POS_SCALE, dir: p.dir, active: p.active })),
    scores: state.scores.map(clampU8),
    acks: state.paddles.map((_, i) => acks[i] ?? -1),
  };
}

/**
 * The same view as `viewOf`, written into `into` (its objects and arrays reused) when it has the
 * same shape: the server fills two views in turn, so a broadcast allocates no view at all.
 */
export function viewInto(into: SnapshotView | null, state: GameState, acks: readonly number[]): SnapshotView {
  const seats = state.paddles.length;
  if (!into || into.paddles.length !== seats || into.scores.length !== state.scores.length) return viewOf(state, acks);
  into.tick = state.tick;
  into.phase = state.phase;
  into.serveIn = clampU8(state.serveIn);
  into.lastTouch = state.lastTouch;
  into.winner = state.winner;
  const b = state.ball;
  into.ball.x = qPos(b.x) / POS_SCALE;
  into.ball.y = qPos(b.y) / POS_SCALE;
  into.ball.vx = qVel(b.vx) / VEL_SCALE;
  into.ball.vy = qVel(b.vy) / VEL_SCALE;
  for (let i = 0; i < seats; i++) {
    const p = state.paddles[i];
    const v = into.paddles[i];
    v.pos = Math.max(0, qPos(p.pos)) / POS_SCALE;
    v.dir = p.dir;
    v.active = p.active;
    into.acks[i] = acks[i] ?? -1;
  }
  for (let i = 0; i < state.scores.length; i++) into.scores[i] = clampU8(state.scores[i]);
  return into;
}

function activeMask(v: SnapshotView): number {
  let m = 0;
  for (let i = 0; i < v.paddles.length; i++) if (v.paddles[i].active) m |= 1 << i;
  return m;
}

function statusEqual(a: SnapshotView, b: SnapshotView): boolean {
  return (
    a.phase === b.phase &&
    a.serveIn === b.serveIn &&
    a.lastTouch === b.lastTouch &&
    a.winner === b.winner &&
    activeMask(a) === activeMask(b)
  );
}

/** Which fields differ between `prev` and `curr` (all fields when there is no base). */
function changeMask(curr: SnapshotView, prev: SnapshotView | null): number {
  const seats = curr.paddles.length;
  if (!prev || prev.paddles.length !== seats) return 0b1111 | (((1 << seats) - 1) << 4) | (((1 << seats) - 1) << 8);
  let mask = 0;
  if (curr.ball.x !== prev.ball.x || curr.ball.y !== prev.ball.y) mask |= 1;
  if (curr.ball.vx !== prev.ball.vx || curr.ball.vy !== prev.ball.vy) mask |= 2;
  if (!statusEqual(curr, prev)) mask |= 4;
  for (let i = 0; i < curr.scores.length; i++) {
    if (curr.scores[i] !== prev.scores[i]) {
      mask |= 8;
      break;
    }
  }
  for (let i = 0; i < seats; i++) {
    const a = curr.paddles[i];
    const b = prev.paddles[i];
    if (a.pos !== b.pos || a.dir !== b.dir) mask |= 1 << (4 + i);
    if (curr.acks[i] !== prev.acks[i]) mask |= 1 << (8 + i);
  }
  return mask;
}

function popcount(n: number): number {
  let c = 0;
  for (; n; n &= n - 1) c++;
  return c;
}

/**
 * Encodes `curr` as a delta against `prev`, or as a full snapshot when `prev` is null.
 * A delta is only valid for a receiver that holds exactly `prev`.
 */
export function encodeSnapshot(curr: SnapshotView, prev: SnapshotView | null): Uint8Array {
  const seats = curr.paddles.length;
  const full = prev === null;
  const mask = changeMask(curr, prev);
  const paddleBits = (mask >> 4) & 0xf;
  const ackBits = (mask >> 8) & 0xf;
  const size =
    1 + 4 + 1 + 2 +
    (mask & 1 ? 4 : 0) +
    (mask & 2 ? 4 : 0) +
    (mask & 4 ? 5 : 0) +
    (mask & 8 ? seats : 0) +
    popcount(paddleBits) * 3 +
    popcount(ackBits) * 4;
  const buf = new Uint8Array(size);
  const dv = new DataView(buf.buffer);
  let o = 0;
  dv.setUint8(o++, full ? SNAPSHOT_FULL : SNAPSHOT_DELTA);
  dv.setUint32(o, curr.tick >>> 0, true);
  o += 4;
  dv.setUint8(o++, full ? seats : clampU8(curr.tick - prev.tick));
  dv.setUint16(o, mask, true);
  o += 2;
  if (mask & 1) {
    dv.setInt16(o, qPos(curr.ball.x), true);
    dv.setInt16(o + 2, qPos(curr.ball.y), true);
    o += 4;
  }
  if (mask & 2) {
    dv.setInt16(o, qVel(curr.ball.vx), true);
    dv.setInt16(o + 2, qVel(curr.ball.vy), true);
    o += 4;
  }
  if (mask & 4) {
    dv.setUint8(o++, curr.phase === "serving" ? 0 : curr.phase === "playing" ? 1 : 2);
    dv.setUint8(o++, curr.serveIn);
    dv.setInt8(o++, curr.lastTouch);
    dv.setInt8(o++, curr.winner);
    dv.setUint8(o++, activeMask(curr));
  }
  if (mask & 8) for (let i = 0; i < seats; i++) dv.setUint8(o++, curr.scores[i]);
  for (let i = 0; i < seats; i++) {
    if (!(paddleBits & (1 << i))) continue;
    dv.setUint16(o, Math.max(0, qPos(curr.paddles[i].pos)), true);
    dv.setInt8(o + 2, curr.paddles[i].dir);
    o += 3;
  }
  for (let i = 0; i < seats; i++) {
    if (!(ackBits & (1 << i))) continue;
    dv.setUint32(o, curr.acks[i] < 0 ? 0xffffffff : curr.acks[i], true);
    o += 4;
  }
  return buf;
}

export class SnapshotDecodeError extends Error {}

/**
 * Decodes a snapshot. Deltas need the view the server based them on; a delta whose base tick
 * does not match `prev` throws SnapshotDecodeError (the client then waits for the next keyframe).
 */
export function decodeSnapshot(data: ArrayBuffer | Uint8Array, prev: SnapshotView | null): SnapshotView {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8) throw new SnapshotDecodeError("snapshot too short");
  let o = 0;
  const kind = dv.getUint8(o++);
  const tick = dv.getUint32(o, true);
  o += 4;
  const third = dv.getUint8(o++);
  const mask = dv.getUint16(o, true);
  o += 2;
  let base: SnapshotView;
  if (kind === SNAPSHOT_FULL) {
    const seats = third;
    base = {
      tick,
      phase: "serving",
      serveIn: 0,
      lastTouch: -1,
      winner: -1,
      ball: { x: 0, y: 0, vx: 0, vy: 0 },
      paddles: Array.from({ length: seats }, () => ({ pos: 0, dir: 0 as Dir, active: true })),
      scores: new Array(seats).fill(0),
      acks: new Array(seats).fill(-1),
    };
  } else if (kind === SNAPSHOT_DELTA) {
    if (!prev || prev.tick !== tick - third) throw new SnapshotDecodeError("delta base does not match");
    base = {
      ...prev,
      ball: { ...prev.ball },
      paddles: prev.paddles.map((p) => ({ ...p })),
      scores: [...prev.scores],
      acks: [...prev.acks],
    };
  } else {
    throw new SnapshotDecodeError(`unknown snapshot kind ${kind}`);
  }
  const seats = base.paddles.length;
  base.tick = tick;
  try {
    if (mask & 1) {
      base.ball.x = dv.getInt16(o, true) / POS_SCALE;
      base.ball.y = dv.getInt16(o + 2, true) / POS_SCALE;
      o += 4;
    }
    if (mask & 2) {
      base.ball.vx = dv.getInt16(o, true) / VEL_SCALE;
      base.ball.vy = dv.getInt16(o + 2, true) / VEL_SCALE;
      o += 4;
    }
    if (mask & 4) {
      base.phase = PHASES[dv.getUint8(o++)] ?? "playing";
      base.serveIn = dv.getUint8(o++);
      base.lastTouch = dv.getInt8(o++);
      base.winner = dv.getInt8(o++);
      const active = dv.getUint8(o++);
      base.paddles.forEach((p, i) => (p.active = (active & (1 << i)) !== 0));
    }
    if (mask & 8) for (let i = 0; i < seats; i++) base.scores[i] = dv.getUint8(o++);
    for (let i = 0; i < seats; i++) {
      if (!(mask & (1 << (4 + i)))) continue;
      base.paddles[i].pos = dv.getUint16(o, true) / POS_SCALE;
      base.paddles[i].dir = dv.getInt8(o + 2) as Dir;
      o += 3;
    }
    for (let i = 0; i < seats; i++) {
      if (!(mask & (1 << (8 + i)))) continue;
      const seq = dv.getUint32(o, true);
      base.acks[i] = seq === 0xffffffff ? -1 : seq;
      o += 4;
    }
  } catch (e) {
    if (e instanceof RangeError) throw new SnapshotDecodeError("snapshot truncated");
    throw e;
  }
  return base;
}
