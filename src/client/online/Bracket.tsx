/** The tournament chart as an SVG picture (two semi-finals feeding the final, and the champion), and the live matches under it with a Watch button each. */
import type { ChartMatch, TournamentChart } from "../../shared/protocol/tournament";
import { navigate } from "../router";

const W = 220;
const ROW = 34;
const BOXES = { sf1: { x: 10, y: 26 }, sf2: { x: 10, y: 196 }, final: { x: 290, y: 111 } } as const;
const TITLES = { sf1: "Semi-final 1", sf2: "Semi-final 2", final: "Final" } as const;

function statusText(m: ChartMatch): string {
  if (m.status === "done") return m.reason && m.reason !== "normal" ? `done · ${m.reason.replace("_", "-")}` : "done";
  if (m.status === "waiting") return "waiting";
  if (!m.live) return "taking seats";
  return m.live.phase === "paused" ? "live · paused" : m.live.phase === "countdown" ? "live · starting" : "live";
}

/** The score to show: the result once done, the live score while the game runs. */
function shownScores(m: ChartMatch): number[] | null {
  return m.scores ?? (m.status === "ready" ? (m.live?.scores ?? null) : null);
}

function describe(m: ChartMatch): string {
  const [a, b] = m.players.map((p) => p?.username ?? "to be decided");
  const winner = m.players.find((p) => p && p.userId === m.winner)?.username;
  const shown = shownScores(m);
  const score = shown ? ` ${shown.join("–")}` : "";
  return `${TITLES[m.id]}: ${a} versus ${b}${winner ? `, ${winner} won${score}` : `, ${statusText(m)}${score}`}.`;
}

/**
 * Under the chart: each match being played now, its live score and a Watch button (the game as a
 * spectator). Not for the match you play in yourself: Go To Match is yours.
 */
export function LiveMatches({ chart, me }: { chart: TournamentChart; me: string | null }) {
  const live = chart.matches.filter((m) => m.status === "ready" && m.gameId && !m.players.some((p) => p?.userId === me));
  if (!live.length) return null;
  return (
    <ul class="live-list hall-live" aria-label="Live matches" data-testid="hall-live-list">
      {live.map((m) => {
        const names = m.players.map((p) => p?.username ?? "?");
        return (
          <li key={m.id} class="live-row" data-testid="hall-live-row" data-match-id={m.id} data-game-id={m.gameId}>
            <span class="match-mode">{TITLES[m.id]}</span>
            <span class="live-players" data-testid="hall-live-score">
              {names.map((name, i) => (
                <span key={i}>
                  {i > 0 ? <span class="muted"> vs </span> : null}
                  {name} <strong>{m.live?.scores[i] ?? 0}</strong>
                </span>
              ))}
            </span>
            <span class="muted small">{statusText(m)}</span>
            <button type="button" class="button button-small" onClick={() => navigate(`/game/${m.gameId}`)} aria-label={`Watch ${names.join(" versus ")}`} data-testid="hall-watch">
              Watch
            </button>
          </li>
        );
      })}
    </ul>
  );
}

export function Bracket({ chart, me }: { chart: TournamentChart; me: string | null }) {
  const summary = [...chart.matches.map(describe), `Champion: ${chart.champion?.username ?? "not decided yet"}.`].join(" ");
  return (
    <svg class="bracket" viewBox="0 0 760 300" role="img" aria-label={summary} data-testid="bracket">
      <path class="bracket-line" d="M230 77 H260 V162 H290 M230 247 H260 V162" fill="none" />
      <path class="bracket-line" d="M510 162 H560" fill="none" />
      {chart.matches.map((m) => {
        const at = BOXES[m.id];
        return (
          <g key={m.id} transform={`translate(${at.x} ${at.y})`} data-testid={`bracket-${m.id}`} data-status={m.status}>
            <text class="bracket-title" x="2" y="-8">
              {TITLES[m.id]} · {statusText(m)}
            </text>
            {[0, 1].map((i) => {
              const p = m.players[i] ?? null;
              const won = p !== null && m.winner === p.userId;
              const lost = p !== null && m.winner !== null && !won;
              const cls = `bracket-row${won ? " won" : ""}${lost ? " lost" : ""}${p && p.userId === me ? " me" : ""}`;
              return (
                <g key={i} class={cls} transform={`translate(0 ${i * ROW})`} data-testid={won ? "bracket-winner" : undefined}>
                  <rect width={W} height={ROW - 2} rx="5" />
                  <text x="10" y="21">
                    {p ? p.username : "—"}
                    {won ? " ✓" : ""}
                  </text>
                  <text class="bracket-score" x={W - 10} y="21" text-anchor="end">
                    {shownScores(m)?.[i] ?? ""}
                  </text>
                </g>
              );
            })}
          </g>
        );
      })}
      <g transform="translate(560 120)" class={`bracket-champion${chart.champion ? " decided" : ""}`} data-testid="bracket-champion">
        <rect width="190" height="84" rx="8" />
        <text x="95" y="30" text-anchor="middle" class="bracket-title">
          Champion
        </text>
        <text x="95" y="60" text-anchor="middle" class="bracket-champion-name">
          {chart.champion ? chart.champion.username : chart.status === "cancelled" ? "none" : "?"}
        </text>
      </g>
    </svg>
  );
}
