-- One row every write transaction locks first (SELECT … FOR UPDATE; src/db/pg/store.ts): writes
-- from every app server are serialised as SQLite's single writer is, so the audit chain stays
-- linear, feed ids are committed in order and no update is lost. Not in the drizzle schema: the
-- adapter's, not the registry's.
CREATE TABLE write_lock (id integer PRIMARY KEY CHECK (id = 1));
--> statement-breakpoint
INSERT INTO write_lock (id) VALUES (1);
