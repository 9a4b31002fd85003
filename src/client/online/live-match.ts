/**
 * "Back to your match" on Home: the game this browser last played in, kept in localStorage while
 * it runs, and checked against the server (GET /api/games/:id) before Home offers it - a stale
 * entry (the match ended elsewhere, the window ran out) is dropped, never offered.
 */
import { useEffect, useState } from "preact/hooks";
import { onlineApi } from "./api";

const KEY = "pong.liveMatch";

interface Stored {
  gameId: string;
  userId: string;
}

function read(): Stored | null {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? "null") as Stored | null;
    return value && typeof value.gameId === "string" && typeof value.userId === "string" ? value : null;
  } catch {
    return null;
  }
}

/** This user plays in `gameId` (welcomed as a player before the end). */
export function rememberLiveMatch(gameId: string, userId: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ gameId, userId } satisfies Stored));
  } catch {
    /* storage unavailable: Home just won't offer the way back */
  }
}

/** The match ended (result, resignation, window expired…): nothing to go back to. */
export function forgetLiveMatch(gameId: string): void {
  if (read()?.gameId !== gameId) return;
  try {
    localStorage.removeItem(KEY);
  } catch {
    /* storage unavailable */
  }
}

/** The id of the match `userId` can still go back to, once the server confirmed it is running; else null. */
export function useLiveMatch(userId: string | null): string | null {
  const [gameId, setGameId] = useState<string | null>(null);
  useEffect(() => {
    const stored = read();
    if (!userId || !stored || stored.userId !== userId) return setGameId(null);
    let live = true;
    void onlineApi.status(stored.gameId).then((r) => {
      if (!live) return;
      const running = r.ok && r.data.phase !== "finished" && r.data.phase !== "abandoned" && r.data.players.some((p) => p.userId === userId && !p.out);
      if (running) setGameId(stored.gameId);
      else if (r.ok || (r.error.kind === "http" && r.error.status === 404)) forgetLiveMatch(stored.gameId);
    });
    return () => {
      live = false;
    };
  }, [userId]);
  return gameId;
}
