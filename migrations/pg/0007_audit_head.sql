-- The hash of the newest audit event, kept on the write lock's row with its id (0005): every write
-- transaction reads that row first (to lock it), so an append learns the hash it chains to there,
-- instead of a query of its own for the chain's tail. Null: no event yet.
ALTER TABLE write_lock ADD COLUMN audit_last_hash text;
--> statement-breakpoint
UPDATE write_lock SET audit_last_hash = (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1);
