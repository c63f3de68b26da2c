CREATE TABLE `import_jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`principal` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`partial` integer DEFAULT false NOT NULL,
	`dry_run` integer DEFAULT false NOT NULL,
	`rows` integer DEFAULT 0 NOT NULL,
	`checked` integer DEFAULT 0 NOT NULL,
	`applied` integer DEFAULT 0 NOT NULL,
	`result` text,
	`error` text,
	`holder` text NOT NULL,
	`request_id` text,
	`created_at` text NOT NULL,
	`started_at` text,
	`finished_at` text
);
--> statement-breakpoint
CREATE INDEX `import_jobs_unfinished_ix` ON `import_jobs` (`status`);