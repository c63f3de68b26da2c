// The rows and filters both agency repositories share (repository.ts on SQLite, pg-repository.ts
// on PostgreSQL): types only, so neither implementation imports the other for them.
import type { agencies } from '../../db/schema.js'

export type AgencyRow = typeof agencies.$inferSelect
export type NewAgencyRow = typeof agencies.$inferInsert

export interface AgencyFilter { status?: AgencyRow['status'] | undefined, parentId?: number | undefined, name?: string | undefined }

/** An agency's staff as staffingCounts counts it; NO_STAFF (repository.ts) for one with none. */
export interface StaffCounts { officers: number, certified: number, reviewers: number }
