/** `/watch`: games being played now, refreshed every few seconds, each with a Watch button. */
import { useEffect, useState } from "preact/hooks";
import type { ApiError } from "../api";
import { LoadError } from "../components/LoadError";
import { navigate } from "../router";
import { onlineApi, type LiveGame } from "./api";
import { Spinner } from "./common";

const REFRESH_MS = 3000;

export function Watch() {
  const [games, setGames] = useState<LiveGame[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    const load = async () => {
      const result = await onlineApi.live();
      if (!live) return;
      if (result.ok) {
        setGames(result.data.games);
        setError(null);
      } else setError(result.error);
    };
    void load();
    const id = setInterval(() => !document.hidden && load(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(id);
    };
  }, [attempt]);

  return (
    <section class="panel panel-wide" aria-labelledby="page-title" data-testid="watch-screen">
      <h1 id="page-title" tabIndex={-1}>
        Live games
      </h1>
      <p class="lede">Matches being played right now. The list refreshes by itself; its scores are at most a minute old, and Watch shows the game live.</p>
      {error && !games ? <LoadError error={error} onRetry={() => setAttempt((n) => n + 1)} /> : null}
      {!games && !error ? <Spinner label="Loading…" /> : null}
      {games && games.length === 0 ? (
        <p class="muted" data-testid="live-empty">
          Nobody is playing right now.
        </p>
      ) : null}
      {games && games.length ? (
        <ul class="live-list" data-testid="live-list">
          {games.map((g) => (
            <li key={g.gameId} class="live-row" data-testid="live-game-row" data-game-id={g.gameId}>
              <span class="match-mode">{g.mode.toUpperCase()}</span>
              <span class="live-players">
                {g.players.map((name, i) => (
                  <span key={i} class={`seat-${i}`}>
                    {i > 0 ? <span class="muted"> vs </span> : null}
                    {name} <strong>{g.scores[i] ?? 0}</strong>
                  </span>
                ))}
              </span>
              <span class="muted small">{g.phase === "paused" ? "paused" : g.phase === "countdown" ? "starting" : "playing"}</span>
              <button
                type="button"
                class="button button-small"
                onClick={() => navigate(`/game/${g.gameId}`)}
                aria-label={`Watch ${g.players.join(" versus ")}`}
                data-testid="watch-button"
              >
                Watch
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
