-- Webhooks (issue 24 part 2): subscriptions to the change feed (its events signed and delivered
-- in order from a per-subscription cursor: the feed is the outbox) and a log of every delivery attempt.
CREATE TABLE `webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`webhook_id` integer NOT NULL,
	`event_id` integer NOT NULL,
	`message_id` text NOT NULL,
	`event_type` text NOT NULL,
	`attempt` integer NOT NULL,
	`replay` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`response_code` integer,
	`error` text,
	`at` text NOT NULL,
	`duration_ms` integer,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_webhook_ix` ON `webhook_deliveries` (`webhook_id`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_event_ix` ON `webhook_deliveries` (`webhook_id`,`event_id`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`principal` text NOT NULL,
	`agency_id` integer,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`description` text,
	`secret` blob NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`failing_since` text,
	`cursor` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`first_failure_at` text,
	`next_attempt_at` text,
	`lease_holder` text,
	`lease_until` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `webhooks_principal_ix` ON `webhooks` (`principal`,`id`);