// The reads behind readiness: the database answers, and every migration is applied.
import { migrationsApplied, type SqliteStore } from '../../db/sqlite/store.js'

export const healthRepository = {
  /** Throws when the database does not answer. */
  ping: (store: SqliteStore): void => { store.sqlite.prepare('select 1').get() },
  migrationsApplied: (store: SqliteStore): boolean => migrationsApplied(store.sqlite)
}
