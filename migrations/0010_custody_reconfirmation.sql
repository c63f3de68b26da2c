CREATE TABLE `card_custodies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`certificate_id` integer NOT NULL,
	`held_since` text NOT NULL,
	`ended_on` text,
	`outcome` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`certificate_id`) REFERENCES `certificates`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `card_custodies_cert_ix` ON `card_custodies` (`certificate_id`);--> statement-breakpoint
DROP INDEX `agency_confirmations_year_uq`;--> statement-breakpoint
ALTER TABLE `agency_confirmations` ADD `kind` text DEFAULT 'yearly' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `agency_confirmations_year_uq` ON `agency_confirmations` (`agency_id`,`year`) WHERE kind = 'yearly';--> statement-breakpoint
ALTER TABLE `agencies` ADD `reconfirmation_due_since` text;--> statement-breakpoint
ALTER TABLE `certificates` ADD `held_since` text;--> statement-breakpoint
-- Written by hand: cards suspended before custody was recorded are held since their last
-- suspension (its Shanghai calendar day), each with an open custody record.
UPDATE `certificates` SET `held_since` = (
	SELECT date(max(e.`at`), '+8 hours') FROM `certificate_events` e WHERE e.`certificate_id` = `certificates`.`id` AND e.`action` = 'suspend'
) WHERE `status` = 'suspended';--> statement-breakpoint
UPDATE `certificates` SET `held_since` = date(coalesce(`updated_at`, `created_at`), '+8 hours') WHERE `status` = 'suspended' AND `held_since` IS NULL;--> statement-breakpoint
INSERT INTO `card_custodies` (`certificate_id`, `held_since`) SELECT `id`, `held_since` FROM `certificates` WHERE `status` = 'suspended';
