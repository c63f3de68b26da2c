// Import jobs in SQL on PostgreSQL (the SQLite ones: job-repository.ts), the same answers: one row
// per job, its outcome written once when it ends.
import { and, eq, inArray, isNotNull, lte } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'
import { importJobs } from '../../db/pg/schema.js'
import type { ImportSummary, Progress } from './engine.js'
import type { ImportJobRow, JobError } from './job-rows.js'
import { ran } from '../../db/pg/results.js'

export const pgImportJobRepository = {
  insert: async (db: PgDb, v: Pick<typeof importJobs.$inferInsert, 'principal' | 'kind' | 'partial' | 'dryRun' | 'holder' | 'requestId' | 'createdAt'>): Promise<ImportJobRow> => {
    const [row] = await db.insert(importJobs).values({ ...v, status: 'queued' }).returning()
    return row as ImportJobRow
  },

  findById: async (db: PgDb, id: number): Promise<ImportJobRow | undefined> => {
    const [row] = await db.select().from(importJobs).where(eq(importJobs.id, id)).limit(1)
    return row as ImportJobRow | undefined
  },

  start: async (db: PgDb, id: number, at: string) => ran((await db.update(importJobs).set({ status: 'running', startedAt: at }).where(eq(importJobs.id, id))).rowCount),

  finish: async (db: PgDb, id: number, o: { result?: ImportSummary | undefined, error?: JobError | undefined, progress?: Progress, at: string }) =>
    ran((await db.update(importJobs).set({
      status: o.error === undefined ? 'done' : 'failed',
      result: (o.result ?? null) as Record<string, unknown> | null,
      error: o.error ?? null,
      ...(o.progress === undefined ? {} : { rows: o.progress.rows, checked: o.progress.checked, applied: o.progress.applied }),
      finishedAt: o.at
    }).where(eq(importJobs.id, id))).rowCount),

  purgeEnded: async (db: PgDb, endedBy: string) =>
    ran((await db.delete(importJobs).where(and(isNotNull(importJobs.finishedAt), lte(importJobs.finishedAt, endedBy)))).rowCount),

  unfinished: async (db: PgDb) =>
    await db.select({ id: importJobs.id, holder: importJobs.holder, partial: importJobs.partial }).from(importJobs).where(inArray(importJobs.status, ['queued', 'running']))
}
