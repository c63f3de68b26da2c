// Officers on PostgreSQL (the SQLite ones: repository.ts): the same reads and writes, each query
// built per call (no prepared-statement pool, no kept answers), the ID number sealed at rest and
// found through its blind index with the store's codec (db.$idNumbers).
import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'
import { pgContains } from '../../db/match.js'
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

async function indexIdNumber (db: PgDb, officerId: number, idNumber: string): Promise<void> {
  await db.insert(officerIdIndex).values({ officerId, digest: db.$idNumbers.blindIndex(idNumber) })
    .onConflictDoUpdate({ target: officerIdIndex.officerId, set: { digest: sql`excluded.digest` } })
}

export const pgOfficerRepository = {
  findById: async (db: PgDb, scope: Scope, id: number): Promise<OfficerRow | undefined> => {
    const [row] = await db.select().from(officers).where(and(eq(officers.id, id), inScopeWhere(scope, officers.agencyId))).limit(1)
    return opened(db, row)
  },

  findByIdNumber: async (db: PgDb, idNumber: string): Promise<OfficerRow | undefined> => {
    const [found] = await db.select({ officer: officers }).from(officers)
      .innerJoin(officerIdIndex, eq(officerIdIndex.officerId, officers.id))
      .where(eq(officerIdIndex.digest, db.$idNumbers.blindIndex(idNumber))).limit(1)
    return opened(db, found?.officer)
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

  insert: async (db: PgDb, v: NewOfficer, at: string): Promise<OfficerRow> => {
    const [stored] = await db.insert(officers)
      .values({ ...postData(v), idNumber: db.$idNumbers.seal(v.idNumber), joinedOn: v.joinedOn ?? null, createdAt: at }).returning()
    if (stored === undefined) throw new Error('insert into officers returned no row')
    await indexIdNumber(db, stored.id, v.idNumber)
    // The number just sealed, in clear (as opening it would give).
    return { ...stored, idNumber: normalizeIdNumber(v.idNumber) }
  },

  update: async (db: PgDb, id: number, v: Partial<NewOfficerRow>): Promise<OfficerRow | undefined> => {
    const sealed = v.idNumber === undefined ? {} : { idNumber: db.$idNumbers.seal(v.idNumber) }
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
