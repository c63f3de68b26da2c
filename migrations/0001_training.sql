CREATE TABLE `training_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`officer_id` integer NOT NULL,
	`training_id` integer,
	`category` text NOT NULL,
	`raw_hours` text,
	`raw_minutes` integer,
	`rule` text NOT NULL,
	`units` integer NOT NULL,
	`date` text NOT NULL,
	`year` integer NOT NULL,
	`title` text,
	`provider` text,
	`evidence` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`officer_id`) REFERENCES `officers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`training_id`) REFERENCES `trainings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `training_records_attendance_uq` ON `training_records` (`training_id`,`officer_id`) WHERE training_id is not null;--> statement-breakpoint
CREATE INDEX `training_records_officer_year_ix` ON `training_records` (`officer_id`,`year`);--> statement-breakpoint
CREATE TABLE `training_totals` (
	`officer_id` integer NOT NULL,
	`year` integer NOT NULL,
	`public_law_units` integer DEFAULT 0 NOT NULL,
	`professional_units` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`officer_id`, `year`),
	FOREIGN KEY (`officer_id`) REFERENCES `officers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `training_totals_year_ix` ON `training_totals` (`year`,`officer_id`);--> statement-breakpoint
CREATE TABLE `trainings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`category` text NOT NULL,
	`raw_hours` text,
	`raw_minutes` integer,
	`rule` text NOT NULL,
	`units` integer NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text NOT NULL,
	`year` integer NOT NULL,
	`mode` text NOT NULL,
	`provider` text NOT NULL,
	`agency_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `trainings_agency_ix` ON `trainings` (`agency_id`);--> statement-breakpoint
CREATE INDEX `trainings_year_ix` ON `trainings` (`year`);