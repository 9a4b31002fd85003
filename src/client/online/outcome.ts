/**
 * What the end of an online match means for *this* player: won, lost, forfeited (resigned or the
 * rejoin window ran out), won because the others left, abandoned - or, for a spectator, who won.
 * Keyed on the signed-in user's id, not on the socket's role: a player who comes back after the
 * window is welcomed as a spectator, but the result is still theirs.
 */
import type { GameOverMsg } from "../../shared/protocol/messages";

export type OutcomeKind = "won" | "won-forfeit" | "lost" | "forfeited" | "abandoned" | "watched";

export interface Outcome {
  kind: OutcomeKind;
  title: string;
  detail: string;
}

export function outcomeFor(over: GameOverMsg, userId: string | null, mode: string): Outcome {
  const me = userId === null ? undefined : over.players.find((p) => p.userId === userId);
  const others = mode === "4p" ? "the others" : "your opponent";
  if (over.reason === "abandoned") {
    return { kind: "abandoned", title: me ? "Match abandoned" : "No winner", detail: "The match was abandoned: nobody stayed to finish it." };
  }
  const winner = over.winner;
  if (!me) {
    if (!winner) return { kind: "watched", title: "No winner", detail: "Match over." };
    return { kind: "watched", title: `${winner.username} wins`, detail: over.reason === "forfeit" ? "By forfeit." : "Match over." };
  }
  if (winner && winner.userId === me.userId) {
    return over.reason === "forfeit"
      ? { kind: "won-forfeit", title: "You win!", detail: `By forfeit: ${others} left or resigned.` }
      : { kind: "won", title: "You win!", detail: "Match over." };
  }
  if (me.out) {
    return { kind: "forfeited", title: "You forfeited", detail: `You resigned or did not come back within the rejoin window${winner ? `: ${winner.username} wins` : ""}.` };
  }
  return { kind: "lost", title: winner ? `You lost: ${winner.username} wins` : "You lost", detail: "Match over." };
}
