// The reads behind readiness: the database answers, and every migration is applied.
import { sql } from 'drizzle-orm'
import { migrationsApplied, type SqliteStore } from '../../db/sqlite/store.js'

export const healthRepository = {
  /** Throws when the database does not answer. */
  ping: (store: SqliteStore): void => { store.db.get(sql`select 1`) },
  migrationsApplied: (store: SqliteStore): boolean => migrationsApplied(store.sqlite)
}
