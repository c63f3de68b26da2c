// The reads behind readiness: the database answers, and every migration is applied.
import { sql } from 'drizzle-orm'
import type { Db, Store } from '../../db/store.js'

export const healthRepository = {
  /** Throws when the database does not answer. */
  ping: async (db: Db): Promise<void> => { db.get(sql`select 1`) },
  migrationsApplied: async (store: Store): Promise<boolean> => await store.migrationsApplied()
}
