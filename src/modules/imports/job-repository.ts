// Import jobs in SQL (import_jobs): one row per job, its outcome written once when it ends.
import { and, eq, inArray, isNotNull, lte } from 'drizzle-orm'
import { byEngine, type SqliteDb } from '../../db/engine.js'
import { importJobs } from '../../db/schema.js'
import type { ImportSummary, Progress } from './engine.js'
import { pgImportJobRepository } from './pg-job-repository.js'
import type { ImportJobRow, JobError } from './job-rows.js'

export type { ImportJobRow, JobError } from './job-rows.js'

export const importJobRepository = byEngine({
  insert: async (db: SqliteDb, v: Pick<typeof importJobs.$inferInsert, 'principal' | 'kind' | 'partial' | 'dryRun' | 'holder' | 'requestId' | 'createdAt'>): Promise<ImportJobRow> =>
    db.insert(importJobs).values({ ...v, status: 'queued' }).returning().get() as ImportJobRow,

  findById: async (db: SqliteDb, id: number): Promise<ImportJobRow | undefined> => db.select().from(importJobs).where(eq(importJobs.id, id)).get() as ImportJobRow | undefined,

  start: async (db: SqliteDb, id: number, at: string) => db.update(importJobs).set({ status: 'running', startedAt: at }).where(eq(importJobs.id, id)).run(),

  /** Ends a job: done with its result, or failed with why (and the rows' results when the
   *  import answered them, a rejected file). */
  finish: async (db: SqliteDb, id: number, o: { result?: ImportSummary | undefined, error?: JobError | undefined, progress?: Progress, at: string }) =>
    db.update(importJobs).set({
      status: o.error === undefined ? 'done' : 'failed',
      result: (o.result ?? null) as Record<string, unknown> | null,
      error: o.error ?? null,
      ...(o.progress === undefined ? {} : { rows: o.progress.rows, checked: o.progress.checked, applied: o.progress.applied }),
      finishedAt: o.at
    }).where(eq(importJobs.id, id)).run(),

  /** Forgets the jobs that ended at `endedBy` or before (a job waiting or running is kept). */
  purgeEnded: async (db: SqliteDb, endedBy: string) =>
    db.delete(importJobs).where(and(isNotNull(importJobs.finishedAt), lte(importJobs.finishedAt, endedBy))).run(),

  /** Jobs not ended (queued or running), whoever holds them. */
  unfinished: async (db: SqliteDb) => db.select({ id: importJobs.id, holder: importJobs.holder, partial: importJobs.partial }).from(importJobs).where(inArray(importJobs.status, ['queued', 'running'])).all()
}, pgImportJobRepository)
