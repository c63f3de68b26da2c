// The row both idempotency-key tables answer (idempotency-keys.ts on SQLite, pg/idempotency-keys.ts
// on PostgreSQL): types only, so neither implementation imports the other for it.
import type { idempotencyKeys } from './schema.js'

export type KeyRow = typeof idempotencyKeys.$inferSelect
