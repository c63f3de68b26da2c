// The reads behind readiness: the database answers, and every migration is applied.
import { migrationsApplied, type DatabaseHandle } from '../../db/open.js'

export const healthRepository = {
  /** Throws when the database does not answer. */
  ping: (store: DatabaseHandle): void => { store.sqlite.prepare('select 1').get() },
  migrationsApplied: (store: DatabaseHandle): boolean => migrationsApplied(store.sqlite)
}
