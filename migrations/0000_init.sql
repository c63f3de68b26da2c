CREATE TABLE `agencies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`uscc` text NOT NULL,
	`kind` text NOT NULL,
	`level` text NOT NULL,
	`parent_id` integer,
	`path` text DEFAULT '' NOT NULL,
	`region_code` text NOT NULL,
	`domains` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`successor_id` integer,
	`ended_on` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agencies_uscc_uq` ON `agencies` (`uscc`);--> statement-breakpoint
CREATE INDEX `agencies_path_ix` ON `agencies` (`path`);--> statement-breakpoint
CREATE INDEX `agencies_parent_ix` ON `agencies` (`parent_id`);--> statement-breakpoint
CREATE TABLE `agency_confirmations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agency_id` integer NOT NULL,
	`year` integer NOT NULL,
	`announcement_no` text NOT NULL,
	`date` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agency_confirmations_year_uq` ON `agency_confirmations` (`agency_id`,`year`);--> statement-breakpoint
CREATE TABLE `assessments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`officer_id` integer NOT NULL,
	`year` integer NOT NULL,
	`grade` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`officer_id`) REFERENCES `officers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assessments_uq` ON `assessments` (`officer_id`,`year`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`role` text NOT NULL,
	`request_id` text,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`action` text NOT NULL,
	`before` text,
	`after` text
);
--> statement-breakpoint
CREATE INDEX `audit_events_entity_ix` ON `audit_events` (`entity`,`entity_id`);--> statement-breakpoint
CREATE TABLE `card_recalls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`certificate_id` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`reason` text NOT NULL,
	`opened_on` text NOT NULL,
	`closed_on` text,
	`note` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`certificate_id`) REFERENCES `certificates`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `card_recalls_cert_ix` ON `card_recalls` (`certificate_id`);--> statement-breakpoint
CREATE INDEX `card_recalls_status_ix` ON `card_recalls` (`status`);--> statement-breakpoint
CREATE TABLE `certificate_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`certificate_id` integer NOT NULL,
	`action` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`reason` text,
	`until` text,
	`actor` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`certificate_id`) REFERENCES `certificates`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `certificate_events_cert_ix` ON `certificate_events` (`certificate_id`);--> statement-breakpoint
CREATE TABLE `certificate_sequences` (
	`region_code` text NOT NULL,
	`year` integer NOT NULL,
	`last_seq` integer NOT NULL,
	PRIMARY KEY(`region_code`, `year`)
);
--> statement-breakpoint
CREATE TABLE `certificates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text NOT NULL,
	`officer_id` integer NOT NULL,
	`agency_id` integer NOT NULL,
	`domains` text NOT NULL,
	`issued_on` text NOT NULL,
	`valid_until` text NOT NULL,
	`status` text NOT NULL,
	`status_reason` text,
	`suspended_until` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text,
	FOREIGN KEY (`officer_id`) REFERENCES `officers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `certificates_number_uq` ON `certificates` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `certificates_live_uq` ON `certificates` (`officer_id`,`agency_id`) WHERE status in ('active','suspended');--> statement-breakpoint
CREATE INDEX `certificates_agency_ix` ON `certificates` (`agency_id`,`status`);--> statement-breakpoint
CREATE INDEX `certificates_officer_ix` ON `certificates` (`officer_id`);--> statement-breakpoint
CREATE TABLE `clients` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`client_id` text NOT NULL,
	`name` text NOT NULL,
	`secret_hash` text NOT NULL,
	`role` text NOT NULL,
	`agency_id` integer,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clients_client_id_uq` ON `clients` (`client_id`);--> statement-breakpoint
CREATE TABLE `exam_results` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`exam_id` integer NOT NULL,
	`officer_id` integer NOT NULL,
	`score` integer NOT NULL,
	`passed` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`exam_id`) REFERENCES `exams`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer_id`) REFERENCES `officers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exam_results_uq` ON `exam_results` (`exam_id`,`officer_id`);--> statement-breakpoint
CREATE INDEX `exam_results_officer_ix` ON `exam_results` (`officer_id`);--> statement-breakpoint
CREATE TABLE `exams` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`date` text NOT NULL,
	`pass_mark` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `officer_moves` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`officer_id` integer NOT NULL,
	`from_agency_id` integer NOT NULL,
	`to_agency_id` integer,
	`kind` text NOT NULL,
	`reason` text NOT NULL,
	`date` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`officer_id`) REFERENCES `officers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`from_agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `officer_moves_officer_ix` ON `officer_moves` (`officer_id`);--> statement-breakpoint
CREATE TABLE `officers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`id_number` text NOT NULL,
	`agency_id` integer NOT NULL,
	`employee_no` text,
	`phone` text,
	`auxiliary` integer DEFAULT false NOT NULL,
	`police` integer DEFAULT false NOT NULL,
	`legal_reviewer` integer DEFAULT false NOT NULL,
	`supervisor` integer DEFAULT false NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`joined_on` text,
	`departed_on` text,
	`departure_reason` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `officers_id_number_uq` ON `officers` (`id_number`);--> statement-breakpoint
CREATE INDEX `officers_agency_ix` ON `officers` (`agency_id`,`status`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`agency_id` integer,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_uq` ON `users` (`username`);