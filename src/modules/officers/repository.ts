// Officers in SQL; scope follows the officer's current agency. ID numbers are sealed at rest
// with a blind index beside them (src/security/id-numbers.ts); callers give and get them in clear.
import { and, asc, eq, gt, like, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/open.js'
import { officerIdIndex, officerMoves, officers } from '../../db/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import { idNumberCodec } from '../../security/id-number-store.js'
import type { Scope } from '../../security/roles.js'

export type OfficerRow = typeof officers.$inferSelect
export type NewOfficerRow = typeof officers.$inferInsert
export interface OfficerFilter { agencyId?: number | undefined, status?: OfficerRow['status'] | undefined, legalReviewer?: boolean | undefined, name?: string | undefined }

function opened<R extends OfficerRow | undefined> (db: Db, row: R): R {
  return row === undefined ? row : { ...row, idNumber: idNumberCodec(db).open(row.idNumber) }
}

function indexIdNumber (db: Db, officerId: number, idNumber: string): void {
  const digest = idNumberCodec(db).blindIndex(idNumber)
  db.insert(officerIdIndex).values({ officerId, digest }).onConflictDoUpdate({ target: officerIdIndex.officerId, set: { digest } }).run()
}

export const officerRepository = {
  findById: (db: Db, scope: Scope, id: number) =>
    opened(db, db.select().from(officers).where(and(eq(officers.id, id), inScopeWhere(scope, officers.agencyId))).get()),

  /** Exact match on the ID number, regardless of scope (uniqueness is registry-wide). */
  findByIdNumber: (db: Db, idNumber: string) => opened(db, db.select({ officer: officers }).from(officers)
    .innerJoin(officerIdIndex, eq(officerIdIndex.officerId, officers.id))
    .where(eq(officerIdIndex.digest, idNumberCodec(db).blindIndex(idNumber))).get()?.officer),

  list: (db: Db, scope: Scope, f: OfficerFilter, afterId: number, limit: number) => {
    const where: Array<SQL | undefined> = [gt(officers.id, afterId), inScopeWhere(scope, officers.agencyId)]
    if (f.agencyId !== undefined) where.push(eq(officers.agencyId, f.agencyId))
    if (f.status) where.push(eq(officers.status, f.status))
    if (f.legalReviewer !== undefined) where.push(eq(officers.legalReviewer, f.legalReviewer))
    if (f.name) where.push(like(officers.name, `%${f.name.replace(/[%_\\]/g, (c) => `\\${c}`)}%`))
    return db.select().from(officers).where(and(...where)).orderBy(asc(officers.id)).limit(limit).all().map((r) => opened(db, r))
  },

  /** Inserts an officer and its blind index; call it inside a write transaction. */
  insert: (db: Db, v: NewOfficerRow) => {
    const row = db.insert(officers).values({ ...v, idNumber: idNumberCodec(db).seal(v.idNumber) }).returning().get()
    indexIdNumber(db, row.id, v.idNumber)
    return opened(db, row)
  },

  /** Updates an officer (and the blind index when the ID number changes); call it inside a write transaction. */
  update: (db: Db, id: number, v: Partial<NewOfficerRow>) => {
    const sealed = v.idNumber === undefined ? {} : { idNumber: idNumberCodec(db).seal(v.idNumber) }
    const row = db.update(officers).set({ ...v, ...sealed, version: sql`${officers.version} + 1` }).where(eq(officers.id, id)).returning().get()
    if (row && v.idNumber !== undefined) indexIdNumber(db, id, v.idNumber)
    return opened(db, row)
  },

  insertMove: (db: Db, v: typeof officerMoves.$inferInsert) => db.insert(officerMoves).values(v).run()
}
