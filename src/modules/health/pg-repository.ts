// The read behind readiness, on PostgreSQL (the SQLite one: repository.ts).
import { sql } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'

export const pgHealthRepository = {
  ping: async (db: PgDb): Promise<void> => { await db.execute(sql`select 1`) }
}
