/**
 * When a GameSession tells its matchmaker shard about itself for the live-games list (/watch).
 * The list is advisory (the session stays authoritative) and every update is a call into a shared
 * shard plus a row it writes, so it is told what changes the list's shape at once (phase, players)
 * and the score at most every LIVE_SCORE_EVERY_MS, at a save that happens anyway: not once per
 * point, which would put the shard on every match's hot path. Told every 15 s, the updates were
 * still 5 % of the server's CPU at 100 matches (A/B in docs/benchmarks.md), for a score that a
 * spectator sees live once they press Watch; the list says how fresh its scores are.
 */
import type { SessionRecord } from "./record";

export const LIVE_SCORE_EVERY_MS = 60_000;

/** What the shard was last told. */
export interface ToldLive {
  shape: string;
  scores: string;
  at: number;
}

export const NOTHING_TOLD: ToldLive = { shape: "", scores: "", at: -Infinity };

/** The new "told" if this save must be told to the shard, or null if the shard already knows enough. */
export function liveListUpdate(rec: SessionRecord, told: ToldLive, now: number): ToldLive | null {
  const shape = `${rec.phase}|${rec.seats.map((s) => s?.userId ?? "").join(",")}`;
  const scores = rec.timeline.state.scores.join(",");
  if (shape === told.shape && (scores === told.scores || now - told.at < LIVE_SCORE_EVERY_MS)) return null;
  return { shape, scores, at: now };
}
