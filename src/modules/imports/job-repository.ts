// Import jobs in SQL (import_jobs): one row per job, its outcome written once when it ends.
import { and, eq, inArray, isNotNull, lte } from 'drizzle-orm'
import type { Db } from '../../db/store.js'
import { importJobs } from '../../db/schema.js'
import type { ImportSummary, Progress } from './engine.js'

export type ImportJobRow = Omit<typeof importJobs.$inferSelect, 'result'> & { result: ImportSummary | null }
/** Why a job failed: the problem's code and detail, as the synchronous call would have answered. */
export interface JobError { code: string, detail: string }

export const importJobRepository = {
  insert: async (db: Db, v: Pick<typeof importJobs.$inferInsert, 'principal' | 'kind' | 'partial' | 'dryRun' | 'holder' | 'requestId' | 'createdAt'>): Promise<ImportJobRow> =>
    db.insert(importJobs).values({ ...v, status: 'queued' }).returning().get() as ImportJobRow,

  findById: async (db: Db, id: number): Promise<ImportJobRow | undefined> => db.select().from(importJobs).where(eq(importJobs.id, id)).get() as ImportJobRow | undefined,

  start: async (db: Db, id: number, at: string) => db.update(importJobs).set({ status: 'running', startedAt: at }).where(eq(importJobs.id, id)).run(),

  /** Ends a job: done with its result, or failed with why (and the rows' results when the
   *  import answered them, a rejected file). */
  finish: async (db: Db, id: number, o: { result?: ImportSummary | undefined, error?: JobError | undefined, progress?: Progress, at: string }) =>
    db.update(importJobs).set({
      status: o.error === undefined ? 'done' : 'failed',
      result: (o.result ?? null) as Record<string, unknown> | null,
      error: o.error ?? null,
      ...(o.progress === undefined ? {} : { rows: o.progress.rows, checked: o.progress.checked, applied: o.progress.applied }),
      finishedAt: o.at
    }).where(eq(importJobs.id, id)).run(),

  /** Forgets the jobs that ended at `endedBy` or before (a job waiting or running is kept). */
  purgeEnded: async (db: Db, endedBy: string) =>
    db.delete(importJobs).where(and(isNotNull(importJobs.finishedAt), lte(importJobs.finishedAt, endedBy))).run(),

  /** Jobs not ended (queued or running), whoever holds them. */
  unfinished: async (db: Db) => db.select({ id: importJobs.id, holder: importJobs.holder, partial: importJobs.partial }).from(importJobs).where(inArray(importJobs.status, ['queued', 'running'])).all()
}
