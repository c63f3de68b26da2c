-- The id of the key ID numbers are sealed with (security/id-numbers), claimed by the first server
-- that opens the database with a key: every other server must open it with the same key. Checking
-- against the numbers already stored is not enough on a database still empty, or when two
-- servers with different keys start together: each would seal with its own, and the blind index
-- could no longer tell the same ID number registered through both.
ALTER TABLE write_lock ADD COLUMN id_number_key_id text;
