// Annual assessments in SQL on PostgreSQL (the SQLite one: repository.ts), answering the same
// rows. They follow their officer's current agency for scope.
import { and, asc, eq, gt, type SQL } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'
import { assessments, officers } from '../../db/pg/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'
import type { AssessmentRow } from './rows.js'

export const pgAssessmentRepository = {
  find: async (db: PgDb, officerId: number, year: number): Promise<AssessmentRow | undefined> => {
    const [row] = await db.select().from(assessments).where(and(eq(assessments.officerId, officerId), eq(assessments.year, year))).limit(1)
    return row
  },

  insert: async (db: PgDb, v: { officerId: number, year: number, grade: AssessmentRow['grade'], createdAt: string }): Promise<AssessmentRow> => {
    const [row] = await db.insert(assessments).values(v).returning()
    if (row === undefined) throw new Error('insert assessment: no row returned')
    return row
  },

  list: async (db: PgDb, scope: Scope, f: { officerId?: number | undefined, year?: number | undefined }, afterId: number, limit: number): Promise<AssessmentRow[]> => {
    const where: Array<SQL | undefined> = [gt(assessments.id, afterId), inScopeWhere(scope, officers.agencyId)]
    if (f.officerId !== undefined) where.push(eq(assessments.officerId, f.officerId))
    if (f.year !== undefined) where.push(eq(assessments.year, f.year))
    return (await db.select({ a: assessments }).from(assessments).innerJoin(officers, eq(officers.id, assessments.officerId))
      .where(and(...where)).orderBy(asc(assessments.id)).limit(limit)).map((r) => r.a)
  }
}
