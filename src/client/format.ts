/** Display helpers for API data (dates are ISO strings, winRate a fraction 0..1). */

function format(value: string | number | null | undefined, options: Intl.DateTimeFormatOptions): string {
  const date = new Date(value ?? NaN);
  return Number.isNaN(date.getTime()) ? "—" : date.toLocaleString(undefined, options);
}

export const formatDate = (value: string | number | null | undefined) =>
  format(value, { year: "numeric", month: "short", day: "numeric" });

export const formatDateTime = (value: string | number | null | undefined) =>
  format(value, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

/** Percentage from a 0..1 win rate, or from wins/losses when no rate is given; "—" before any match. */
export function formatWinRate(winRate: number | null, wins: number, losses: number): string {
  if (wins + losses === 0) return "—"; // no matches: there is no rate, and "0%" would read as all lost
  const rate = winRate ?? wins / (wins + losses);
  return `${Math.round(rate * 100)}%`;
}

// The wait formatter is shared with the Worker (its 429 messages say the same words).
export { formatDuration } from "../shared/format";
