/**
 * The 4-player single-elimination bracket as plain data and pure functions: two semi-finals in
 * join order (1st v 2nd, 3rd v 4th), then the final between their winners, then a champion.
 * The Tournament object stores this record and acts on what these functions return.
 *
 * A match without a winner (both players no-show / abandoned) sends nobody on: a final with one
 * known player is won by walkover; a final with none ends the tournament without a champion.
 */
export type MatchId = "sf1" | "sf2" | "final";
export type MatchStatus = "waiting" | "ready" | "done";
export type MatchEndReason = "normal" | "forfeit" | "no_show" | "walkover" | "abandoned";

export interface BracketPlayer {
  userId: string;
  username: string;
  joinedAt: number;
}

export interface BracketMatch {
  id: MatchId;
  round: "semi" | "final";
  /** userIds; null until known. */
  players: [string | null, string | null];
  gameId: string | null;
  status: MatchStatus;
  winner: string | null;
  scores: number[] | null;
  reason: MatchEndReason | null;
  /** While waiting: when the match's game is created even if a player is not in the hall. */
  hallDeadline: number | null;
  /** Once the game exists: when a player who has not taken their seat loses by no-show. */
  seatDeadline: number | null;
  /**
   * While its game runs: the score and phase the game last reported (a point, a pause, the
   * start), for the hall. Cleared by the result. Absent in records written before it existed.
   */
  live?: LiveScore | null;
}

/** What a running game of the bracket shows the hall. */
export interface LiveScore {
  scores: number[];
  phase: "countdown" | "playing" | "paused";
}

export type TournamentStatus = "open" | "running" | "finished" | "cancelled";

export interface Bracket {
  status: TournamentStatus;
  players: BracketPlayer[];
  matches: BracketMatch[];
  champion: string | null;
  /** Game ids whose results were applied (reports are idempotent by game id). */
  applied: string[];
}

export const TOURNAMENT_SIZE = 4;

function emptyMatch(id: MatchId): BracketMatch {
  return {
    id,
    round: id === "final" ? "final" : "semi",
    players: [null, null],
    gameId: null,
    status: "waiting",
    winner: null,
    scores: null,
    reason: null,
    hallDeadline: null,
    seatDeadline: null,
  };
}

export function newBracket(): Bracket {
  return { status: "open", players: [], matches: [emptyMatch("sf1"), emptyMatch("sf2"), emptyMatch("final")], champion: null, applied: [] };
}

export type JoinOutcome = "joined" | "already" | "full" | "closed";

/** Adds a player in join order; the fourth starts the tournament (semi-finals seeded). */
export function addPlayer(b: Bracket, p: BracketPlayer): JoinOutcome {
  if (b.players.some((x) => x.userId === p.userId)) return "already";
  if (b.status !== "open") return "closed";
  if (b.players.length >= TOURNAMENT_SIZE) return "full";
  b.players.push(p);
  if (b.players.length === TOURNAMENT_SIZE) {
    b.status = "running";
    const [p1, p2, p3, p4] = b.players.map((x) => x.userId);
    b.matches[0].players = [p1, p2];
    b.matches[1].players = [p3, p4];
  }
  return "joined";
}

/** Removes a player from a tournament that has not started. */
export function removePlayer(b: Bracket, userId: string): boolean {
  if (b.status !== "open") return false;
  const before = b.players.length;
  b.players = b.players.filter((p) => p.userId !== userId);
  return b.players.length !== before;
}

export function matchById(b: Bracket, id: string): BracketMatch | undefined {
  return b.matches.find((m) => m.id === id);
}

/** Matches whose two players are known and that have no game yet. */
export function matchesAwaitingGame(b: Bracket): BracketMatch[] {
  return b.matches.filter((m) => m.status === "waiting" && m.players[0] !== null && m.players[1] !== null);
}

/** The live (not done) match a user plays in, if any. */
export function currentMatchOf(b: Bracket, userId: string): BracketMatch | undefined {
  return b.matches.find((m) => m.status !== "done" && m.players.includes(userId));
}

/** Users knocked out (lost a finished match). */
export function eliminated(b: Bracket): string[] {
  const out = new Set<string>();
  for (const m of b.matches) {
    if (m.status !== "done") continue;
    for (const p of m.players) if (p && p !== m.winner) out.add(p);
  }
  return [...out];
}

export interface ResultInput {
  matchId: MatchId;
  gameId: string;
  winner: string | null;
  scores: number[];
  reason: MatchEndReason;
}

export type ApplyOutcome = "applied" | "duplicate" | "unknown_match" | "stale_game";

/**
 * Applies a match result and moves the bracket on. Idempotent by game id: a second report of
 * the same game changes nothing and returns "duplicate".
 */
export function applyResult(b: Bracket, r: ResultInput): ApplyOutcome {
  if (b.applied.includes(r.gameId)) return "duplicate";
  const m = matchById(b, r.matchId);
  if (!m) return "unknown_match";
  if (m.gameId !== r.gameId || m.status === "done") return "stale_game";
  if (r.winner !== null && !m.players.includes(r.winner)) return "unknown_match";
  m.status = "done";
  m.winner = r.winner;
  m.scores = r.scores;
  m.reason = r.reason;
  m.hallDeadline = null;
  m.live = null;
  b.applied.push(r.gameId);
  advance(b);
  return "applied";
}

export interface ScoreInput extends LiveScore {
  matchId: MatchId;
  gameId: string;
}

/**
 * A running game's score for the hall. Only the match's current game counts, and only until its
 * result: a late or repeated report changes nothing (returns false, nothing to tell the hall).
 */
export function applyLiveScore(b: Bracket, r: ScoreInput): boolean {
  const m = matchById(b, r.matchId);
  if (!m || m.status !== "ready" || m.gameId !== r.gameId) return false;
  const prev = m.live;
  if (prev && prev.phase === r.phase && prev.scores.length === r.scores.length && prev.scores.every((n, i) => n === r.scores[i])) return false;
  m.live = { scores: [...r.scores], phase: r.phase };
  return true;
}

/** Forms the final from the semi-finals, resolves walkovers, crowns the champion. */
function advance(b: Bracket): void {
  const [sf1, sf2, final] = b.matches;
  if (sf1.status !== "done" || sf2.status !== "done" || final.status === "done") {
    if (final.status === "done") finishWith(b, final.winner);
    return;
  }
  final.players = [sf1.winner, sf2.winner];
  const known = final.players.filter((p): p is string => p !== null);
  if (known.length === 2) return; // the final will be played
  final.status = "done";
  final.reason = "walkover";
  final.winner = known[0] ?? null;
  finishWith(b, final.winner);
}

function finishWith(b: Bracket, champion: string | null): void {
  b.champion = champion;
  b.status = champion ? "finished" : "cancelled";
}

export function isOver(b: Bracket): boolean {
  return b.status === "finished" || b.status === "cancelled";
}
