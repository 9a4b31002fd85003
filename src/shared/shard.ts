/**
 * Which of K shards a key belongs to: FNV-1a over the key's UTF-16 code units, modulo K. Pure and
 * stable across isolates and deploys (a reporter keeps its shard as long as K is unchanged).
 * Raising K moves some keys to new shards; readers fan in from every shard 0..K-1, so no live
 * data needs migrating (a key's old shard keeps what it had until its lease or buffer drains).
 */
export function shardOf(key: string, shards: number): number {
  const k = Math.max(1, Math.floor(shards) || 1);
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % k;
}

/** A shard count from configuration: a positive integer, `fallback` when unset or invalid. */
export function shardCount(raw: string | undefined, fallback: number, max = 256): number {
  const n = raw === undefined || raw.trim() === "" ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 1 ? Math.min(max, n) : fallback;
}
