/** `/tournaments`: open and running tournaments, create one, quick join, join a listed one. */
import { useState } from "preact/hooks";
import type { ApiResult } from "../api";
import { LoadError } from "../components/LoadError";
import { navigate } from "../router";
import { askNotificationPermission } from "../attention";
import { useApiResource } from "../useApiResource";
import { onlineApi, type TournamentJoin } from "./api";
import { errorText, Spinner } from "./common";

export function Tournaments() {
  const [list, retry] = useApiResource(onlineApi.tournaments, "tournaments");
  const [name, setName] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const go = async (what: string, call: () => Promise<ApiResult<TournamentJoin>>) => {
    // Still inside the click: the one moment a browser lets us ask (for the match-ready notification).
    askNotificationPermission();
    setBusy(what);
    setError(null);
    const result = await call();
    setBusy(null);
    if (result.ok) navigate(`/tournament/${result.data.tournamentId}`);
    else setError(errorText(result.error));
  };

  const create = (event: Event) => {
    event.preventDefault();
    void go("create", () => onlineApi.createTournament(name.trim()));
  };

  return (
    <section class="panel panel-wide" aria-labelledby="page-title" data-testid="tournaments-screen">
      <h1 id="page-title" tabIndex={-1}>
        Tournaments
      </h1>
      <p class="lede">Four players, two semi-finals, one final. Wait in the hall: your match opens when your opponent is there too.</p>
      {error ? (
        <p class="form-error" role="alert" data-testid="tournament-error">
          {error}
        </p>
      ) : null}
      <div class="cards">
        <article class="card" aria-labelledby="quick-join-title">
          <h2 id="quick-join-title">Quick join</h2>
          <p>Take a place in the oldest open tournament, or open a new one.</p>
          <button type="button" class="button button-primary" onClick={() => go("quick", onlineApi.quickJoin)} disabled={busy !== null} data-testid="quick-join">
            {busy === "quick" ? "Joining…" : "Quick join"}
          </button>
        </article>
        <article class="card" aria-labelledby="create-title">
          <h2 id="create-title">Create</h2>
          <form onSubmit={create} class="join-form">
            <div class="field">
              <label for="tournament-name">Tournament name</label>
              <input
                id="tournament-name"
                name="tournament-name"
                value={name}
                maxLength={40}
                autoComplete="off"
                aria-describedby="tournament-name-hint"
                onInput={(e) => setName(e.currentTarget.value)}
                data-testid="tournament-name"
              />
              <p id="tournament-name-hint" class="field-hint">
                Optional, up to 40 characters.
              </p>
            </div>
            <button type="submit" class="button" disabled={busy !== null} data-testid="create-tournament">
              {busy === "create" ? "Creating…" : "Create tournament"}
            </button>
          </form>
        </article>
      </div>

      <h2 class="section-title">Open and running</h2>
      {list.status === "loading" ? <Spinner label="Loading…" /> : null}
      {list.status === "error" ? <LoadError error={list.error} onRetry={retry} /> : null}
      {list.status === "ok" && list.data.tournaments.length === 0 ? (
        <p class="muted" data-testid="tournaments-empty">
          No tournament right now. Create one!
        </p>
      ) : null}
      {list.status === "ok" && list.data.tournaments.length ? (
        <ul class="live-list" data-testid="tournament-list">
          {list.data.tournaments.map((t) => {
            const open = t.status === "open" && t.players < 4;
            return (
              <li key={t.id} class="live-row" data-testid="tournament-row" data-tournament-id={t.id}>
                <span class="live-players">
                  <strong>{t.name}</strong>
                </span>
                <span class="muted small">
                  {t.players}/4 · {t.status}
                </span>
                {open ? (
                  <button type="button" class="button button-small" onClick={() => go(t.id, () => onlineApi.joinTournament(t.id))} disabled={busy !== null} data-testid="join-tournament">
                    Join
                  </button>
                ) : (
                  <button type="button" class="button button-small" onClick={() => navigate(`/tournament/${t.id}`)} data-testid="open-tournament">
                    View
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      ) : null}
      <p>
        <button type="button" class="link-button" onClick={retry} data-testid="refresh-tournaments">
          Refresh the list
        </button>
      </p>
    </section>
  );
}
