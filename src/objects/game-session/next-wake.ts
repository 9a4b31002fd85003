/**
 * "When must I wake next": the one alarm of a GameSession, as a pure function. The object holds no
 * timer while a match runs (a pending timer keeps it from hibernating, and hibernation-eligible
 * time is not billed), so everything time-driven comes from here: rejoin / no-show deadlines, the
 * idle lobby, the countdown's seconds, the next predicted point, the periodic checkpoint, and after
 * the end the result retries and the clean-up.
 *
 * The heartbeat has no wake of its own. Every event judges it once it is due (game-session.ts
 * catchUp): an input, a `wake`, and the clock-sync `time` request that every live client sends at
 * least every 10 s (shared/net/clock-sync.ts). So a player whose line died silently is noticed
 * within that while anyone else is still there. With no live client at all, nobody is waiting:
 * the checkpoint wake (at most CHECKPOINT_EVERY_MS) judges it. A wake of its own, one timeout
 * after the first moment a socket could be silent, fired about every 12 s of every match: an
 * alarm and a row each time, about 3 % of the server's CPU at 100 matches (docs/benchmarks.md).
 */
import type { SessionRecord } from "./record";
import { RETRY_BASE_MS } from "../durability/retry";
import { anyonePresent, ended, resultPending } from "./rules";

/** A running timeline is checkpointed at least this often (bounds what a restart replays). */
export const CHECKPOINT_EVERY_MS = 60_000;

export interface LiveTimes {
  /** Epoch ms of the next predicted point, or null (none within the horizon, or not playing). */
  pointAt: number | null;
  /** When nothing else wakes the object before it: the end of the prediction horizon (re-predict then). */
  horizonAt: number | null;
}

/** What a wake is for (counted per alarm, so the bench can say what the alarms pay for). */
export type WakeReason = "deadline" | "idle" | "countdown" | "point" | "horizon" | "checkpoint" | "result" | "cleanup";

/** The next wake and what it is for, or null for none. Never earlier than `now`. */
export function plannedWake(rec: SessionRecord, live: LiveTimes, now: number): { at: number; why: WakeReason } | null {
  // Called on every event: plain comparisons, no allocation but the answer.
  let at = Infinity;
  let why: WakeReason = "deadline";
  if (!ended(rec.phase)) {
    for (const s of rec.seats) {
      if (s && !s.present && !s.out && s.rejoinDeadline !== null && s.rejoinDeadline !== undefined && s.rejoinDeadline < at) {
        at = s.rejoinDeadline;
        why = "deadline";
      }
    }
  }
  if (rec.phase === "waiting" && rec.idleDeadline !== null && rec.idleDeadline < at && !anyonePresent(rec)) {
    at = rec.idleDeadline;
    why = "idle";
  }
  if (rec.phase === "countdown" && rec.countdown) {
    const t = rec.countdown.endsAt - (rec.countdown.lastSent - 1) * 1000;
    if (t < at) {
      at = t;
      why = "countdown";
    }
  }
  if (rec.phase === "playing") {
    if (live.pointAt !== null && live.pointAt < at) {
      at = live.pointAt;
      why = "point";
    }
    if (live.horizonAt !== null && live.horizonAt < at) {
      at = live.horizonAt;
      why = "horizon";
    }
    const checkpoint = rec.checkpointAt + CHECKPOINT_EVERY_MS;
    if (checkpoint < at) {
      at = checkpoint;
      why = "checkpoint";
    }
  }
  if (ended(rec.phase)) {
    // Issue 12.2: a result still owed is retried on its back-off (retry.ts); only then the clean-up.
    if (resultPending(rec)) {
      at = rec.retry?.nextAt ?? now + RETRY_BASE_MS;
      why = "result";
    } else if (rec.cleanupAt !== null && rec.cleanupAt !== undefined && rec.cleanupAt < at) {
      at = rec.cleanupAt;
      why = "cleanup";
    }
  }
  return at === Infinity ? null : { at: Math.max(now, at), why };
}

/** Epoch ms of the next wake, or null for none. Never earlier than `now`. */
export function nextWake(rec: SessionRecord, live: LiveTimes, now: number): number | null {
  return plannedWake(rec, live, now)?.at ?? null;
}

/**
 * Whether to call setAlarm (each call is a billed row write). While playing, an alarm already set
 * EARLIER than wanted is kept: the predicted point moves with almost every input, and a wake that
 * turns out early costs one re-plan, while moving the alarm on every input would cost a write per
 * input. Otherwise the alarm is set exactly (a finished game must not wake for a stale deadline).
 */
export function alarmAction(current: number | null, wanted: number | null, playing: boolean): "set" | "delete" | "keep" {
  if (wanted === null) return current === null ? "keep" : playing ? "keep" : "delete";
  if (current === wanted) return "keep";
  if (playing && current !== null && current < wanted) return "keep";
  return "set";
}
