/**
 * Latency histogram with fixed 0.1 ms buckets up to 2 s (later values share the last bucket; the
 * exact maximum is kept). Mergeable across processes through its sparse JSON form.
 */
const RES_MS = 0.1;
const BUCKETS = 20_000;

export interface HistJson {
  /** [bucket index, count] pairs of the non-empty buckets. */
  b: [number, number][];
  n: number;
  sum: number;
  max: number;
}

export class Hist {
  private counts = new Uint32Array(BUCKETS);
  n = 0;
  sum = 0;
  max = 0;

  add(ms: number): void {
    const v = ms < 0 ? 0 : ms;
    this.counts[Math.min(BUCKETS - 1, Math.floor(v / RES_MS))]++;
    this.n++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  reset(): void {
    this.counts.fill(0);
    this.n = 0;
    this.sum = 0;
    this.max = 0;
  }

  merge(h: HistJson | Hist): void {
    const j = h instanceof Hist ? h.toJSON() : h;
    for (const [i, c] of j.b) this.counts[i] += c;
    this.n += j.n;
    this.sum += j.sum;
    if (j.max > this.max) this.max = j.max;
  }

  /** Quantile in ms (upper edge of its bucket, never above the observed maximum); NaN when empty. */
  quantile(q: number): number {
    if (this.n === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.max, (i + 1) * RES_MS);
    }
    return this.max;
  }

  mean(): number {
    return this.n ? this.sum / this.n : NaN;
  }

  toJSON(): HistJson {
    const b: [number, number][] = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) b.push([i, this.counts[i]]);
    return { b, n: this.n, sum: this.sum, max: this.max };
  }

  static from(j: HistJson): Hist {
    const h = new Hist();
    h.merge(j);
    return h;
  }
}
