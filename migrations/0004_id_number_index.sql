CREATE TABLE `officer_id_index` (
	`officer_id` integer PRIMARY KEY NOT NULL,
	`digest` text NOT NULL,
	FOREIGN KEY (`officer_id`) REFERENCES `officers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `officer_id_index_digest_uq` ON `officer_id_index` (`digest`);