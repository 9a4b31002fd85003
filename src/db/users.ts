/** Account rows: creation, lookup, public views. */
import type { Championships, LeaderboardEntry, MatchSummary } from "../shared/protocol/http";
import { and, desc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Db } from "./client";
import { matches, matchPlayers, tournaments, users, type UserRow } from "./schema";

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db.select().from(users).where(eq(users.usernameLower, username.toLowerCase())).get();
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.select().from(users).where(eq(users.id, id)).get();
}

/** How a password is stored (src/worker/auth/password.ts makes and checks it): algorithm and cost beside the hash. */
export interface PasswordHash {
  hash: string; // base64
  salt: string; // base64
  iterations: number;
  algorithm: string;
}

/** Inserts a user. Throws the D1 error on a taken name (see isUniqueViolation). */
export async function insertUser(db: Db, username: string, password: PasswordHash, now = Date.now()): Promise<UserRow> {
  const row: UserRow = {
    id: crypto.randomUUID(),
    username,
    usernameLower: username.toLowerCase(),
    passwordHash: password.hash,
    salt: password.salt,
    iterations: password.iterations,
    algorithm: password.algorithm,
    rating: 1000,
    wins: 0,
    losses: 0,
    createdAt: now,
  };
  await db.insert(users).values(row).run();
  return row;
}

export const iso = (ms: number) => new Date(ms).toISOString();

export function winRate(wins: number, losses: number): number {
  const games = wins + losses;
  return games === 0 ? 0 : Math.round((wins / games) * 10_000) / 10_000;
}

export type { LeaderboardEntry };

/**
 * Top players: those with at least one finished match, ordered by wins (desc), then win rate
 * (desc), then rating (desc), then username (asc) so ties have a stable order.
 */
export async function leaderboard(db: Db, limit = 50): Promise<LeaderboardEntry[]> {
  const rate = sql`CAST(${users.wins} AS REAL) / (${users.wins} + ${users.losses})`;
  const rows = await db
    .select({ username: users.username, wins: users.wins, losses: users.losses, rating: users.rating })
    .from(users)
    .where(gt(sql`${users.wins} + ${users.losses}`, 0))
    .orderBy(desc(users.wins), desc(rate), desc(users.rating), users.usernameLower)
    .limit(limit)
    .all();
  return rows.map((r) => ({ ...r, winRate: winRate(r.wins, r.losses) }));
}

/** The user's most recent matches (by end time, newest first), with every player of each. */
export async function recentMatches(db: Db, userId: string, limit = 20): Promise<MatchSummary[]> {
  const mine = await db
    .select({
      id: matches.id,
      mode: matches.mode,
      winnerId: matches.winnerId,
      reason: matches.reason,
      startedAt: matches.startedAt,
      endedAt: matches.endedAt,
      tournamentId: matches.tournamentId,
      round: matches.round,
    })
    .from(matchPlayers)
    .innerJoin(matches, eq(matches.id, matchPlayers.matchId))
    .where(eq(matchPlayers.userId, userId))
    .orderBy(desc(matches.endedAt), desc(matches.id))
    .limit(limit)
    .all();
  if (mine.length === 0) return [];

  const players = await db
    .select({
      matchId: matchPlayers.matchId,
      userId: matchPlayers.userId,
      username: users.username,
      seat: matchPlayers.seat,
      side: matchPlayers.side,
      score: matchPlayers.score,
      result: matchPlayers.result,
    })
    .from(matchPlayers)
    .innerJoin(users, eq(users.id, matchPlayers.userId))
    .where(and(inArray(matchPlayers.matchId, mine.map((m) => m.id))))
    .orderBy(matchPlayers.matchId, matchPlayers.seat)
    .all();

  return mine.map((m) => {
    const ps = players.filter((p) => p.matchId === m.id);
    return {
      id: m.id,
      mode: m.mode,
      players: ps.map(({ username, seat, side, score, result }) => ({ username, seat, side, score, result })),
      winner: ps.find((p) => p.userId === m.winnerId)?.username ?? null,
      reason: m.reason,
      startedAt: iso(m.startedAt),
      endedAt: iso(m.endedAt),
      tournamentId: m.tournamentId,
      round: m.round ?? null,
    };
  });
}

/** Tournaments the user won (shown on profiles). */
export async function championships(db: Db, userId: string): Promise<Championships> {
  const rows = await db
    .select({ id: tournaments.id, name: tournaments.name, endedAt: tournaments.endedAt })
    .from(tournaments)
    .where(and(eq(tournaments.championId, userId), eq(tournaments.status, "finished")))
    .orderBy(desc(tournaments.endedAt))
    .all();
  return { count: rows.length, recent: rows.slice(0, 5).map((r) => ({ id: r.id, name: r.name, endedAt: r.endedAt === null ? null : iso(r.endedAt) })) };
}
