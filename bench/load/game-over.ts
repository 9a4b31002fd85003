/**
 * How the load bench reads the `game_over` messages its bots heard when a step ends. Every match
 * ends by the resigning seat's `resign` (seat 0): the server closes that socket ("resigned") before
 * it broadcasts the match's one `game_over`, so the other seat must hear exactly one and the resigner
 * none. Under overload a match may end before that resignation (a socket dropped by the heartbeat,
 * the rejoin window expired: a forfeit), and then the resigner, still connected, hears the match's
 * only announcement, which is not a duplicate. What the message says tells the two apart: the
 * resigner's own resignation is a `forfeit` someone else won; anything else it hears (it won a
 * forfeit, a normal end, an abandoned game) ended the match before it resigned.
 * Pure: the bot processes call tallyGameOvers with what each bot heard.
 */

/** What a bot kept of each `game_over` it heard (GameOverMsg's reason and winner). */
export interface GameOverHeard {
  reason: string;
  winnerSeat: number | null;
}

export interface GameOverTally {
  /** Bots that had to hear one and heard none. */
  none: number;
  /** Bots that heard exactly the one they had to. */
  once: number;
  /** Bots that heard more than the match's one announcement, or a resigner that heard its own resignation's. */
  more: number;
  /** Resigners that heard the one announcement of a match that ended before their resignation (not an error). */
  endedBeforeResign: number;
}

/** The resigner's own resignation, as announced: a forfeit won by another seat. */
export function announcesOwnResignation(g: GameOverHeard, seat: number): boolean {
  return g.reason === "forfeit" && g.winnerSeat !== null && g.winnerSeat !== seat;
}

export function tallyGameOvers(bots: { seat: number; heard: GameOverHeard[] }[], resignerSeat = 0): GameOverTally {
  const t: GameOverTally = { none: 0, once: 0, more: 0, endedBeforeResign: 0 };
  for (const b of bots) {
    const n = b.heard.length;
    if (b.seat !== resignerSeat) {
      if (n === 0) t.none++;
      else if (n === 1) t.once++;
      else t.more++;
    } else if (n === 1 && !announcesOwnResignation(b.heard[0], b.seat)) t.endedBeforeResign++;
    else if (n > 0) t.more++;
  }
  return t;
}
