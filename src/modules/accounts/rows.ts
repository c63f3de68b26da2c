// The rows both account repositories answer (repository.ts on SQLite, pg-repository.ts on
// PostgreSQL): types only, so neither implementation imports the other for them.
import type { clients, users } from '../../db/schema.js'

export type UserRow = typeof users.$inferSelect
export type ClientRow = typeof clients.$inferSelect
