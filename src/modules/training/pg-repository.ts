// Training in SQL on PostgreSQL (the SQLite one: repository.ts), answering the same rows. Lists
// of officer ids go in as one int[] parameter (any/unnest), whatever their length: an import
// checks thousands at once, past what one parameter per id allows.
import { and, asc, eq, gt, isNull, or, sql, type SQL } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'
import { officers, trainingRecords, trainingTotals, trainings } from '../../db/pg/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'
import { serviceGaps, type ServiceGap } from '../../domain/training.js'
import type { Category, CreditOfficer, NewRecordRow, NewTrainingRow, RecordFilter, RecordRow, RecordWithTraining, TrainingFilter, TrainingRow } from './rows.js'

const visibleTraining = (scope: Scope): SQL | undefined =>
  scope.all ? undefined : or(isNull(trainings.agencyId), inScopeWhere(scope, trainings.agencyId))

/** `ids` as one int[] parameter (drizzle would spread a bare array into a list of parameters). */
const intArray = (ids: readonly number[]): SQL => sql`${sql.param([...ids])}::int[]`

const recordColumns = {
  record: trainingRecords,
  trainingTitle: trainings.title,
  trainingProvider: trainings.provider
}

const creditColumns = { id: officers.id, agencyId: officers.agencyId, status: officers.status, departedOn: officers.departedOn }

/** Adds a record's units, in its category's bucket, to the year's totals of each officer in
 *  `ids` (distinct: an upsert may touch a row once). */
async function addToTotals (db: PgDb, ids: readonly number[], year: number, category: Category, units: number): Promise<void> {
  const publicLaw = category === 'public_law' ? units : 0
  await db.execute(sql`insert into training_totals (officer_id, year, public_law_units, professional_units)
    select officer_id, ${year}::int, ${publicLaw}::int, ${units - publicLaw}::int from unnest(${intArray(ids)}) as o(officer_id)
    on conflict (officer_id, year) do update set
      public_law_units = training_totals.public_law_units + excluded.public_law_units,
      professional_units = training_totals.professional_units + excluded.professional_units`)
}

async function serviceGapsOf (db: PgDb, ids: readonly number[]): Promise<Map<number, ServiceGap[]>> {
  const out = new Map<number, ServiceGap[]>()
  if (ids.length === 0) return out
  const { rows } = await db.execute<{ officerId: number, kind: 'departure' | 'rejoin', date: string }>(sql`select officer_id as "officerId", kind, date from officer_moves
    where officer_id in (select officer_id from officer_moves where kind = 'rejoin' and officer_id = any(${intArray(ids)}))
      and kind in ('departure', 'rejoin')
    order by officer_id, id`)
  const byOfficer = new Map<number, Array<{ kind: 'departure' | 'rejoin', date: string }>>()
  for (const r of rows) byOfficer.set(r.officerId, [...(byOfficer.get(r.officerId) ?? []), r])
  for (const [id, moves] of byOfficer) out.set(id, serviceGaps(moves))
  return out
}

export const pgTrainingRepository = {
  insertTraining: async (db: PgDb, v: NewTrainingRow): Promise<TrainingRow> => {
    const [row] = await db.insert(trainings).values(v).returning()
    if (row === undefined) throw new Error('insertTraining: no row returned')
    return row
  },

  findTraining: async (db: PgDb, scope: Scope, id: number): Promise<TrainingRow | undefined> => {
    const [row] = await db.select().from(trainings).where(and(eq(trainings.id, id), visibleTraining(scope))).limit(1)
    return row
  },

  listTrainings: async (db: PgDb, scope: Scope, f: TrainingFilter, afterId: number, limit: number): Promise<TrainingRow[]> => {
    const where: Array<SQL | undefined> = [gt(trainings.id, afterId), visibleTraining(scope)]
    if (f.year !== undefined) where.push(eq(trainings.year, f.year))
    if (f.category) where.push(eq(trainings.category, f.category))
    if (f.agencyId !== undefined) where.push(eq(trainings.agencyId, f.agencyId))
    return await db.select().from(trainings).where(and(...where)).orderBy(asc(trainings.id)).limit(limit)
  },

  serviceGapsOf,

  officersByIds: async (db: PgDb, scope: Scope, ids: readonly number[]): Promise<Map<number, CreditOfficer>> => {
    const found = new Map<number, CreditOfficer>()
    if (ids.length === 0) return found
    const rows = await db.select(creditColumns).from(officers)
      .where(and(sql`${officers.id} = any(${intArray(ids)})`, inScopeWhere(scope, officers.agencyId))).orderBy(asc(officers.id))
    const gaps = await serviceGapsOf(db, ids)
    for (const r of rows) found.set(r.id, { ...r, gaps: gaps.get(r.id) ?? [] })
    return found
  },

  officerInScope: async (db: PgDb, scope: Scope, id: number): Promise<CreditOfficer | undefined> => {
    const [r] = await db.select(creditColumns).from(officers).where(and(eq(officers.id, id), inScopeWhere(scope, officers.agencyId))).limit(1)
    return r === undefined ? undefined : { ...r, gaps: (await serviceGapsOf(db, [id])).get(id) ?? [] }
  },

  hasAttended: async (db: PgDb, trainingId: number, officerId: number): Promise<boolean> => {
    const rows = await db.select({ id: trainingRecords.id }).from(trainingRecords)
      .where(and(eq(trainingRecords.trainingId, trainingId), eq(trainingRecords.officerId, officerId))).limit(1)
    return rows.length > 0
  },

  attendedAmong: async (db: PgDb, trainingId: number, ids: readonly number[]): Promise<Set<number>> => {
    if (ids.length === 0) return new Set<number>()
    const rows = await db.select({ officerId: trainingRecords.officerId }).from(trainingRecords)
      .where(and(eq(trainingRecords.trainingId, trainingId), sql`${trainingRecords.officerId} = any(${intArray(ids)})`))
    return new Set(rows.map((r) => r.officerId))
  },

  /** Records the attendance of each officer (distinct ids) and moves their totals, in two
   *  statements; the record ids in the order of `officerIds` (matched by officer, as RETURNING
   *  promises no order). */
  insertAttendances: async (db: PgDb, t: TrainingRow, officerIds: readonly number[], createdAt: string): Promise<number[]> => {
    if (officerIds.length === 0) return []
    const { rows } = await db.execute<{ id: number, officerId: number }>(sql`insert into training_records
        (officer_id, training_id, category, raw_hours, raw_minutes, rule, units, date, year, created_at)
      select o.officer_id, ${t.id}::int, ${t.category}::text, ${t.rawHours}::text, ${t.rawMinutes}::int, ${t.rule}::text, ${t.units}::int, ${t.endDate}::text, ${t.year}::int, ${createdAt}::text
        from unnest(${intArray(officerIds)}) with ordinality as o(officer_id, n) order by o.n
      returning id, officer_id as "officerId"`)
    if (rows.length !== officerIds.length) throw new Error(`insertAttendances: ${rows.length} rows for ${officerIds.length} officers`)
    await addToTotals(db, officerIds, t.year, t.category, t.units)
    const recordOf = new Map(rows.map((r) => [r.officerId, r.id]))
    return officerIds.map((id) => recordOf.get(id) as number)
  },

  insertRecord: async (db: PgDb, v: NewRecordRow): Promise<RecordRow> => {
    const [row] = await db.insert(trainingRecords).values(v).returning()
    if (row === undefined) throw new Error('insertRecord: no row returned')
    await addToTotals(db, [row.officerId], row.year, row.category, row.units)
    return row
  },

  findTotals: async (db: PgDb, officerId: number, year: number): Promise<{ publicLawUnits: number, professionalUnits: number } | undefined> => {
    const [row] = await db.select({ publicLawUnits: trainingTotals.publicLawUnits, professionalUnits: trainingTotals.professionalUnits })
      .from(trainingTotals).where(and(eq(trainingTotals.officerId, officerId), eq(trainingTotals.year, year))).limit(1)
    return row
  },

  recordsOf: async (db: PgDb, officerId: number, year: number): Promise<RecordWithTraining[]> =>
    await db.select(recordColumns).from(trainingRecords)
      .leftJoin(trainings, eq(trainings.id, trainingRecords.trainingId))
      .where(and(eq(trainingRecords.officerId, officerId), eq(trainingRecords.year, year)))
      .orderBy(asc(trainingRecords.date), asc(trainingRecords.id)),

  findRecord: async (db: PgDb, scope: Scope, id: number): Promise<RecordWithTraining | undefined> => {
    const [row] = await db.select(recordColumns).from(trainingRecords)
      .innerJoin(officers, eq(officers.id, trainingRecords.officerId))
      .leftJoin(trainings, eq(trainings.id, trainingRecords.trainingId))
      .where(and(eq(trainingRecords.id, id), inScopeWhere(scope, officers.agencyId))).limit(1)
    return row
  },

  listRecords: async (db: PgDb, scope: Scope, f: RecordFilter, afterId: number, limit: number): Promise<RecordWithTraining[]> => {
    const where: Array<SQL | undefined> = [gt(trainingRecords.id, afterId), inScopeWhere(scope, officers.agencyId)]
    if (f.officerId !== undefined) where.push(eq(trainingRecords.officerId, f.officerId))
    if (f.year !== undefined) where.push(eq(trainingRecords.year, f.year))
    if (f.category) where.push(eq(trainingRecords.category, f.category))
    return await db.select(recordColumns).from(trainingRecords)
      .innerJoin(officers, eq(officers.id, trainingRecords.officerId))
      .leftJoin(trainings, eq(trainings.id, trainingRecords.trainingId))
      .where(and(...where)).orderBy(asc(trainingRecords.id)).limit(limit)
  },

  attendees: async (db: PgDb, scope: Scope, trainingId: number, afterId: number, limit: number) =>
    await db.select({
      id: trainingRecords.id,
      officerId: officers.id,
      officerName: officers.name,
      agencyId: officers.agencyId,
      createdAt: trainingRecords.createdAt
    }).from(trainingRecords)
      .innerJoin(officers, eq(officers.id, trainingRecords.officerId))
      .where(and(eq(trainingRecords.trainingId, trainingId), gt(trainingRecords.id, afterId), inScopeWhere(scope, officers.agencyId)))
      .orderBy(asc(trainingRecords.id)).limit(limit)
}
