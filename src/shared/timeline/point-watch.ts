/**
 * "When is the next point if nobody sends anything more?", cached: what the GameSession sets its
 * alarm by while its clients do not help (live-match.ts), and what the load bench's bots foresee.
 */
import type { Side } from "../engine";
import type { PointPrediction } from "./timeline";

/** An early `wake` (the point not due yet) arms the server's alarm for a point at most this many ticks away (~333 ms at 60 Hz). */
export const WAKE_WINDOW_TICKS = 20;

/** What can predict its next point (a MatchTimeline, or a view of one). */
export interface PointSource {
  readonly tick: number;
  predictNextPoint(horizon: number): PointPrediction;
}

export class PointWatch {
  /** Undefined: must be recomputed. tick null: no point up to `until`. */
  private predicted: { tick: number | null; side: Side | null; until: number; involved: number } | undefined = undefined;
  /** Predictions computed and engine steps spent on them (stats). */
  predictions = 0;
  steps = 0;

  /** Forgets the prediction (a point, a sync, a pause, an elimination, a restart). */
  reset(): void {
    this.predicted = undefined;
  }

  /**
   * An input of `seat` for `tick` joined the source. It cannot change the prediction if it applies
   * at or after the predicted point (or the end of the look), or if that seat's paddle was nowhere
   * near the ball's path until then.
   */
  onInput(seat: number, tick: number): void {
    const p = this.predicted;
    if (p && tick < (p.tick ?? p.until) && p.involved & (1 << seat)) this.predicted = undefined;
  }

  /** The side the ball leaves by at the point `next` returned (null: none). */
  get side(): Side | null {
    return this.predicted?.side ?? null;
  }

  /** Where the current look ended without a point (null: a point was found, or nothing looked yet). */
  get lookedUntil(): number | null {
    const p = this.predicted;
    return p && p.tick === null ? p.until : null;
  }

  /**
   * The next point's tick, looking `horizon` ticks past the source's present; null if none happens
   * by then. A look that found nothing is kept until its end passes, or, with `sliding`, until the
   * present plus `horizon` goes past its end (a short look must always cover the next `horizon`
   * ticks). A point found by an earlier, longer look may lie beyond `horizon`: callers that care
   * compare.
   */
  next(source: PointSource, horizon: number, sliding = false): number | null {
    const c = this.predicted;
    if (c && (source.tick >= (c.tick ?? c.until) || (sliding && c.tick === null && source.tick + horizon > c.until))) this.predicted = undefined;
    if (this.predicted === undefined) {
      const p = source.predictNextPoint(horizon);
      this.predictions++;
      this.steps += p.steps;
      this.predicted = { tick: p.tick, side: p.side, until: source.tick + horizon, involved: p.involved };
    }
    return this.predicted.tick;
  }
}
