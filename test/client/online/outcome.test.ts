import { describe, expect, it } from "vitest";
import type { GameOverMsg, PlayerInfo } from "../../../src/shared/protocol/messages";
import { outcomeFor } from "../../../src/client/online/outcome";

const player = (seat: number, userId: string, out = false): PlayerInfo =>
  ({ seat, side: seat === 0 ? "left" : "right", userId, username: userId.toUpperCase(), present: !out, out, rejoinDeadline: null }) as PlayerInfo;

function over(reason: GameOverMsg["reason"], winner: string | null, players: PlayerInfo[]): GameOverMsg {
  const w = players.find((p) => p.userId === winner);
  return { type: "game_over", winner: w ? { seat: w.seat, userId: w.userId, username: w.username } : null, scores: [5, 2], reason, players, tick: 100, digest: 1, acks: [0, 0] };
}

describe("outcomeFor: the ending says what happened to this player", () => {
  const normal = over("normal", "a", [player(0, "a"), player(1, "b")]);
  const resigned = over("forfeit", "a", [player(0, "a"), player(1, "b", true)]);

  it("a normal win and loss", () => {
    expect(outcomeFor(normal, "a", "2p")).toMatchObject({ kind: "won", title: "You win!" });
    expect(outcomeFor(normal, "b", "2p")).toMatchObject({ kind: "lost", title: "You lost: A wins" });
  });

  it("the player who resigned (or whose window ran out) forfeited, even when welcomed back as a spectator", () => {
    expect(outcomeFor(resigned, "b", "2p")).toMatchObject({ kind: "forfeited", title: "You forfeited" });
    expect(outcomeFor(resigned, "a", "2p")).toMatchObject({ kind: "won-forfeit", title: "You win!" });
  });

  it("abandoned matches and spectators", () => {
    expect(outcomeFor(over("abandoned", null, [player(0, "a"), player(1, "b")]), "a", "2p")).toMatchObject({ kind: "abandoned" });
    expect(outcomeFor(normal, "someone-else", "2p")).toMatchObject({ kind: "watched", title: "A wins" });
    expect(outcomeFor(normal, null, "2p")).toMatchObject({ kind: "watched" });
  });
});
