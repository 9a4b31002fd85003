/** Words for people, shared by the client and the Worker (pure). */

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
