/**
 * How the load bench reads the game_over messages its bots heard (bench/load/game-over.ts): seat 0
 * resigns and is closed before the broadcast, so it hears none of its own resignation; a match that
 * ended (forfeit) before that resignation is heard by seat 0 once, and that is no duplicate.
 */
import { describe, expect, it } from "vitest";
import { tallyGameOvers, type GameOverHeard } from "../../bench/load/game-over";

const forfeitWonBy = (seat: number): GameOverHeard => ({ reason: "forfeit", winnerSeat: seat });

describe("game_over tally", () => {
  it("the usual end: seat 1 hears the resignation once, seat 0 nothing", () => {
    expect(tallyGameOvers([{ seat: 0, heard: [] }, { seat: 1, heard: [forfeitWonBy(1)] }])).toEqual({ none: 0, once: 1, more: 0, endedBeforeResign: 0 });
  });

  it("seat 1 dropped and forfeited before the resignation: seat 0 hears the only announcement, no duplicate", () => {
    expect(tallyGameOvers([{ seat: 0, heard: [forfeitWonBy(0)] }, { seat: 1, heard: [] }])).toEqual({ none: 1, once: 0, more: 0, endedBeforeResign: 1 });
    // An abandoned or normally ended game heard by seat 0 is the same case.
    expect(tallyGameOvers([{ seat: 0, heard: [{ reason: "abandoned", winnerSeat: null }] }]).endedBeforeResign).toBe(1);
    expect(tallyGameOvers([{ seat: 0, heard: [{ reason: "normal", winnerSeat: 1 }] }]).endedBeforeResign).toBe(1);
  });

  it("a real second game_over still counts, on either seat", () => {
    expect(tallyGameOvers([{ seat: 0, heard: [forfeitWonBy(0), forfeitWonBy(1)] }]).more).toBe(1);
    expect(tallyGameOvers([{ seat: 1, heard: [forfeitWonBy(1), forfeitWonBy(1)] }]).more).toBe(1);
  });

  it("the resigner hearing its own resignation's announcement (it should be closed first) counts as more", () => {
    expect(tallyGameOvers([{ seat: 0, heard: [forfeitWonBy(1)] }])).toEqual({ none: 0, once: 0, more: 1, endedBeforeResign: 0 });
  });
});
