/**
 * Seeded PRNG (mulberry32). The whole generator state is one uint32 kept in `GameState.rng`, so a
 * state carries its own randomness and replays are exact. Split in two pure halves so the hot path
 * allocates nothing: `rngAdvance` moves the state on, `rngFloat` reads a float in [0, 1) from it.
 */

/** Next generator state (uint32). */
export function rngAdvance(s: number): number {
  return (s + 0x6d2b79f5) >>> 0;
}

/** The float in [0, 1) that generator state `s` yields. */
export function rngFloat(s: number): number {
  let t = s >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Small mutable wrapper for callers that keep their own stream (AI, tests, benches). */
export class Rng {
  constructor(public state: number) {
    this.state = state >>> 0;
  }

  /** Float in [0, 1). */
  next(): number {
    this.state = rngAdvance(this.state);
    return rngFloat(this.state);
  }

  /** Float in [-1, 1). */
  signed(): number {
    return this.next() * 2 - 1;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
