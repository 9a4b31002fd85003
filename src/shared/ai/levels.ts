/**
 * AI difficulty. Every level gets the same information (one view per second) and the same
 * prediction; levels differ only in how late they react to a new view and how far off their aim is.
 */
export type AiLevel = "easy" | "medium" | "hard";

export interface AiLevelParams {
  /** Ticks between accepting a view and acting on it (the old plan runs meanwhile). */
  reactionTicks: number;
  /** Aim error: the target is shifted by a uniform draw in [-errorPx, errorPx] per view. */
  errorPx: number;
}

export const AI_LEVEL_PARAMS: Readonly<Record<AiLevel, AiLevelParams>> = {
  easy: { reactionTicks: 40, errorPx: 100 },
  medium: { reactionTicks: 25, errorPx: 75 },
  hard: { reactionTicks: 4, errorPx: 12 },
};

/** Minimum ticks between two accepted views (once per second at 60 Hz). */
export const AI_VIEW_INTERVAL = 60;
