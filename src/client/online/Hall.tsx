/**
 * `/tournament/:id`: the hall. A live bracket, who is here, and - when your match opens - a
 * prominent Go To Match button. Leaving the hall never aborts anything: it only closes the socket.
 */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { CloseCode } from "../../shared/protocol/limits";
import { parseMatchScore, type TournamentChart, type TournamentMatchReadyMsg, type TournamentServerMessage } from "../../shared/protocol/tournament";
import { Link } from "../components/Link";
import { callAttention } from "../attention";
import { navigate } from "../router";
import { onlineApi } from "./api";
import { Bracket, LiveMatches } from "./Bracket";
import { errorText, secondsLeft, Spinner, useNow } from "./common";
import { ReconnectingSocket } from "./socket";

interface HallState {
  conn: "connecting" | "open" | "reconnecting" | "ended";
  chart: TournamentChart | null;
  me: { userId: string; role: "player" | "spectator" } | null;
  present: string[] | null;
  spectators: number;
  ready: TournamentMatchReadyMsg | null;
  over: boolean;
  error: string | null;
}

function useHall(id: string): HallState {
  const [state, setState] = useState<HallState>({ conn: "connecting", chart: null, me: null, present: null, spectators: 0, ready: null, over: false, error: null });
  useEffect(() => {
    const patch = (p: Partial<HallState>) => setState((s) => ({ ...s, ...p }));
    const socket: ReconnectingSocket = new ReconnectingSocket(`/ws/tournament/${encodeURIComponent(id)}`, {
      onOpen: () => patch({ conn: "open", error: null }),
      onText: (text) => {
        let msg: TournamentServerMessage;
        try {
          msg = JSON.parse(text) as TournamentServerMessage;
        } catch {
          return;
        }
        socket.healthy();
        switch (msg.type) {
          case "tournament_chart":
            patch({
              chart: msg.chart,
              me: msg.you,
              present: msg.chart.players.filter((p) => p.present).map((p) => p.userId),
              spectators: msg.chart.spectators,
              over: msg.chart.status === "finished" || msg.chart.status === "cancelled",
            });
            break;
          case "presence":
            patch({ present: msg.present, spectators: msg.spectators });
            break;
          case "match_ready":
            callAttention("Your tournament match is ready: Go To Match", `pong-tournament-${id}`);
            patch({ ready: msg });
            break;
          case "match_score": {
            // A live match's score changed: only that match of the chart, if it is still this game.
            const score = parseMatchScore(msg);
            if (!score) break;
            const { matchId, gameId, scores, phase } = score;
            setState((s) =>
              s.chart
                ? { ...s, chart: { ...s.chart, matches: s.chart.matches.map((m) => (m.id === matchId && m.gameId === gameId && m.status === "ready" ? { ...m, live: { scores, phase } } : m)) } }
                : s,
            );
            break;
          }
          case "tournament_over":
            patch({ over: true });
            break;
        }
      },
      onClose: (code, _reason, opened) => {
        if (code === CloseCode.gameGone || code === CloseCode.policyViolation || code === CloseCode.tooLarge) {
          patch({ conn: "ended", error: "The hall closed the connection." });
          return false;
        }
        if (!opened) {
          // The upgrade failed: a tournament that does not exist, or signed out?
          void onlineApi.chart(id).then((r) => {
            if (!r.ok && r.error.kind === "http") {
              socket.stop();
              patch({ conn: "ended", error: r.error.status === 404 ? "No such tournament." : errorText(r.error) });
            }
          });
        }
        patch({ conn: "reconnecting" });
        return true;
      },
    });
    socket.start();
    return () => socket.stop(1000, "left the hall");
  }, [id]);
  return state;
}

export function Hall({ id }: { id: string }) {
  const hall = useHall(id);
  const { chart, me, ready } = hall;
  const goRef = useRef<HTMLButtonElement>(null);
  const [leaving, setLeaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // The match_ready still applies while its match has not been played.
  const readyMatch = ready && chart ? chart.matches.find((m) => m.id === ready.matchId && m.gameId === ready.gameId) : null;
  const showGo = ready !== null && (!readyMatch || readyMatch.status === "ready");
  const now = useNow(showGo, 1000);

  useLayoutEffect(() => {
    if (showGo) goRef.current?.focus();
  }, [showGo, ready?.gameId]);

  const leave = async () => {
    setLeaving(true);
    const result = await onlineApi.leaveTournament(id);
    setLeaving(false);
    if (result.ok) navigate("/tournaments");
    else setError(errorText(result.error));
  };

  if (hall.conn === "ended" && !chart) {
    return (
      <section class="panel" aria-labelledby="page-title" data-testid="hall-error">
        <h1 id="page-title" tabIndex={-1}>
          Tournament
        </h1>
        <p class="form-error" role="alert">
          {hall.error}
        </p>
        <Link href="/tournaments" class="button">
          Tournaments
        </Link>
      </section>
    );
  }

  const present = new Set(hall.present ?? []);
  const isPlayer = me?.role === "player";
  const champion = chart?.champion ?? null;

  return (
    <section class="panel panel-wide hall" aria-labelledby="page-title" data-testid="tournament-hall" data-status={chart?.status ?? ""}>
      <h1 id="page-title" tabIndex={-1}>
        {chart ? chart.name : "Tournament"}
      </h1>
      {hall.conn === "reconnecting" ? (
        <p class="banner banner-warn" role="status" data-testid="hall-reconnecting">
          Connection lost. Reconnecting…
        </p>
      ) : null}
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}

      {hall.over && chart ? (
        <div class="champion" role="status" data-testid="champion-screen">
          {champion ? (
            <>
              <svg class="champion-trophy" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M7 3h10v3h3v2a4 4 0 0 1-4 4h-.3A5 5 0 0 1 13 14.9V18h3v3H8v-3h3v-3.1A5 5 0 0 1 8.3 12H8a4 4 0 0 1-4-4V6h3zm0 5V8H6a2 2 0 0 0 1 1.7zm10 0v1.7A2 2 0 0 0 18 8z" />
              </svg>
              <h2 data-testid="champion-name">{champion.userId === me?.userId ? "You are the champion!" : `${champion.username} is the champion!`}</h2>
            </>
          ) : (
            <h2 data-testid="champion-name">The tournament ended without a champion.</h2>
          )}
          <div class="button-row">
            <Link href="/tournaments" class="button button-primary" data-testid="champion-tournaments">
              Tournaments
            </Link>
            <Link href="/" class="button" data-testid="champion-home">
              Home
            </Link>
          </div>
        </div>
      ) : null}

      {showGo && ready ? (
        <div class="go-box" role="alert" data-testid="match-ready">
          <p>
            Your {ready.matchId === "final" ? "final" : "semi-final"} against <strong>{ready.opponent.username}</strong> is ready. Take your seat within{" "}
            {secondsLeft(ready.seatDeadline, now)} s.
          </p>
          <button type="button" class="button button-primary button-go" ref={goRef} onClick={() => navigate(`/game/${ready.gameId}`)} data-testid="go-to-match">
            Go To Match
          </button>
        </div>
      ) : null}

      {!chart ? <Spinner label="Entering the hall…" testId="hall-loading" /> : null}
      {chart ? (
        <>
          <p class="muted" data-testid="hall-status">
            {chart.status === "open"
              ? `Waiting for players: ${chart.players.length} of 4. It starts when the fourth joins.`
              : chart.status === "running"
                ? chart.players.find((p) => p.userId === me?.userId)?.eliminated
                  ? "You are out of this tournament. Stay to watch how it ends."
                  : isPlayer
                  ? "Stay in the hall: your match opens when your opponent is here too."
                  : "The tournament is under way."
                : chart.status === "finished"
                  ? "The tournament is over."
                  : "The tournament was cancelled."}
          </p>
          <Bracket chart={chart} me={me?.userId ?? null} />
          <LiveMatches chart={chart} me={me?.userId ?? null} />
          <h2 class="section-title">In the hall</h2>
          <ul class="presence" data-testid="presence-list">
            {chart.players.map((p) => {
              const here = present.has(p.userId);
              return (
                <li key={p.userId} class={`${here ? "here" : "away"}${p.eliminated ? " eliminated" : ""}`} data-testid="presence-item" data-present={here ? "true" : "false"}>
                  <span class="presence-dot" aria-hidden="true" />
                  <span>{p.username}</span>
                  {p.userId === me?.userId ? <span class="muted"> (you)</span> : null}
                  <span class="visually-hidden">{here ? ", in the hall" : ", away"}</span>
                  {p.eliminated ? <span class="muted small"> · out</span> : null}
                </li>
              );
            })}
          </ul>
          <p class="muted small" data-testid="spectator-count">
            {hall.spectators} spectator{hall.spectators === 1 ? "" : "s"} watching
          </p>
          <div class="button-row">
            {isPlayer && chart.status === "open" ? (
              <button type="button" class="button" onClick={leave} disabled={leaving} data-testid="leave-tournament">
                Leave the tournament
              </button>
            ) : null}
            <Link href="/tournaments" class="button" data-testid="hall-back">
              All tournaments
            </Link>
          </div>
        </>
      ) : null}
    </section>
  );
}
