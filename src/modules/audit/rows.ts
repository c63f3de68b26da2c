// The row and filter both audit repositories share (repository.ts on SQLite, pg-repository.ts on
// PostgreSQL): types only, so neither implementation imports the other for them.
import type { auditEvents } from '../../db/schema.js'

export type AuditRow = typeof auditEvents.$inferSelect

export interface AuditFilter {
  entity?: string | undefined
  entityId?: string | undefined
  actor?: string | undefined
  /** Inclusive lower and exclusive upper bound, as stored (UTC, toISOString). */
  from?: string | undefined
  to?: string | undefined
}
