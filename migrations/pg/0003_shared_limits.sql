-- What several app servers on one database share (issue 22; src/db/pg/shared-limits.ts): the
-- back-off after failed sign-ins, one row per account name (its state as the pure transitions of
-- src/security/login-guard.ts leave it), and the rate limits' counts, one row per limiter and key
-- (a fixed window from its first hit). Each row is changed alone (a row lock, or one atomic
-- upsert), never under write_lock. Not in the drizzle schema: the adapter's, not the registry's
-- (SQLite keeps both in the one process's memory).
CREATE TABLE login_guard (
  name text PRIMARY KEY,
  state jsonb NOT NULL,
  touched_ms bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE rate_limit_hits (
  key text PRIMARY KEY,
  window_start_ms bigint NOT NULL,
  hits integer NOT NULL
);
