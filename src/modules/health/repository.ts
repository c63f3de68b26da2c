// The read behind readiness: the database answers (whether every migration is applied, the
// store says itself).
import { sql } from 'drizzle-orm'
import { byEngine, type SqliteDb } from '../../db/engine.js'
import { pgHealthRepository } from './pg-repository.js'

export const healthRepository = byEngine({
  /** Throws when the database does not answer. */
  ping: async (db: SqliteDb): Promise<void> => { db.get(sql`select 1`) }
}, pgHealthRepository)
