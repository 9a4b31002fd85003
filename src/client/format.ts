/** Display helpers for API data. */

/** Dates from the API may be ISO strings or epoch milliseconds/seconds. */
export function toDate(value: string | number | null | undefined): Date | null {
  if (value === null || value === undefined || value === "") return null;
  let date: Date;
  if (typeof value === "number") date = new Date(value < 1e12 ? value * 1000 : value);
  else if (/^\d+$/.test(value)) return toDate(Number(value));
  else date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatDate(value: string | number | null | undefined): string {
  const date = toDate(value);
  return date ? date.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" }) : "—";
}

export function formatDateTime(value: string | number | null | undefined): string {
  const date = toDate(value);
  return date ? date.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }) : "—";
}

/** winRate may be a fraction (0.62) or a percentage (62). */
export function formatWinRate(winRate: number | null | undefined, wins?: number, losses?: number): string {
  let rate = typeof winRate === "number" && Number.isFinite(winRate) ? winRate : null;
  if (rate === null && wins !== undefined && losses !== undefined) rate = wins + losses > 0 ? wins / (wins + losses) : 0;
  if (rate === null) return "—";
  const percent = rate <= 1 ? rate * 100 : rate;
  return `${Math.round(percent)}%`;
}
