// The rows, inputs and filter both officer repositories share (repository.ts on SQLite,
// pg-repository.ts on PostgreSQL): types only, so neither implementation imports the other for them.
import type { officers } from '../../db/schema.js'

export type OfficerRow = typeof officers.$inferSelect
export type NewOfficerRow = typeof officers.$inferInsert
/** What registering an officer sets; the rest takes the column's default. */
export type NewOfficer = Pick<NewOfficerRow, 'name' | 'idNumber' | 'agencyId' | 'employeeNo' | 'phone' | 'joinedOn' | 'auxiliary' | 'police' | 'legalReviewer' | 'supervisor'>
export interface OfficerFilter { agencyId?: number | undefined, status?: OfficerRow['status'] | undefined, legalReviewer?: boolean | undefined, name?: string | undefined }
