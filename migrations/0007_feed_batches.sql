ALTER TABLE `domain_events` ADD `officers` text;--> statement-breakpoint
CREATE INDEX `domain_events_batch_ix` ON `domain_events` (`id`) WHERE "domain_events"."officers" is not null;