// Officers on PostgreSQL (the SQLite ones: repository.ts): the same reads and writes, each query
// built per call (no prepared-statement pool, no kept answers), the ID number sealed at rest and
// found through its blind index with the store's codec (db.$idNumbers).
import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'
import { pgContains } from '../../db/match.js'
import { keptReads } from '../../db/pg/handle.js'
import { officerIdIndex, officerMoves, officers } from '../../db/pg/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import { normalizeIdNumber } from '../../domain/identity.js'
import type { Scope } from '../../security/roles.js'
import { postData } from './post.js'
import type { NewOfficer, NewOfficerRow, OfficerFilter, OfficerRow } from './rows.js'

type MoveRow = typeof import('../../db/schema.js').officerMoves.$inferInsert

function opened<R extends OfficerRow | undefined> (db: PgDb, row: R): R {
  return row === undefined ? row : { ...row, idNumber: db.$idNumbers.open(row.idNumber) }
}

// What findByIdNumbers read ahead in a write transaction, by digest (the row as stored, null for
// none): the next findByIdNumber of one of those numbers is answered from it, once, unless the
// officer was written since (insert and update forget what was kept of the officers they write).
const READ_AHEAD = 'officers.byDigest'

/** Forgets what was read ahead of officer `id` (and of the number `digest`, when given). */
function forget (db: PgDb, id: number | undefined, digest?: string): void {
  const kept = db.$readAhead?.get(READ_AHEAD)
  if (kept === undefined) return
  if (digest !== undefined) kept.delete(digest)
  if (id !== undefined) for (const [k, row] of kept) if ((row as OfficerRow | null)?.id === id) kept.delete(k)
}

async function indexIdNumber (db: PgDb, officerId: number, idNumber: string): Promise<void> {
  await db.insert(officerIdIndex).values({ officerId, digest: db.$idNumbers.blindIndex(idNumber) })
    .onConflictDoUpdate({ target: officerIdIndex.officerId, set: { digest: sql`excluded.digest` } })
}

// An officer and its blind-index row (as indexIdNumber writes it), in one statement: the index's
// foreign key sees the officer inserted before it (checked at the statement's end).
const INSERT_INDEXED = `with stored as (
    insert into officers (name, id_number, agency_id, employee_no, phone, joined_on, auxiliary, police, legal_reviewer, supervisor, created_at)
      values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
      returning id, status, version, created_at),
  indexed as (
    insert into officer_id_index (officer_id, digest) select id, $12 from stored
      on conflict (officer_id) do update set digest = excluded.digest)
  select id, status, version, created_at as "createdAt" from stored`

export const pgOfficerRepository = {
  findById: async (db: PgDb, scope: Scope, id: number): Promise<OfficerRow | undefined> => {
    const [row] = await db.select().from(officers).where(and(eq(officers.id, id), inScopeWhere(scope, officers.agencyId))).limit(1)
    return opened(db, row)
  },

  findByIdNumber: async (db: PgDb, idNumber: string): Promise<OfficerRow | undefined> => {
    const digest = db.$idNumbers.blindIndex(idNumber)
    const kept = db.$readAhead?.get(READ_AHEAD)
    if (kept?.has(digest) === true) {
      const row = kept.get(digest) as OfficerRow | null
      kept.delete(digest)
      return row === null ? undefined : opened(db, row)
    }
    const [found] = await db.select({ officer: officers }).from(officers)
      .innerJoin(officerIdIndex, eq(officerIdIndex.officerId, officers.id))
      .where(eq(officerIdIndex.digest, digest)).limit(1)
    return opened(db, found?.officer)
  },

  /** One statement for the lot (`= any` of the digests: one text, prepared once, whatever their
   *  number); keyed by the number asked. */
  findByIdNumbers: async (db: PgDb, idNumbers: readonly string[]): Promise<Map<string, OfficerRow>> => {
    const byDigest = new Map<string, string[]>()
    for (const idNumber of idNumbers) {
      const digest = db.$idNumbers.blindIndex(idNumber)
      const asked = byDigest.get(digest)
      if (asked === undefined) byDigest.set(digest, [idNumber])
      else asked.push(idNumber)
    }
    const found = new Map<string, OfficerRow>()
    if (byDigest.size === 0) return found
    const rows = await db.select({ officer: officers, digest: officerIdIndex.digest }).from(officers)
      .innerJoin(officerIdIndex, eq(officerIdIndex.officerId, officers.id))
      .where(sql`${officerIdIndex.digest} = any(${sql.param([...byDigest.keys()])}::text[])`)
    // In a write transaction, kept for the findByIdNumber of each that follows (registering the
    // rows of an import asks again, one by one).
    const kept = keptReads(db, READ_AHEAD)
    if (kept !== undefined) for (const digest of byDigest.keys()) kept.set(digest, null)
    for (const { officer, digest } of rows) {
      kept?.set(digest, officer)
      for (const idNumber of byDigest.get(digest) ?? []) found.set(idNumber, opened(db, officer))
    }
    return found
  },

  list: async (db: PgDb, scope: Scope, f: OfficerFilter, afterId: number, limit: number): Promise<OfficerRow[]> => {
    const where: Array<SQL | undefined> = [gt(officers.id, afterId), inScopeWhere(scope, officers.agencyId)]
    if (f.agencyId !== undefined) where.push(eq(officers.agencyId, f.agencyId))
    if (f.status) where.push(eq(officers.status, f.status))
    if (f.legalReviewer !== undefined) where.push(eq(officers.legalReviewer, f.legalReviewer))
    if (f.name) where.push(pgContains(officers.name, f.name))
    const rows = await db.select().from(officers).where(and(...where)).orderBy(asc(officers.id)).limit(limit)
    return rows.map((r) => opened(db, r))
  },

  /** The officer and its blind index in one statement (one round trip, prepared once per
   *  connection: registering is run once per row of an import). */
  insert: async (db: PgDb, v: NewOfficer, at: string): Promise<OfficerRow> => {
    const p = postData(v)
    const joinedOn = v.joinedOn ?? null
    const { rows: [stored] } = await db.$client.query<Pick<OfficerRow, 'id' | 'status' | 'version' | 'createdAt'>>({
      name: 'officers-insert-indexed',
      text: INSERT_INDEXED,
      values: [p.name, db.$idNumbers.seal(v.idNumber), p.agencyId, p.employeeNo, p.phone, joinedOn, p.auxiliary, p.police, p.legalReviewer, p.supervisor, at, db.$idNumbers.blindIndex(v.idNumber)]
    })
    if (stored === undefined) throw new Error('insert into officers returned no row')
    forget(db, stored.id, db.$idNumbers.blindIndex(v.idNumber))
    // The row as stored, in the table's column order (as drizzle's select gives it); the number
    // just sealed, in clear (as opening it would give).
    const { id, status, version, createdAt } = stored
    const { name, agencyId, employeeNo, phone, auxiliary, police, legalReviewer, supervisor } = p
    return { id, name, idNumber: normalizeIdNumber(v.idNumber), agencyId, employeeNo, phone, auxiliary, police, legalReviewer, supervisor, status, joinedOn, departedOn: null, departureReason: null, version, createdAt, updatedAt: null }
  },

  update: async (db: PgDb, id: number, v: Partial<NewOfficerRow>): Promise<OfficerRow | undefined> => {
    const sealed = v.idNumber === undefined ? {} : { idNumber: db.$idNumbers.seal(v.idNumber) }
    forget(db, id, v.idNumber === undefined ? undefined : db.$idNumbers.blindIndex(v.idNumber))
    const [row] = await db.update(officers).set({ ...v, ...sealed, version: sql`${officers.version} + 1` }).where(eq(officers.id, id)).returning()
    if (row && v.idNumber !== undefined) await indexIdNumber(db, id, v.idNumber)
    return opened(db, row)
  },

  insertMove: async (db: PgDb, v: MoveRow): Promise<void> => { await db.insert(officerMoves).values(v) },

  moveDates: async (db: PgDb, officerId: number): Promise<{ firstMoveOn: string | null, lastMoveOn: string | null }> => {
    const [row] = await db.select({ firstMoveOn: sql<string | null>`min(${officerMoves.date})`, lastMoveOn: sql<string | null>`max(${officerMoves.date})` })
      .from(officerMoves).where(eq(officerMoves.officerId, officerId))
    return row ?? { firstMoveOn: null, lastMoveOn: null }
  }
}
