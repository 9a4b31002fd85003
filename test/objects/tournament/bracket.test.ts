import { describe, expect, it } from "vitest";
import { addPlayer, applyLiveScore, applyResult, currentMatchOf, eliminated, matchesAwaitingGame, newBracket, removePlayer, type Bracket } from "../../../src/objects/tournament/bracket";

function full(): Bracket {
  const b = newBracket();
  for (const id of ["a", "b", "c", "d"]) expect(addPlayer(b, { userId: id, username: id.toUpperCase(), joinedAt: 0 })).toBe("joined");
  return b;
}

function start(b: Bracket, id: "sf1" | "sf2" | "final", gameId: string) {
  const m = b.matches.find((x) => x.id === id)!;
  m.gameId = gameId;
  m.status = "ready";
}

describe("bracket", () => {
  it("seeds the semi-finals in join order when the fourth player joins", () => {
    const b = newBracket();
    addPlayer(b, { userId: "a", username: "A", joinedAt: 0 });
    expect(b.status).toBe("open");
    expect(addPlayer(b, { userId: "a", username: "A", joinedAt: 0 })).toBe("already");
    for (const id of ["b", "c", "d"]) addPlayer(b, { userId: id, username: id, joinedAt: 0 });
    expect(b.status).toBe("running");
    expect(b.matches.map((m) => m.players)).toEqual([["a", "b"], ["c", "d"], [null, null]]);
    expect(addPlayer(b, { userId: "e", username: "E", joinedAt: 0 })).toBe("closed");
    expect(matchesAwaitingGame(b).map((m) => m.id)).toEqual(["sf1", "sf2"]);
    expect(removePlayer(b, "a")).toBe(false);
  });

  it("lets a player leave before the start", () => {
    const b = newBracket();
    addPlayer(b, { userId: "a", username: "A", joinedAt: 0 });
    expect(removePlayer(b, "a")).toBe(true);
    expect(b.players).toEqual([]);
  });

  it("forms the final from the semi winners and crowns the final's winner", () => {
    const b = full();
    start(b, "sf1", "G1");
    start(b, "sf2", "G2");
    expect(applyResult(b, { matchId: "sf1", gameId: "G1", winner: "b", scores: [0, 1], reason: "normal" })).toBe("applied");
    expect(b.matches[2].players).toEqual([null, null]);
    expect(applyResult(b, { matchId: "sf2", gameId: "G2", winner: "c", scores: [1, 0], reason: "forfeit" })).toBe("applied");
    expect(b.matches[2].players).toEqual(["b", "c"]);
    expect(eliminated(b).sort()).toEqual(["a", "d"]);
    expect(currentMatchOf(b, "b")?.id).toBe("final");
    start(b, "final", "G3");
    expect(applyResult(b, { matchId: "final", gameId: "G3", winner: "c", scores: [0, 1], reason: "normal" })).toBe("applied");
    expect(b.status).toBe("finished");
    expect(b.champion).toBe("c");
  });

  it("is idempotent by game id and ignores stale or foreign results", () => {
    const b = full();
    start(b, "sf1", "G1");
    expect(applyResult(b, { matchId: "sf1", gameId: "G1", winner: "a", scores: [1, 0], reason: "normal" })).toBe("applied");
    const snapshot = JSON.stringify(b);
    expect(applyResult(b, { matchId: "sf1", gameId: "G1", winner: "b", scores: [0, 1], reason: "normal" })).toBe("duplicate");
    expect(JSON.stringify(b)).toBe(snapshot);
    expect(applyResult(b, { matchId: "sf2", gameId: "OTHER", winner: "c", scores: [1, 0], reason: "normal" })).toBe("stale_game");
    start(b, "sf2", "G2");
    expect(applyResult(b, { matchId: "sf2", gameId: "G2", winner: "a", scores: [1, 0], reason: "normal" })).toBe("unknown_match");
  });

  it("gives the final by walkover when a semi-final had no winner, and cancels when neither had", () => {
    const b = full();
    start(b, "sf1", "G1");
    start(b, "sf2", "G2");
    applyResult(b, { matchId: "sf1", gameId: "G1", winner: null, scores: [0, 0], reason: "no_show" });
    applyResult(b, { matchId: "sf2", gameId: "G2", winner: "d", scores: [0, 1], reason: "normal" });
    expect(b.status).toBe("finished");
    expect(b.champion).toBe("d");
    expect(b.matches[2].reason).toBe("walkover");

    const c = full();
    start(c, "sf1", "G1");
    start(c, "sf2", "G2");
    applyResult(c, { matchId: "sf1", gameId: "G1", winner: null, scores: [0, 0], reason: "no_show" });
    applyResult(c, { matchId: "sf2", gameId: "G2", winner: null, scores: [0, 0], reason: "no_show" });
    expect(c.status).toBe("cancelled");
    expect(c.champion).toBeNull();
  });
  it("keeps a running game's live score for the hall: only its current game, only a change, until the result", () => {
    const b = full();
    const live = (scores: number[], phase: "countdown" | "playing" | "paused" = "playing", gameId = "G1") => applyLiveScore(b, { matchId: "sf1", gameId, scores, phase });
    expect(live([0, 0])).toBe(false); // no game yet
    start(b, "sf1", "G1");
    expect(live([0, 0])).toBe(true);
    expect(live([0, 0])).toBe(false); // nothing new
    expect(live([1, 0])).toBe(true);
    expect(live([1, 0], "paused")).toBe(true);
    expect(live([2, 0], "playing", "OLD")).toBe(false); // not this match's game
    expect(b.matches[0].live).toEqual({ scores: [1, 0], phase: "paused" });
    expect(applyLiveScore(b, { matchId: "final", gameId: "G1", scores: [1, 0], phase: "playing" })).toBe(false);
    applyResult(b, { matchId: "sf1", gameId: "G1", winner: "a", scores: [3, 0], reason: "normal" });
    expect(b.matches[0].live).toBeNull();
    expect(live([3, 1])).toBe(false); // a report arriving after the result
    expect(b.matches[0].live).toBeNull();
  });
});
