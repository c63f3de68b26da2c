// Annual assessments in SQL. They follow their officer's current agency for scope.
import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm'
import { byEngine, type SqliteDb } from '../../db/engine.js'
import { insertPlaceholders, once, queryKeys } from '../../db/sqlite/prepared.js'
import { assessments, officers } from '../../db/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'
import { pgAssessmentRepository } from './pg-repository.js'
import type { AssessmentRow } from './rows.js'

export type { AssessmentRow } from './rows.js'

/** The keys of this repository's prepared queries (db/sqlite/prepared). */
const Q = queryKeys('assessments', ['find', 'insert'])

export const assessmentRepository = byEngine({
  find: async (db: SqliteDb, officerId: number, year: number): Promise<AssessmentRow | undefined> => once(db, Q.find, () => db.select().from(assessments)
    .where(and(eq(assessments.officerId, sql.placeholder('officerId')), eq(assessments.year, sql.placeholder('year')))).prepare())
    .get({ officerId, year }),

  insert: async (db: SqliteDb, v: { officerId: number, year: number, grade: AssessmentRow['grade'], createdAt: string }): Promise<AssessmentRow> => once(db, Q.insert, () => db.insert(assessments)
    .values(insertPlaceholders(assessments, ['officerId', 'year', 'grade', 'createdAt'])).returning().prepare())
    .get(v) as AssessmentRow,

  async list (db: SqliteDb, scope: Scope, f: { officerId?: number | undefined, year?: number | undefined }, afterId: number, limit: number): Promise<AssessmentRow[]> {
    const where: Array<SQL | undefined> = [gt(assessments.id, afterId), inScopeWhere(scope, officers.agencyId)]
    if (f.officerId !== undefined) where.push(eq(assessments.officerId, f.officerId))
    if (f.year !== undefined) where.push(eq(assessments.year, f.year))
    return db.select({ a: assessments }).from(assessments).innerJoin(officers, eq(officers.id, assessments.officerId))
      .where(and(...where)).orderBy(asc(assessments.id)).limit(limit).all().map((r) => r.a)
  }
}, pgAssessmentRepository)
