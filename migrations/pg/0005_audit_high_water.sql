-- The highest audit event id ever committed, kept on the write lock's row (which every write
-- transaction holds): `audit verify` tells events deleted from the end of the chain by it. The
-- table's sequence cannot tell it on PostgreSQL, as SQLite's sqlite_sequence does: a sequence is
-- not rolled back, so a write that failed after taking an id would look like a deletion.
ALTER TABLE write_lock ADD COLUMN audit_last_id bigint NOT NULL DEFAULT 0;
--> statement-breakpoint
UPDATE write_lock SET audit_last_id = (SELECT coalesce(max(id), 0) FROM audit_events);
