import { api } from "../api";
import { Link } from "../components/Link";
import { LoadError } from "../components/LoadError";
import { formatWinRate } from "../format";
import { useSession } from "../session";
import { useApiResource } from "../useApiResource";

export function Leaderboard() {
  const [resource, retry] = useApiResource(api.leaderboard, "leaderboard");
  const { user } = useSession();

  return (
    <section class="panel panel-wide" aria-labelledby="page-title" data-testid="leaderboard">
      <h1 id="page-title" tabIndex={-1}>
        Leaderboard
      </h1>
      {resource.status === "loading" ? (
        <p class="muted" aria-busy="true">
          Loading…
        </p>
      ) : resource.status === "error" ? (
        <LoadError error={resource.error} onRetry={retry} />
      ) : resource.data.players.length === 0 ? (
        <p class="muted" data-testid="leaderboard-empty">
          No ranked players yet. Be the first.
        </p>
      ) : (
        <div class="table-scroll">
          <table class="table" data-testid="leaderboard-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Player</th>
                <th scope="col" class="num">Rating</th>
                <th scope="col" class="num">W</th>
                <th scope="col" class="num">L</th>
                <th scope="col" class="num">Win rate</th>
              </tr>
            </thead>
            <tbody>
              {resource.data.players.map((player, index) => (
                <tr key={player.username} class={player.username === user?.username ? "is-me" : undefined} data-testid="leaderboard-row">
                  <td class="rank">{index + 1}</td>
                  <td>
                    <Link href={`/u/${encodeURIComponent(player.username)}`}>{player.username}</Link>
                  </td>
                  <td class="num">{Math.round(player.rating)}</td>
                  <td class="num">{player.wins}</td>
                  <td class="num">{player.losses}</td>
                  <td class="num">{formatWinRate(player.winRate, player.wins, player.losses)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
