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

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/**
 * A wait as people say it: "45 seconds", "29 minutes", "1 hour 5 minutes". Under a minute it is
 * exact (it counts down on screen); above, minutes are rounded to the nearest (1749 s -> 29 minutes)
 * and never shown as 0.
 */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  if (seconds < 60) return plural(seconds, "second");
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 60) return plural(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? plural(hours, "hour") : `${plural(hours, "hour")} ${plural(rest, "minute")}`;
}
