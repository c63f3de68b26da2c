CREATE TABLE `domain_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`audit_event_id` integer NOT NULL,
	`type` text NOT NULL,
	`subject` text NOT NULL,
	`agency_id` integer NOT NULL,
	`prior_agency_id` integer,
	`time` text NOT NULL,
	`data` text NOT NULL,
	FOREIGN KEY (`audit_event_id`) REFERENCES `audit_events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `domain_events_agency_ix` ON `domain_events` (`agency_id`,`id`);--> statement-breakpoint
CREATE INDEX `domain_events_prior_agency_ix` ON `domain_events` (`prior_agency_id`,`id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`principal` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`state` text NOT NULL,
	`token` text NOT NULL,
	`lease_until` text NOT NULL,
	`status_code` integer,
	`headers` text,
	`body` blob,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	PRIMARY KEY(`principal`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_expiry_ix` ON `idempotency_keys` (`expires_at`);--> statement-breakpoint
ALTER TABLE `audit_events` ADD `agency_id` integer;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `prior_agency_id` integer;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `prev_hash` text;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `hash` text;--> statement-breakpoint
CREATE INDEX `audit_events_actor_ix` ON `audit_events` (`actor`);--> statement-breakpoint
CREATE INDEX `audit_events_at_ix` ON `audit_events` (`at`);