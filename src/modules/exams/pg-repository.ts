// Exam sessions and results in SQL on PostgreSQL (the SQLite one: repository.ts), answering the
// same rows. Results follow their officer's current agency for scope.
import { and, asc, eq, gt } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'
import { examResults, exams, officers } from '../../db/pg/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'
import type { ExamResultRow, ExamRow } from './rows.js'

export const pgExamRepository = {
  insert: async (db: PgDb, v: typeof exams.$inferInsert): Promise<ExamRow> => {
    const [row] = await db.insert(exams).values(v).returning()
    if (row === undefined) throw new Error('insert exam: no row returned')
    return row
  },

  findById: async (db: PgDb, id: number): Promise<ExamRow | undefined> => {
    const [row] = await db.select().from(exams).where(eq(exams.id, id)).limit(1)
    return row
  },

  list: async (db: PgDb, afterId: number, limit: number): Promise<ExamRow[]> =>
    await db.select().from(exams).where(gt(exams.id, afterId)).orderBy(asc(exams.id)).limit(limit),

  findResult: async (db: PgDb, examId: number, officerId: number): Promise<ExamResultRow | undefined> => {
    const [row] = await db.select().from(examResults).where(and(eq(examResults.examId, examId), eq(examResults.officerId, officerId))).limit(1)
    return row
  },

  insertResult: async (db: PgDb, v: { examId: number, officerId: number, score: number, passed: boolean, createdAt: string }): Promise<ExamResultRow> => {
    const [row] = await db.insert(examResults).values(v).returning()
    if (row === undefined) throw new Error('insertResult: no row returned')
    return row
  },

  results: async (db: PgDb, scope: Scope, examId: number, afterId: number, limit: number): Promise<ExamResultRow[]> =>
    (await db.select({ result: examResults }).from(examResults)
      .innerJoin(officers, eq(officers.id, examResults.officerId))
      .where(and(eq(examResults.examId, examId), gt(examResults.id, afterId), inScopeWhere(scope, officers.agencyId)))
      .orderBy(asc(examResults.id)).limit(limit)).map((r) => r.result)
}
