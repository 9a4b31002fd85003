/**
 * A 32-bit digest of an engine state (FNV-1a over every field, numbers by their IEEE-754 bits,
 * little endian). Server and client compute it the same way, so equal digests mean equal states
 * (up to a 1-in-4-billion collision) and a mismatch means the client's simulation diverged.
 *
 * -0 is hashed as +0: a state that travels as JSON (a `sync`) comes back with +0 where the sender
 * may hold -0, and the two behave the same in the engine (it never divides by a zero velocity).
 */
import { SIDES_BY_MODE, type GameState, type Phase } from "../engine/types";

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const PHASE_CODE: Readonly<Record<Phase, number>> = { serving: 0, playing: 1, over: 2 };
const SIDE_CODE = { left: 0, right: 1, top: 2, bottom: 3 } as const;

/** Scratch for reading a double's bits (module-level: allocation-free and still pure). */
const scratch = new DataView(new ArrayBuffer(8));

function mixU32(h: number, v: number): number {
  h = Math.imul(h ^ (v & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((v >>> 8) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((v >>> 16) & 0xff), FNV_PRIME);
  return Math.imul(h ^ (v >>> 24), FNV_PRIME);
}

function mixNum(h: number, v: number): number {
  scratch.setFloat64(0, v + 0, true); // + 0 turns -0 into +0
  return mixU32(mixU32(h, scratch.getUint32(0, true)), scratch.getUint32(4, true));
}

/** Digest of every field of `state`, config included. Unsigned 32-bit integer. */
export function stateDigest(state: GameState): number {
  const c = state.config;
  let h = FNV_OFFSET;
  h = mixU32(h, c.mode === "2p" ? 2 : 4);
  h = mixNum(h, c.width);
  h = mixNum(h, c.height);
  h = mixNum(h, c.winScore);
  h = mixNum(h, c.paddleLength);
  h = mixNum(h, c.paddleThickness);
  h = mixNum(h, c.paddleInset);
  h = mixNum(h, c.paddleSpeed);
  h = mixNum(h, c.ballSize);
  h = mixNum(h, c.ballSpeed);
  h = mixNum(h, c.ballSpeedMax);
  h = mixNum(h, c.ballSpeedup);
  h = mixNum(h, c.maxBounceAngle);
  h = mixNum(h, c.servePauseTicks);
  h = mixNum(h, state.tick);
  h = mixU32(h, PHASE_CODE[state.phase]);
  h = mixNum(h, state.serveIn);
  const b = state.ball;
  h = mixNum(h, b.x);
  h = mixNum(h, b.y);
  h = mixNum(h, b.vx);
  h = mixNum(h, b.vy);
  h = mixNum(h, b.speed);
  const sides = SIDES_BY_MODE[c.mode];
  h = mixU32(h, state.paddles.length);
  for (let i = 0; i < state.paddles.length; i++) {
    const p = state.paddles[i];
    h = mixU32(h, SIDE_CODE[p.side ?? sides[i]]);
    h = mixNum(h, p.pos);
    h = mixU32(h, p.dir + 1);
    h = mixU32(h, p.active ? 1 : 0);
  }
  h = mixU32(h, state.scores.length);
  for (const s of state.scores) h = mixNum(h, s);
  h = mixNum(h, state.lastTouch);
  h = mixNum(h, state.winner);
  h = mixU32(h, state.rng >>> 0);
  return h >>> 0;
}
