/**
 * When a player's client sends `wake` (protocol 3). The client runs ahead of the server, so its
 * own simulation scores a point before the server's clock reaches it; it then tells the server,
 * timed to arrive just after the point is due there, and the server announces the point as it
 * handles that frame. The server's one alarm stays on its far deadlines instead of being moved to
 * every point (a row written each time, two when it is put back), and no alarm is armed for the
 * points the players' later inputs save. The server trusts nothing in a `wake` but the fact that a
 * client is helping: the point, its tick and its digest come from its own timeline; a missing or
 * late `wake` only sends it back to arming alarms (objects/game-session/live-match.ts).
 *
 * Pure: times are parameters.
 */
import { timeOfTick, type TickClock } from "../timeline";

export class WakeAsker {
  /** Points seen and not yet asked for, in tick order. */
  private points: number[] = [];
  /** The last point asked for: each point is asked once. */
  private asked = -1;

  /** The simulation scored a point at `tick` (a rewind that undoes it leaves a harmless extra `wake`). */
  saw(tick: number): void {
    if (tick <= this.asked || this.points.includes(tick)) return;
    this.points.push(tick);
    this.points.sort((a, b) => a - b);
  }

  /**
   * A foreseen point (the load bench's bots predict points instead of scoring them): it replaces
   * the earlier predictions that are not due yet at `presentTick` (a later input changed them).
   */
  foresee(tick: number, presentTick: number): void {
    this.points = this.points.filter((p) => p <= presentTick);
    this.saw(tick);
  }

  /** The earliest point waiting to be asked for (null: none). */
  get next(): number | null {
    return this.points[0] ?? null;
  }

  /** Forgets what was seen (a sync: the server already knows its own past). */
  clear(): void {
    this.points = [];
  }

  /**
   * The point to send `wake` for now, or null: the earliest seen point that a message sent now
   * reaches the server (`arrivalMs`, on the server's clock) after it is due there, with `marginMs`
   * to spare (the arrival's jitter: a `wake` that comes early makes the server arm an alarm).
   */
  due(clock: TickClock, arrivalMs: number, marginMs = 0): number | null {
    const next = this.points[0];
    if (next === undefined || arrivalMs < timeOfTick(clock, next) + marginMs) return null;
    this.points.shift();
    this.asked = next;
    return next;
  }
}
