// Training in SQL. Trainings are visible when their organiser is in scope or they have none;
// records follow their officer's current agency. Every record write also moves the
// officer-year totals, inside the caller's transaction.
import { and, asc, eq, gt, isNull, or, sql, type SQL } from 'drizzle-orm'
import { byEngine, type SqliteDb } from '../../db/engine.js'
import { officers, trainingRecords, trainingTotals, trainings } from '../../db/schema.js'
import { inScopeWhere, onceInScope } from '../../db/scope.js'
import { once, onceStatement, queryKeys } from '../../db/sqlite/prepared.js'
import { idList, inIdList, insertedId } from '../../db/sqlite/dialect.js'
import { ADD_TO_TOTALS, INSERT_ATTENDANCES, SERVICE_MOVES_OF } from '../../db/sqlite/training-sql.js'
import type { Scope } from '../../security/roles.js'
import { serviceGaps, type ServiceGap } from '../../domain/training.js'
import { pgTrainingRepository } from './pg-repository.js'
import type { Category, CreditOfficer, NewRecordRow, NewTrainingRow, RecordFilter, RecordWithTraining, TrainingFilter, TrainingRow } from './rows.js'

export type { Category, CreditOfficer, NewRecordRow, NewTrainingRow, RecordFilter, RecordRow, RecordWithTraining, TrainingFilter, TrainingRow } from './rows.js'

/** The keys of this repository's prepared queries (db/sqlite/prepared). */
const Q = queryKeys('training', ['addToTotals', 'serviceGapsOf', 'officersByIds', 'officerInScope', 'hasAttended', 'attendedAmong', 'insertAttendances'])

const visibleTraining = (scope: Scope): SQL | undefined =>
  scope.all ? undefined : or(isNull(trainings.agencyId), inScopeWhere(scope, trainings.agencyId))

// A record with the title and provider of its training, when it is an attendance.
const recordColumns = {
  record: trainingRecords,
  trainingTitle: trainings.title,
  trainingProvider: trainings.provider
}

/** Adds a record's units, in its category's bucket, to the year's totals of each officer in
 *  `ids` (an idList): the one statement that moves totals, for one record or a whole batch. */
function addToTotals (db: SqliteDb, ids: string, year: number, category: Category, units: number): void {
  onceStatement(db, Q.addToTotals, ADD_TO_TOTALS)
    .run({ ids, year, publicLawUnits: category === 'public_law' ? units : 0, professionalUnits: category === 'public_law' ? 0 : units })
}

/** The gaps in service of those among `ids` who were taken on again (domain serviceGaps), by
 *  officer id; absent: none. One prepared statement over the moves index for any number. */
async function serviceGapsOf (db: SqliteDb, ids: readonly number[]): Promise<Map<number, ServiceGap[]>> {
  const out = new Map<number, ServiceGap[]>()
  if (ids.length === 0) return out
  const rows = onceStatement(db, Q.serviceGapsOf, SERVICE_MOVES_OF).all({ ids: idList(ids) }) as Array<{ officerId: number, kind: 'departure' | 'rejoin', date: string }>
  const byOfficer = new Map<number, Array<{ kind: 'departure' | 'rejoin', date: string }>>()
  for (const r of rows) byOfficer.set(r.officerId, [...(byOfficer.get(r.officerId) ?? []), r])
  for (const [id, moves] of byOfficer) out.set(id, serviceGaps(moves))
  return out
}

export const trainingRepository = byEngine({
  insertTraining: async (db: SqliteDb, v: NewTrainingRow) => db.insert(trainings).values(v).returning().get(),

  findTraining: async (db: SqliteDb, scope: Scope, id: number) =>
    db.select().from(trainings).where(and(eq(trainings.id, id), visibleTraining(scope))).get(),

  listTrainings: async (db: SqliteDb, scope: Scope, f: TrainingFilter, afterId: number, limit: number) => {
    const where: Array<SQL | undefined> = [gt(trainings.id, afterId), visibleTraining(scope)]
    if (f.year !== undefined) where.push(eq(trainings.year, f.year))
    if (f.category) where.push(eq(trainings.category, f.category))
    if (f.agencyId !== undefined) where.push(eq(trainings.agencyId, f.agencyId))
    return db.select().from(trainings).where(and(...where)).orderBy(asc(trainings.id)).limit(limit).all()
  },

  serviceGapsOf,

  /** The officers among `ids` that exist in scope, by id (one prepared query for any number),
   *  with their gaps in service. */
  officersByIds: async (db: SqliteDb, scope: Scope, ids: readonly number[]) => {
    const found = new Map<number, CreditOfficer>()
    if (ids.length === 0) return found
    const { query, params } = onceInScope(db, Q.officersByIds, scope, (inScope) => db.select({ id: officers.id, agencyId: officers.agencyId, status: officers.status, departedOn: officers.departedOn })
      .from(officers).where(and(inIdList(officers.id, 'ids'), inScope(officers.agencyId))).prepare())
    const gaps = await serviceGapsOf(db, ids)
    for (const r of query.all({ ids: idList(ids), ...params })) found.set(r.id, { ...r, gaps: gaps.get(r.id) ?? [] })
    return found
  },

  /** One officer's status and gaps in service, when in scope (a prepared point read, for
   *  checking rows one by one). */
  officerInScope: async (db: SqliteDb, scope: Scope, id: number): Promise<CreditOfficer | undefined> => {
    const { query, params } = onceInScope(db, Q.officerInScope, scope, (inScope) => db.select({ id: officers.id, agencyId: officers.agencyId, status: officers.status, departedOn: officers.departedOn })
      .from(officers).where(and(eq(officers.id, sql.placeholder('id')), inScope(officers.agencyId))).prepare())
    const r = query.get({ id, ...params })
    return r === undefined ? undefined : { ...r, gaps: (await serviceGapsOf(db, [id])).get(id) ?? [] }
  },

  /** Whether the officer already attended the training. */
  hasAttended: async (db: SqliteDb, trainingId: number, officerId: number): Promise<boolean> => once(db, Q.hasAttended, () => db.select({ id: trainingRecords.id }).from(trainingRecords)
    .where(and(eq(trainingRecords.trainingId, sql.placeholder('trainingId')), eq(trainingRecords.officerId, sql.placeholder('officerId')))).prepare())
    .get({ trainingId, officerId }) !== undefined,

  /** Which of `ids` already attended the training (one prepared query for any number). */
  attendedAmong: async (db: SqliteDb, trainingId: number, ids: readonly number[]) => {
    if (ids.length === 0) return new Set<number>()
    const query = once(db, Q.attendedAmong, () => db.select({ officerId: trainingRecords.officerId }).from(trainingRecords)
      .where(and(eq(trainingRecords.trainingId, sql.placeholder('trainingId')), inIdList(trainingRecords.officerId, 'ids'))).prepare())
    return new Set(query.all({ trainingId, ids: idList(ids) }).map((r) => r.officerId))
  },

  /**
   * Records the attendance of each officer (distinct ids) at a training and moves their totals:
   * two statements for the whole list (the ids go in as one JSON array). Returns the record ids
   * in the order of `officerIds`: one INSERT numbers its rows consecutively in the order it
   * inserts them, the order of the array.
   */
  insertAttendances: async (db: SqliteDb, t: TrainingRow, officerIds: readonly number[], createdAt: string): Promise<number[]> => {
    if (officerIds.length === 0) return []
    const ids = idList(officerIds)
    const inserted = onceStatement(db, Q.insertAttendances, INSERT_ATTENDANCES)
      .run({ ids, trainingId: t.id, category: t.category, rawHours: t.rawHours, rawMinutes: t.rawMinutes, rule: t.rule, units: t.units, date: t.endDate, year: t.year, createdAt })
    if (inserted.changes !== officerIds.length) throw new Error(`insertAttendances: ${inserted.changes} rows for ${officerIds.length} officers`)
    addToTotals(db, ids, t.year, t.category, t.units)
    const first = insertedId(inserted) - officerIds.length + 1
    return officerIds.map((_, i) => first + i)
  },

  /** Inserts one record and moves its officer-year totals. */
  insertRecord: async (db: SqliteDb, v: NewRecordRow) => {
    const row = db.insert(trainingRecords).values(v).returning().get()
    addToTotals(db, idList([row.officerId]), row.year, row.category, row.units)
    return row
  },

  findTotals: async (db: SqliteDb, officerId: number, year: number) =>
    db.select({ publicLawUnits: trainingTotals.publicLawUnits, professionalUnits: trainingTotals.professionalUnits })
      .from(trainingTotals).where(and(eq(trainingTotals.officerId, officerId), eq(trainingTotals.year, year))).get(),

  /** Every record of an officer in a year, oldest first. */
  recordsOf: async (db: SqliteDb, officerId: number, year: number): Promise<RecordWithTraining[]> =>
    db.select(recordColumns).from(trainingRecords)
      .leftJoin(trainings, eq(trainings.id, trainingRecords.trainingId))
      .where(and(eq(trainingRecords.officerId, officerId), eq(trainingRecords.year, year)))
      .orderBy(asc(trainingRecords.date), asc(trainingRecords.id)).all(),

  findRecord: async (db: SqliteDb, scope: Scope, id: number): Promise<RecordWithTraining | undefined> =>
    db.select(recordColumns).from(trainingRecords)
      .innerJoin(officers, eq(officers.id, trainingRecords.officerId))
      .leftJoin(trainings, eq(trainings.id, trainingRecords.trainingId))
      .where(and(eq(trainingRecords.id, id), inScopeWhere(scope, officers.agencyId))).get(),

  listRecords: async (db: SqliteDb, scope: Scope, f: RecordFilter, afterId: number, limit: number): Promise<RecordWithTraining[]> => {
    const where: Array<SQL | undefined> = [gt(trainingRecords.id, afterId), inScopeWhere(scope, officers.agencyId)]
    if (f.officerId !== undefined) where.push(eq(trainingRecords.officerId, f.officerId))
    if (f.year !== undefined) where.push(eq(trainingRecords.year, f.year))
    if (f.category) where.push(eq(trainingRecords.category, f.category))
    return db.select(recordColumns).from(trainingRecords)
      .innerJoin(officers, eq(officers.id, trainingRecords.officerId))
      .leftJoin(trainings, eq(trainings.id, trainingRecords.trainingId))
      .where(and(...where)).orderBy(asc(trainingRecords.id)).limit(limit).all()
  },

  /** The attendees of a training that lie in scope, by record id. */
  attendees: async (db: SqliteDb, scope: Scope, trainingId: number, afterId: number, limit: number) =>
    db.select({
      id: trainingRecords.id,
      officerId: officers.id,
      officerName: officers.name,
      agencyId: officers.agencyId,
      createdAt: trainingRecords.createdAt
    }).from(trainingRecords)
      .innerJoin(officers, eq(officers.id, trainingRecords.officerId))
      .where(and(eq(trainingRecords.trainingId, trainingId), gt(trainingRecords.id, afterId), inScopeWhere(scope, officers.agencyId)))
      .orderBy(asc(trainingRecords.id)).limit(limit).all()
}, pgTrainingRepository)
