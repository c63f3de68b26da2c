-- 年度培训计划 (issue 23): one yearly training plan per agency (003 line 52: at least 60 学时 covering
-- public law, professional knowledge and enforcement skills), its parts in units of 1/90 学时, read
-- by /v1/agencies/{id}/training-plans and the training-plans report.
CREATE TABLE `training_plans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agency_id` integer NOT NULL,
	`year` integer NOT NULL,
	`public_law_units` integer NOT NULL,
	`professional_units` integer NOT NULL,
	`skills_units` integer NOT NULL,
	`approved_on` text,
	`document` text NOT NULL,
	`note` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `training_plans_agency_year_uq` ON `training_plans` (`agency_id`,`year`);