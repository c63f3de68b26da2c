// Exam sessions and results in SQL. Results follow their officer's current agency for scope.
import { and, asc, eq, gt, sql } from 'drizzle-orm'
import { byEngine, type SqliteDb } from '../../db/engine.js'
import { insertPlaceholders, once, queryKeys } from '../../db/sqlite/prepared.js'
import { examResults, exams, officers } from '../../db/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'
import { pgExamRepository } from './pg-repository.js'
import type { ExamResultRow, ExamRow } from './rows.js'

export type { ExamResultRow, ExamRow } from './rows.js'

/** The keys of this repository's prepared queries (db/sqlite/prepared). */
const Q = queryKeys('exams', ['findById', 'findResult', 'insertResult'])

export const examRepository = byEngine({
  insert: async (db: SqliteDb, v: typeof exams.$inferInsert): Promise<ExamRow> => db.insert(exams).values(v).returning().get(),

  findById: async (db: SqliteDb, id: number): Promise<ExamRow | undefined> => once(db, Q.findById, () => db.select().from(exams)
    .where(eq(exams.id, sql.placeholder('id'))).prepare())
    .get({ id }),

  list: async (db: SqliteDb, afterId: number, limit: number) => db.select().from(exams).where(gt(exams.id, afterId)).orderBy(asc(exams.id)).limit(limit).all(),

  findResult: async (db: SqliteDb, examId: number, officerId: number): Promise<ExamResultRow | undefined> => once(db, Q.findResult, () => db.select().from(examResults)
    .where(and(eq(examResults.examId, sql.placeholder('examId')), eq(examResults.officerId, sql.placeholder('officerId')))).prepare())
    .get({ examId, officerId }),

  insertResult: async (db: SqliteDb, v: { examId: number, officerId: number, score: number, passed: boolean, createdAt: string }): Promise<ExamResultRow> => once(db, Q.insertResult, () => db.insert(examResults)
    .values(insertPlaceholders(examResults, ['examId', 'officerId', 'score', 'passed', 'createdAt'])).returning().prepare())
    .get(v) as ExamResultRow,

  /** Results of an exam for officers in scope, in id order. */
  results: async (db: SqliteDb, scope: Scope, examId: number, afterId: number, limit: number): Promise<ExamResultRow[]> =>
    db.select({ result: examResults }).from(examResults)
      .innerJoin(officers, eq(officers.id, examResults.officerId))
      .where(and(eq(examResults.examId, examId), gt(examResults.id, afterId), inScopeWhere(scope, officers.agencyId)))
      .orderBy(asc(examResults.id)).limit(limit).all().map((r) => r.result)
}, pgExamRepository)
