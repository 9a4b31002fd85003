import { api, type MatchSummary } from "../api";
import { Link } from "../components/Link";
import { LoadError } from "../components/LoadError";
import { formatDate, formatDateTime, formatWinRate } from "../format";
import { useApiResource } from "../useApiResource";
import { useSession } from "../session";
import { ChangePassword } from "./ChangePassword";

export function Profile({ username }: { username: string }) {
  const [resource, retry] = useApiResource(() => api.profile(username), `profile:${username}`);
  const session = useSession();

  if (resource.status === "loading")
    return (
      <section class="panel" aria-labelledby="page-title">
        <h1 id="page-title" tabIndex={-1}>
          {username}
        </h1>
        <p class="muted" aria-busy="true">
          Loading…
        </p>
      </section>
    );

  if (resource.status === "error") {
    const status = resource.error.kind === "http" ? resource.error.status : 0;
    return (
      <section class="panel" aria-labelledby="page-title" data-testid="profile">
        <h1 id="page-title" tabIndex={-1}>
          {username}
        </h1>
        {status === 404 ? (
          <p class="lede" data-testid="profile-missing">
            No player is called “{username}”.
          </p>
        ) : (
          <LoadError error={resource.error} onRetry={retry} />
        )}
      </section>
    );
  }

  // Public and read-only (GET /api/users/:username needs no session).
  const { user, matches, championships } = resource.data;
  return (
    <section class="panel panel-wide" aria-labelledby="page-title" data-testid="profile">
      <h1 id="page-title" tabIndex={-1} data-testid="profile-username">
        {user.username}
      </h1>
      <p class="muted">Playing since {formatDate(user.createdAt)}</p>
      <dl class="stats" data-testid="profile-stats">
        <div>
          <dt>Rating</dt>
          <dd data-testid="profile-rating">{Math.round(user.rating)}</dd>
        </div>
        <div>
          <dt>Wins</dt>
          <dd data-testid="profile-wins">{user.wins}</dd>
        </div>
        <div>
          <dt>Losses</dt>
          <dd data-testid="profile-losses">{user.losses}</dd>
        </div>
        <div>
          <dt>Win rate</dt>
          <dd>{formatWinRate(null, user.wins, user.losses)}</dd>
        </div>
        <div>
          <dt>Championships</dt>
          <dd data-testid="profile-championships">{championships.count}</dd>
        </div>
      </dl>

      {championships.recent.length > 0 && (
        <>
          <h2>Tournaments won</h2>
          <ul class="championships" data-testid="profile-titles">
            {championships.recent.map((t) => (
              <li key={t.id}>
                {t.name}
                {t.endedAt && <span class="muted"> · {formatDate(t.endedAt)}</span>}
              </li>
            ))}
          </ul>
        </>
      )}

      <h2>Recent matches</h2>
      {matches.length === 0 ? (
        <p class="muted" data-testid="profile-no-matches">
          No matches yet.
        </p>
      ) : (
        <ul class="matches" data-testid="profile-matches">
          {matches.map((match) => (
            <MatchRow key={match.id} match={match} viewer={user.username} />
          ))}
        </ul>
      )}
      {session.user?.username.toLowerCase() === user.username.toLowerCase() && <ChangePassword />}
    </section>
  );
}

function MatchRow({ match, viewer }: { match: MatchSummary; viewer: string }) {
  const me = match.players.find((p) => p.username === viewer);
  const won = match.winner === viewer || me?.result === "win";
  const players = [...match.players].sort((a, b) => a.seat - b.seat);
  return (
    <li class={`match ${won ? "match-won" : "match-lost"}`} data-testid="match-row">
      <span class={`badge ${won ? "badge-win" : "badge-loss"}`}>{won ? "Win" : "Loss"}</span>
      <span class="match-mode" data-testid="match-mode">
        {match.mode === "4p" ? "4P" : "2P"}
      </span>
      {match.tournamentId ? (
        <Link href={`/tournament/${match.tournamentId}`} class="match-round" data-testid="match-round">
          {match.round === "final" ? "Tournament final" : match.round === "semi" ? "Tournament semi-final" : "Tournament"}
        </Link>
      ) : null}
      <span class="match-players">
        {players.map((player, index) => (
          <span key={player.seat}>
            {index > 0 ? <span class="vs"> · </span> : null}
            {player.username === viewer ? (
              <strong>{player.username}</strong>
            ) : (
              <Link href={`/u/${encodeURIComponent(player.username)}`}>{player.username}</Link>
            )}{" "}
            <span class="match-score">{player.score}</span>
          </span>
        ))}
      </span>
      <span class="match-when muted">
        {formatDateTime(match.endedAt ?? match.startedAt)}
        {match.reason === "forfeit" ? " · forfeit" : ""}
      </span>
    </li>
  );
}
