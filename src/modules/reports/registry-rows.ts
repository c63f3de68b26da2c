// The row both registry repositories answer (registry-repository.ts on SQLite,
// pg-registry-repository.ts on PostgreSQL): types only, so neither imports the other for it.
import type { certificates } from '../../db/schema.js'

export type CertificateRow = typeof certificates.$inferSelect
