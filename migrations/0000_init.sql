CREATE TABLE `match_players` (
	`match_id` text NOT NULL,
	`user_id` text NOT NULL,
	`seat` integer NOT NULL,
	`side` text NOT NULL,
	`score` integer NOT NULL,
	`result` text NOT NULL,
	`rating_delta` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`match_id`, `seat`),
	FOREIGN KEY (`match_id`) REFERENCES `matches`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "match_players_side_check" CHECK("match_players"."side" IN ('left', 'right', 'top', 'bottom')),
	CONSTRAINT "match_players_result_check" CHECK("match_players"."result" IN ('win', 'loss'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `match_players_match_user_unique` ON `match_players` (`match_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `match_players_user_idx` ON `match_players` (`user_id`);--> statement-breakpoint
CREATE TABLE `matches` (
	`id` text PRIMARY KEY NOT NULL,
	`mode` text NOT NULL,
	`winner_id` text,
	`reason` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer NOT NULL,
	`tournament_id` text,
	`write_id` text NOT NULL,
	FOREIGN KEY (`winner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`tournament_id`) REFERENCES `tournaments`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "matches_mode_check" CHECK("matches"."mode" IN ('2p', '4p', 'tournament')),
	CONSTRAINT "matches_reason_check" CHECK("matches"."reason" IN ('normal', 'forfeit'))
);
--> statement-breakpoint
CREATE INDEX `matches_ended_at_idx` ON `matches` (`ended_at`);--> statement-breakpoint
CREATE INDEX `matches_tournament_idx` ON `matches` (`tournament_id`);--> statement-breakpoint
CREATE TABLE `tournaments` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`champion_id` text,
	`created_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`champion_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "tournaments_status_check" CHECK("tournaments"."status" IN ('pending', 'running', 'finished', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`username_lower` text NOT NULL,
	`password_hash` text NOT NULL,
	`salt` text NOT NULL,
	`iterations` integer NOT NULL,
	`algorithm` text NOT NULL,
	`rating` integer DEFAULT 1000 NOT NULL,
	`wins` integer DEFAULT 0 NOT NULL,
	`losses` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "users_username_lower_check" CHECK("users"."username_lower" = lower("users"."username")),
	CONSTRAINT "users_counts_check" CHECK("users"."wins" >= 0 AND "users"."losses" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_lower_unique` ON `users` (`username_lower`);--> statement-breakpoint
CREATE INDEX `users_wins_idx` ON `users` (`wins`);