-- The id of the key this service's tokens are signed with (AUTH_SIGNING_KEY, or the key file in
-- the data folder), claimed by the first server that starts on the database with a key of its
-- own, as 0006 claims the ID-number key: every other server must sign with the same key, or each
-- would refuse the tokens the others issue (401 at random behind a load balancer).
ALTER TABLE write_lock ADD COLUMN signing_key_id text;
