/**
 * D1 schema (drizzle-orm). Migrations in /migrations are generated from this file with
 * `npm run db:generate` (drizzle-kit); never edit a generated migration by hand.
 *
 * Times are integers in epoch milliseconds. Ids are text (users: crypto.randomUUID();
 * matches: the game id chosen by the game server; tournaments: chosen by their creator).
 */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** As typed at registration (3-20 of [A-Za-z0-9_-]). */
    username: text("username").notNull(),
    /** username.toLowerCase(): the UNIQUE key that makes names case-insensitively unique. */
    usernameLower: text("username_lower").notNull(),
    /** base64 of the derived key. */
    passwordHash: text("password_hash").notNull(),
    /** base64 of the per-user random salt (16 bytes). */
    salt: text("salt").notNull(),
    iterations: integer("iterations").notNull(),
    /** e.g. "pbkdf2-sha256". */
    algorithm: text("algorithm").notNull(),
    rating: integer("rating").notNull().default(1000),
    wins: integer("wins").notNull().default(0),
    losses: integer("losses").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("users_username_lower_unique").on(t.usernameLower),
    index("users_wins_idx").on(t.wins),
    check("users_username_lower_check", sql`${t.usernameLower} = lower(${t.username})`),
    check("users_counts_check", sql`${t.wins} >= 0 AND ${t.losses} >= 0`),
  ],
);

export const tournaments = sqliteTable(
  "tournaments",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    status: text("status", { enum: ["pending", "running", "finished", "cancelled"] }).notNull().default("pending"),
    championId: text("champion_id").references(() => users.id),
    createdAt: integer("created_at").notNull(),
    endedAt: integer("ended_at"),
  },
  (t) => [check("tournaments_status_check", sql`${t.status} IN ('pending', 'running', 'finished', 'cancelled')`)],
);

export const matches = sqliteTable(
  "matches",
  {
    /** The game id. recordMatch() is idempotent on it. */
    id: text("id").primaryKey(),
    mode: text("mode", { enum: ["2p", "4p", "tournament"] }).notNull(),
    winnerId: text("winner_id").references(() => users.id),
    reason: text("reason", { enum: ["normal", "forfeit"] }).notNull(),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at").notNull(),
    tournamentId: text("tournament_id").references(() => tournaments.id),
    /** A tournament match's round (match history labels it); null outside tournaments and in rows older than the column. */
    round: text("round", { enum: ["semi", "final"] }),
    /**
     * Random value written by the recordMatch() call whose INSERT created the row. The other
     * statements of the same D1 batch only take effect when it matches, which is what makes
     * recording a match twice (retries, two writers) count wins/losses/rating exactly once.
     */
    writeId: text("write_id").notNull(),
  },
  (t) => [
    index("matches_ended_at_idx").on(t.endedAt),
    index("matches_tournament_idx").on(t.tournamentId),
    check("matches_mode_check", sql`${t.mode} IN ('2p', '4p', 'tournament')`),
    check("matches_reason_check", sql`${t.reason} IN ('normal', 'forfeit')`),
  ],
);

export const matchPlayers = sqliteTable(
  "match_players",
  {
    matchId: text("match_id")
      .notNull()
      .references(() => matches.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    /** 0-based seat (join order). 2P: 0 left, 1 right. 4P: 0 left, 1 right, 2 top, 3 bottom. */
    seat: integer("seat").notNull(),
    side: text("side", { enum: ["left", "right", "top", "bottom"] }).notNull(),
    score: integer("score").notNull(),
    result: text("result", { enum: ["win", "loss"] }).notNull(),
    /** Rating change this match applied to the player. */
    ratingDelta: integer("rating_delta").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.matchId, t.seat] }),
    uniqueIndex("match_players_match_user_unique").on(t.matchId, t.userId),
    index("match_players_user_idx").on(t.userId),
    check("match_players_side_check", sql`${t.side} IN ('left', 'right', 'top', 'bottom')`),
    check("match_players_result_check", sql`${t.result} IN ('win', 'loss')`),
  ],
);

/**
 * Who plays in which tournament. `active` is 1 until the tournament ends; the partial unique
 * index makes "a player is in at most one tournament that has not ended" hold across every
 * Tournament object at once.
 */
export const tournamentPlayers = sqliteTable(
  "tournament_players",
  {
    tournamentId: text("tournament_id")
      .notNull()
      .references(() => tournaments.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    active: integer("active").notNull().default(1),
    joinedAt: integer("joined_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tournamentId, t.userId] }),
    uniqueIndex("tournament_players_one_live_per_user").on(t.userId).where(sql`${t.active} = 1`),
  ],
);

/**
 * Server-side handle of every session token (the token's `sid` claim): a token is only honoured
 * while its row exists and has not expired, so logout (delete the row) and a password change
 * (delete the user's other rows) end sessions before their JWT `exp`.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export type UserRow = typeof users.$inferSelect;
export type MatchRow = typeof matches.$inferSelect;
export type MatchPlayerRow = typeof matchPlayers.$inferSelect;
export type TournamentRow = typeof tournaments.$inferSelect;

