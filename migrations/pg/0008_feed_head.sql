-- The highest change-feed id given, kept on the write lock's row beside the audit chain's head
-- (0005, 0007): every write transaction reads that row first, so the ids of the events it
-- appends follow it with no query of the table. max(id) read at each event was planned from the
-- table's statistics: a table analysed while small was scanned whole at every event of a large
-- import, the rows it had written so far included.
ALTER TABLE write_lock ADD COLUMN feed_last_id bigint NOT NULL DEFAULT 0;
--> statement-breakpoint
UPDATE write_lock SET feed_last_id = (SELECT coalesce(max(id), 0) FROM domain_events);
