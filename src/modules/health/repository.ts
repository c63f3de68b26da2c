// The read behind readiness: the database answers (whether every migration is applied, the
// store says itself).
import { sql } from 'drizzle-orm'
import type { Db } from '../../db/store.js'

export const healthRepository = {
  /** Throws when the database does not answer. */
  ping: async (db: Db): Promise<void> => { db.get(sql`select 1`) }
}
