// Training plans in SQL, and the report's reads: for a batch of agencies, their plans, the units
// of the trainings they organised (by category and mode) and their officers owed the rotation,
// each one query grouped by agency, whatever the batch's size. A plan belongs to its agency; the
// service checks the agency is in scope before it reads or writes one.
import { and, asc, count, eq, gt, inArray, isNull, like, lte, or, sql, type SQL } from 'drizzle-orm'
import { byEngine, type SqliteDb } from '../../db/engine.js'
import { agencies, officers, trainingPlans, trainingRecords, trainings } from '../../db/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'
import { pgPlanRepository } from './pg-repository.js'
import type { DeliveredUnits, NewPlanRow, PlanAgency, PlanChanges, PlanRow, ReportFilter, RotationGroup } from './rows.js'

export type { DeliveredUnits, NewPlanRow, PlanAgency, PlanChanges, PlanRow, ReportFilter, RotationGroup } from './rows.js'

export const planRepository = byEngine({
  find: async (db: SqliteDb, agencyId: number, year: number): Promise<PlanRow | undefined> =>
    db.select().from(trainingPlans).where(and(eq(trainingPlans.agencyId, agencyId), eq(trainingPlans.year, year))).get(),

  insert: async (db: SqliteDb, v: NewPlanRow): Promise<PlanRow> => db.insert(trainingPlans).values(v).returning().get(),

  /** Writes the changes and moves the version on; the row after. */
  update: async (db: SqliteDb, id: number, v: PlanChanges): Promise<PlanRow | undefined> =>
    db.update(trainingPlans).set({ ...v, version: sql`${trainingPlans.version} + 1` }).where(eq(trainingPlans.id, id)).returning().get(),

  /** An agency's plans by id, after `afterId`. */
  list: async (db: SqliteDb, agencyId: number, afterId: number, limit: number): Promise<PlanRow[]> =>
    db.select().from(trainingPlans).where(and(eq(trainingPlans.agencyId, agencyId), gt(trainingPlans.id, afterId)))
      .orderBy(asc(trainingPlans.id)).limit(limit).all(),

  /** Active agencies in scope (under `path` when given), by id, after `afterId`. */
  reportAgencies: async (db: SqliteDb, scope: Scope, path: string | undefined, afterId: number, limit: number): Promise<PlanAgency[]> =>
    db.select({ id: agencies.id, name: agencies.name }).from(agencies)
      .where(and(gt(agencies.id, afterId), eq(agencies.status, 'active'), inScopeWhere(scope, agencies.id), path === undefined ? undefined : like(agencies.path, `${path}%`)))
      .orderBy(asc(agencies.id)).limit(limit).all(),

  plansOf: async (db: SqliteDb, ids: readonly number[], year: number): Promise<PlanRow[]> =>
    ids.length === 0 ? [] : db.select().from(trainingPlans).where(and(inArray(trainingPlans.agencyId, [...ids]), eq(trainingPlans.year, year))).all(),

  deliveredOf: async (db: SqliteDb, ids: readonly number[], f: ReportFilter): Promise<DeliveredUnits[]> =>
    ids.length === 0
      ? []
      : db.select({ agencyId: sql<number>`${trainings.agencyId}`, category: trainings.category, mode: trainings.mode, units: sql<number>`sum(${trainings.units})`.mapWith(Number) })
        .from(trainings).where(and(inArray(trainings.agencyId, [...ids]), eq(trainings.year, f.year), lte(trainings.endDate, f.deliveredBy)))
        .groupBy(trainings.agencyId, trainings.category, trainings.mode).all(),

  rotationOf: async (db: SqliteDb, ids: readonly number[], f: ReportFilter): Promise<RotationGroup[]> =>
    ids.length === 0
      ? []
      : db.select({ agencyId: officers.agencyId, auxiliary: officers.auxiliary, police: officers.police, officers: count(), trained: trainedCount(f) })
        .from(officers).where(and(inArray(officers.agencyId, [...ids]), atPostOn(f.rotationDay)))
        .groupBy(officers.agencyId, officers.auxiliary, officers.police).all()
}, pgPlanRepository)

/** At their post on `day` (domain activeOn: joined by then, and active or leaving after it); the
 *  service applies the rest of the training scope (auxiliary, police) to each group. */
const atPostOn = (day: string): SQL | undefined => and(
  or(eq(officers.status, 'active'), gt(officers.departedOn, day)),
  or(isNull(officers.joinedOn), lte(officers.joinedOn, day))
)

/** Officers of the group with a training record of the year dated on or before f.trainedBy. */
const trainedCount = (f: ReportFilter) => sql<number>`sum(case when exists (select 1 from ${trainingRecords} where ${and(
  eq(trainingRecords.officerId, officers.id), eq(trainingRecords.year, f.year), lte(trainingRecords.date, f.trainedBy)
)}) then 1 else 0 end)`.mapWith(Number)
