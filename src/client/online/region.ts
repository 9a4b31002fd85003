/**
 * Which region a match runs in (the play/join answer's `region`), remembered per game for this tab
 * so the game screen can show it after navigating there.
 */
import type { PlayAnswer } from "./api";

const NAMES: Record<string, string> = {
  wnam: "Western North America",
  enam: "Eastern North America",
  sam: "South America",
  weur: "Western Europe",
  eeur: "Eastern Europe",
  apac: "Asia-Pacific",
  oc: "Oceania",
  afr: "Africa",
  me: "Middle East",
};

const key = (gameId: string) => `pong.region.${gameId}`;

export function rememberRegion(answer: PlayAnswer): void {
  try {
    if (answer.region) sessionStorage.setItem(key(answer.gameId), answer.region);
  } catch {
    // storage unavailable (private mode): the screen just does not show the region
  }
}

/** "Western Europe (weur)", or null when this tab does not know the game's region. */
export function regionLabel(gameId: string): string | null {
  let region: string | null = null;
  try {
    region = sessionStorage.getItem(key(gameId));
  } catch {
    return null;
  }
  return region ? `${NAMES[region] ?? region} (${region})` : null;
}
