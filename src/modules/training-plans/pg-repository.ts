// Training plans in SQL on PostgreSQL (the SQLite ones, and what each read is for: repository.ts),
// answering the same rows. Counts and sums come back as int8 or numeric text: made numbers here.
import { and, asc, eq, gt, inArray, isNull, like, lte, or, sql, type SQL } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'
import { agencies, officers, trainingPlans, trainingRecords, trainings } from '../../db/pg/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'
import type { DeliveredUnits, NewPlanRow, PlanAgency, PlanChanges, PlanRow, ReportFilter, RotationGroup } from './rows.js'

const atPostOn = (day: string): SQL | undefined => and(
  or(eq(officers.status, 'active'), gt(officers.departedOn, day)),
  or(isNull(officers.joinedOn), lte(officers.joinedOn, day))
)

const trainedCount = (f: ReportFilter) => sql<number>`sum(case when exists (select 1 from ${trainingRecords} where ${and(
  eq(trainingRecords.officerId, officers.id), eq(trainingRecords.year, f.year), lte(trainingRecords.date, f.trainedBy)
)}) then 1 else 0 end)::int`.mapWith(Number)

export const pgPlanRepository = {
  find: async (db: PgDb, agencyId: number, year: number): Promise<PlanRow | undefined> => {
    const [row] = await db.select().from(trainingPlans).where(and(eq(trainingPlans.agencyId, agencyId), eq(trainingPlans.year, year))).limit(1)
    return row
  },

  insert: async (db: PgDb, v: NewPlanRow): Promise<PlanRow> => {
    const [row] = await db.insert(trainingPlans).values(v).returning()
    if (row === undefined) throw new Error('insert training plan: no row returned')
    return row
  },

  update: async (db: PgDb, id: number, v: PlanChanges): Promise<PlanRow | undefined> => {
    const [row] = await db.update(trainingPlans).set({ ...v, version: sql`${trainingPlans.version} + 1` }).where(eq(trainingPlans.id, id)).returning()
    return row
  },

  list: async (db: PgDb, agencyId: number, afterId: number, limit: number): Promise<PlanRow[]> =>
    await db.select().from(trainingPlans).where(and(eq(trainingPlans.agencyId, agencyId), gt(trainingPlans.id, afterId)))
      .orderBy(asc(trainingPlans.id)).limit(limit),

  reportAgencies: async (db: PgDb, scope: Scope, path: string | undefined, afterId: number, limit: number): Promise<PlanAgency[]> =>
    await db.select({ id: agencies.id, name: agencies.name }).from(agencies)
      .where(and(gt(agencies.id, afterId), eq(agencies.status, 'active'), inScopeWhere(scope, agencies.id), path === undefined ? undefined : like(agencies.path, `${path}%`)))
      .orderBy(asc(agencies.id)).limit(limit),

  plansOf: async (db: PgDb, ids: readonly number[], year: number): Promise<PlanRow[]> =>
    ids.length === 0 ? [] : await db.select().from(trainingPlans).where(and(inArray(trainingPlans.agencyId, [...ids]), eq(trainingPlans.year, year))),

  deliveredOf: async (db: PgDb, ids: readonly number[], f: ReportFilter): Promise<DeliveredUnits[]> =>
    ids.length === 0
      ? []
      : await db.select({ agencyId: sql<number>`${trainings.agencyId}`, category: trainings.category, mode: trainings.mode, units: sql<number>`sum(${trainings.units})::int`.mapWith(Number) })
        .from(trainings).where(and(inArray(trainings.agencyId, [...ids]), eq(trainings.year, f.year), lte(trainings.endDate, f.deliveredBy)))
        .groupBy(trainings.agencyId, trainings.category, trainings.mode),

  rotationOf: async (db: PgDb, ids: readonly number[], f: ReportFilter): Promise<RotationGroup[]> =>
    ids.length === 0
      ? []
      : await db.select({ agencyId: officers.agencyId, auxiliary: officers.auxiliary, police: officers.police, officers: sql<number>`count(*)::int`.mapWith(Number), trained: trainedCount(f) })
        .from(officers).where(and(inArray(officers.agencyId, [...ids]), atPostOn(f.rotationDay)))
        .groupBy(officers.agencyId, officers.auxiliary, officers.police)
}
