/**
 * Recording finished matches. recordMatch() is idempotent by match id: the first call inserts
 * the match, its players and the players' new wins/losses/rating in ONE D1 batch (a single
 * transaction); any later call with the same id changes nothing and reports `recorded: false`.
 *
 * How it stays exactly-once even when two calls race: the match row is inserted with
 * `INSERT ... ON CONFLICT (id) DO NOTHING` carrying a random `write_id`; every other statement
 * of the batch only takes effect `WHERE EXISTS (match with this id AND this write_id)`, which is
 * true only for the call whose insert won.
 *
 * Rating rule (all modes, n = 2..4 players, winner W):
 *   W plays a virtual Elo game against each loser L with K = 32 / (n - 1):
 *     E = 1 / (1 + 10^((R_L - R_W) / 400));  d_L = round(K * (1 - E))
 *   Each loser loses d_L, W gains the sum of all d_L (zero-sum, integers).
 *   For 2 players this is plain Elo with K = 32. W gets a win, everyone else a loss.
 *   Forfeits count like normal ends. Ratings are read just before the batch; the batch then
 *   adds the deltas (rating = rating + d), so concurrent matches never lose an update.
 */
import { and, eq, exists, inArray, sql } from "drizzle-orm";
import type { Db } from "./client";
import { matches, matchPlayers, users } from "./schema";

export type MatchMode = "2p" | "4p" | "tournament";
export type MatchReason = "normal" | "forfeit";
export type MatchRound = "semi" | "final";
export type SeatSide = "left" | "right" | "top" | "bottom";

export interface RecordMatchPlayer {
  userId: string;
  /** 0-based seat (join order). */
  seat: number;
  side: SeatSide;
  score: number;
}

export interface RecordMatchInput {
  /** The game id; the idempotency key. */
  id: string;
  mode: MatchMode;
  players: RecordMatchPlayer[];
  /** Must be one of players[].userId. */
  winnerId: string;
  reason: MatchReason;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms, >= startedAt. */
  endedAt: number;
  tournamentId?: string | null;
  /** A tournament match's round. */
  round?: MatchRound | null;
}

export interface RecordMatchResult {
  /** true when this call wrote the match; false when it was already recorded (nothing changed). */
  recorded: boolean;
  /** userId -> rating change the match applied (also returned, from storage, when recorded is false). */
  ratingChanges: Record<string, number>;
}

/** Invalid input to recordMatch (a caller bug, not a user error). */
export class RecordMatchError extends Error {
  override name = "RecordMatchError";
}

export const ELO_K = 32;

/** Rating deltas for a finished match, by the rule documented at the top of this file. */
export function ratingDeltas(ratings: Record<string, number>, winnerId: string): Record<string, number> {
  const ids = Object.keys(ratings);
  const k = ELO_K / (ids.length - 1);
  const rw = ratings[winnerId];
  const out: Record<string, number> = { [winnerId]: 0 };
  for (const id of ids) {
    if (id === winnerId) continue;
    const expected = 1 / (1 + 10 ** ((ratings[id] - rw) / 400));
    const d = Math.round(k * (1 - expected));
    out[id] = -d;
    out[winnerId] += d;
  }
  return out;
}

const MODES: readonly string[] = ["2p", "4p", "tournament"];
const REASONS: readonly string[] = ["normal", "forfeit"];
const SIDES: readonly string[] = ["left", "right", "top", "bottom"];

function validate(input: RecordMatchInput): void {
  const fail = (msg: string): never => {
    throw new RecordMatchError(`recordMatch: ${msg}`);
  };
  if (typeof input.id !== "string" || input.id.length === 0 || input.id.length > 128) fail("id must be a 1-128 char string");
  if (!MODES.includes(input.mode)) fail(`mode must be one of ${MODES.join(", ")}`);
  if (!REASONS.includes(input.reason)) fail(`reason must be one of ${REASONS.join(", ")}`);
  const n = input.players?.length ?? 0;
  if (input.mode === "2p" ? n !== 2 : n < 2 || n > 4) fail(`${input.mode} needs ${input.mode === "2p" ? "2" : "2-4"} players`);
  if (new Set(input.players.map((p) => p.userId)).size !== n) fail("a user appears twice");
  if (new Set(input.players.map((p) => p.seat)).size !== n) fail("a seat appears twice");
  for (const p of input.players) {
    if (typeof p.userId !== "string" || p.userId === "") fail("player userId missing");
    if (!Number.isInteger(p.seat) || p.seat < 0 || p.seat > 3) fail("seat must be an integer 0-3");
    if (!SIDES.includes(p.side)) fail(`side must be one of ${SIDES.join(", ")}`);
    if (!Number.isInteger(p.score) || p.score < 0) fail("score must be a non-negative integer");
  }
  if (!input.players.some((p) => p.userId === input.winnerId)) fail("winnerId is not one of the players");
  if (input.round != null && input.round !== "semi" && input.round !== "final") fail("round must be semi, final or null");
  if (!Number.isFinite(input.startedAt) || !Number.isFinite(input.endedAt) || input.endedAt < input.startedAt) {
    fail("startedAt/endedAt must be epoch ms with startedAt <= endedAt");
  }
}

export async function recordMatch(db: Db, input: RecordMatchInput): Promise<RecordMatchResult> {
  validate(input);

  const ids = input.players.map((p) => p.userId);
  const rows = await db.select({ id: users.id, rating: users.rating }).from(users).where(inArray(users.id, ids)).all();
  if (rows.length !== ids.length) throw new RecordMatchError("recordMatch: unknown user id among players");
  const ratings = Object.fromEntries(rows.map((r) => [r.id, r.rating]));
  const deltas = ratingDeltas(ratings, input.winnerId);

  const writeId = crypto.randomUUID();
  const won = exists(
    db
      .select({ one: sql`1` })
      .from(matches)
      .where(and(eq(matches.id, input.id), eq(matches.writeId, writeId))),
  );

  const insertMatch = db
    .insert(matches)
    .values({
      id: input.id,
      mode: input.mode,
      winnerId: input.winnerId,
      reason: input.reason,
      startedAt: Math.round(input.startedAt),
      endedAt: Math.round(input.endedAt),
      tournamentId: input.tournamentId ?? null,
      round: input.round ?? null,
      writeId,
    })
    .onConflictDoNothing({ target: matches.id });

  const insertPlayers = input.players.map((p) => {
    const result = p.userId === input.winnerId ? "win" : "loss";
    return db
      .insert(matchPlayers)
      .select(
        sql`SELECT ${input.id}, ${p.userId}, ${p.seat}, ${p.side}, ${p.score}, ${result}, ${deltas[p.userId]}
            FROM ${matches} WHERE ${matches.id} = ${input.id} AND ${matches.writeId} = ${writeId}`,
      );
  });

  const updateUsers = input.players.map((p) => {
    const win = p.userId === input.winnerId ? 1 : 0;
    return db
      .update(users)
      .set({
        wins: sql`${users.wins} + ${win}`,
        losses: sql`${users.losses} + ${1 - win}`,
        rating: sql`${users.rating} + ${deltas[p.userId]}`,
      })
      .where(and(eq(users.id, p.userId), won));
  });

  const [matchResult] = await db.batch([insertMatch, ...insertPlayers, ...updateUsers]);
  const recorded = (matchResult as D1Result).meta.changes === 1;
  if (!recorded) {
    // Recorded before (a retry) or by a concurrent call: nothing of this batch took effect.
    return { recorded: false, ratingChanges: (await storedDeltas(db, input.id)) ?? {} };
  }
  return { recorded: true, ratingChanges: deltas };
}

async function storedDeltas(db: Db, matchId: string): Promise<Record<string, number> | null> {
  const match = await db.select({ id: matches.id }).from(matches).where(eq(matches.id, matchId)).get();
  if (!match) return null;
  const rows = await db
    .select({ userId: matchPlayers.userId, delta: matchPlayers.ratingDelta })
    .from(matchPlayers)
    .where(eq(matchPlayers.matchId, matchId))
    .all();
  return Object.fromEntries(rows.map((r) => [r.userId, r.delta]));
}
