/**
 * The input acceptance rule, the same on both sides: a client stamps each input with the tick it
 * is meant for; the server accepts a stamp in `[current, current + maxLead]` at its stamp, moves an
 * older one to `current` (nobody rewrites the past: the state before `current` is settled and has
 * been relayed) and refuses one further ahead (it would let a client queue moves it cannot see
 * coming, and grow the pending log without bound). The engine still caps the paddle's speed.
 */

/** Largest lead of a stamp over the server's current tick: 30 ticks = 0.5 s at 60 Hz. */
export const MAX_INPUT_LEAD_TICKS = 30;

export type InputVerdict =
  /** Applied at its stamp. */
  | { kind: "exact"; tick: number }
  /** Stamped in the past: applied at the current tick instead (the sender is told). */
  | { kind: "late"; tick: number }
  /** Stamped beyond the lead: not applied (the sender is told, with the largest stamp allowed). */
  | { kind: "too_early"; maxTick: number };

/** Where an input stamped `stamp` goes when the timeline is at `current`. Pure. */
export function acceptInputTick(stamp: number, current: number, maxLead: number = MAX_INPUT_LEAD_TICKS): InputVerdict {
  if (stamp < current) return { kind: "late", tick: current };
  if (stamp > current + maxLead) return { kind: "too_early", maxTick: current + maxLead };
  return { kind: "exact", tick: stamp };
}
