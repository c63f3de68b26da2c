// The job row both import-job repositories answer (job-repository.ts on SQLite,
// pg-job-repository.ts on PostgreSQL): types only, so neither imports the other for it.
import type { importJobs } from '../../db/schema.js'
import type { ImportSummary } from './engine.js'

export type ImportJobRow = Omit<typeof importJobs.$inferSelect, 'result'> & { result: ImportSummary | null }
/** Why a job failed: the problem's code and detail, as the synchronous call would have answered. */
export interface JobError { code: string, detail: string }
