/** The tournament chart as an SVG picture: two semi-finals feeding the final, and the champion. */
import type { ChartMatch, TournamentChart } from "../../shared/protocol/tournament";

const W = 220;
const ROW = 34;
const BOXES = { sf1: { x: 10, y: 26 }, sf2: { x: 10, y: 196 }, final: { x: 290, y: 111 } } as const;
const TITLES = { sf1: "Semi-final 1", sf2: "Semi-final 2", final: "Final" } as const;

function statusText(m: ChartMatch): string {
  if (m.status === "done") return m.reason && m.reason !== "normal" ? `done · ${m.reason.replace("_", "-")}` : "done";
  return m.status === "ready" ? "live" : "waiting";
}

function describe(m: ChartMatch): string {
  const [a, b] = m.players.map((p) => p?.username ?? "to be decided");
  const winner = m.players.find((p) => p && p.userId === m.winner)?.username;
  const score = m.scores ? ` ${m.scores.join("–")}` : "";
  return `${TITLES[m.id]}: ${a} versus ${b}${winner ? `, ${winner} won${score}` : `, ${statusText(m)}`}.`;
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
                    {m.scores ? m.scores[i] ?? "" : ""}
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
