// Officers in SQL; scope follows the officer's current agency. ID numbers are sealed at rest
// with a blind index beside them (src/security/id-numbers.ts); callers give and get them in clear.
import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm'
import { byEngine, type SqliteDb } from '../../db/engine.js'
import { contains } from '../../db/match.js'
import { officerIdIndex, officerMoves, officers } from '../../db/schema.js'
import { inScopeWhere, onceInScope } from '../../db/scope.js'
import { INDEX_ID_NUMBER, INSERT_OFFICER } from '../../db/sqlite/officers-sql.js'
import { once, onceStatement, queryKeys } from '../../db/sqlite/prepared.js'
import { cachedRead } from '../../db/sqlite/read-cache.js'
import { normalizeIdNumber } from '../../domain/identity.js'
import { idNumberCodec } from '../../db/sqlite/id-numbers.js'
import type { Scope } from '../../security/roles.js'
import { pgOfficerRepository } from './pg-repository.js'
import { postData } from './post.js'
import type { NewOfficer, NewOfficerRow, OfficerFilter, OfficerRow } from './rows.js'

export type { NewOfficer, NewOfficerRow, OfficerFilter, OfficerRow } from './rows.js'

/** The keys of this repository's prepared queries (db/sqlite/prepared). */
const Q = queryKeys('officers', ['indexIdNumber', 'findById', 'findByIdNumber', 'insert', 'moveDates', 'keptById'])

function opened<R extends OfficerRow | undefined> (db: SqliteDb, row: R): R {
  return row === undefined ? row : { ...row, idNumber: idNumberCodec(db).open(row.idNumber) }
}

// Registering writes an officer and its blind index: statements run once per imported row, as
// plain SQL with positional values (through the query builder, binding by name and mapping the
// row back cost three times what SQLite took to insert).
async function indexIdNumber (db: SqliteDb, officerId: number, idNumber: string): Promise<void> {
  onceStatement(db, Q.indexIdNumber, INDEX_ID_NUMBER)
    .run(officerId, idNumberCodec(db).blindIndex(idNumber))
}

export { postData }

export const officerRepository = byEngine({
  /** The officer if in scope. Kept between writes (db/sqlite/read-cache): HR systems read the same
   *  officers over and over; the ID number is kept sealed and opened per call. */
  findById: async (db: SqliteDb, scope: Scope, id: number) => opened(db, cachedRead(db, Q.keptById, `${scope.all ? 'all' : scope.rootAgencyId}:${id}`, () => {
    const { query, params } = onceInScope(db, Q.findById, scope, (inScope) => db.select().from(officers)
      .where(and(eq(officers.id, sql.placeholder('id')), inScope(officers.agencyId))).prepare())
    return query.get({ id, ...params })
  })),

  /** Exact match on the ID number, regardless of scope (uniqueness is registry-wide). */
  findByIdNumber: async (db: SqliteDb, idNumber: string) => opened(db, once(db, Q.findByIdNumber, () => db.select({ officer: officers }).from(officers)
    .innerJoin(officerIdIndex, eq(officerIdIndex.officerId, officers.id))
    .where(eq(officerIdIndex.digest, sql.placeholder('digest'))).prepare())
    .get({ digest: idNumberCodec(db).blindIndex(idNumber) })?.officer),

  /** findByIdNumber for each of `idNumbers` (canonical), at once: the officers found, keyed by
   *  the number asked (those not found are absent). On SQLite the prepared single lookup, once
   *  each (no round trip to save). */
  findByIdNumbers: async (db: SqliteDb, idNumbers: readonly string[]): Promise<Map<string, OfficerRow>> => {
    const found = new Map<string, OfficerRow>()
    for (const idNumber of new Set(idNumbers)) {
      const row = await officerRepository.findByIdNumber(db, idNumber)
      if (row !== undefined) found.set(idNumber, row)
    }
    return found
  },

  list: async (db: SqliteDb, scope: Scope, f: OfficerFilter, afterId: number, limit: number) => {
    const where: Array<SQL | undefined> = [gt(officers.id, afterId), inScopeWhere(scope, officers.agencyId)]
    if (f.agencyId !== undefined) where.push(eq(officers.agencyId, f.agencyId))
    if (f.status) where.push(eq(officers.status, f.status))
    if (f.legalReviewer !== undefined) where.push(eq(officers.legalReviewer, f.legalReviewer))
    if (f.name) where.push(contains(officers.name, f.name))
    return db.select().from(officers).where(and(...where)).orderBy(asc(officers.id)).limit(limit).all().map((r) => opened(db, r))
  },

  /** Inserts an officer and its blind index, created `at` (the service's clock); call it
   *  inside a write transaction. */
  insert: async (db: SqliteDb, v: NewOfficer, at: string): Promise<OfficerRow> => {
    const p = postData(v)
    const joinedOn = v.joinedOn ?? null
    const stored = onceStatement(db, Q.insert, INSERT_OFFICER)
      .get(p.name, idNumberCodec(db).seal(v.idNumber), p.agencyId, p.employeeNo, p.phone, joinedOn, +p.auxiliary, +p.police, +p.legalReviewer, +p.supervisor, at) as Pick<OfficerRow, 'id' | 'status' | 'version' | 'createdAt'>
    await indexIdNumber(db, stored.id, v.idNumber)
    // The row as stored, in the table's column order; the number just sealed, in clear.
    const { id, status, version, createdAt } = stored
    const { name, agencyId, employeeNo, phone, auxiliary, police, legalReviewer, supervisor } = p
    const idNumber = normalizeIdNumber(v.idNumber)
    return { id, name, idNumber, agencyId, employeeNo, phone, auxiliary, police, legalReviewer, supervisor, status, joinedOn, departedOn: null, departureReason: null, version, createdAt, updatedAt: null }
  },

  /** Updates an officer (and the blind index when the ID number changes); call it inside a write transaction. */
  update: async (db: SqliteDb, id: number, v: Partial<NewOfficerRow>): Promise<OfficerRow | undefined> => {
    const sealed = v.idNumber === undefined ? {} : { idNumber: idNumberCodec(db).seal(v.idNumber) }
    const row: OfficerRow | undefined = db.update(officers).set({ ...v, ...sealed, version: sql`${officers.version} + 1` }).where(eq(officers.id, id)).returning().get()
    if (row && v.idNumber !== undefined) await indexIdNumber(db, id, v.idNumber)
    return opened(db, row)
  },

  insertMove: async (db: SqliteDb, v: typeof officerMoves.$inferInsert): Promise<void> => { db.insert(officerMoves).values(v).run() },

  /** The days of the officer's earliest and latest recorded moves (transfers, departures, being
   *  taken on again), by date; null when none. */
  moveDates: async (db: SqliteDb, officerId: number): Promise<{ firstMoveOn: string | null, lastMoveOn: string | null }> =>
    once(db, Q.moveDates, () => db.select({ firstMoveOn: sql<string | null>`min(${officerMoves.date})`, lastMoveOn: sql<string | null>`max(${officerMoves.date})` })
      .from(officerMoves).where(eq(officerMoves.officerId, sql.placeholder('officerId'))).prepare())
      .get({ officerId }) ?? { firstMoveOn: null, lastMoveOn: null }
}, pgOfficerRepository)
