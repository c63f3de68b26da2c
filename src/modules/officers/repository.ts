// Officers in SQL; scope follows the officer's current agency.
import { and, asc, eq, gt, like, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/open.js'
import { officerMoves, officers } from '../../db/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'

export type OfficerRow = typeof officers.$inferSelect
export type NewOfficerRow = typeof officers.$inferInsert
export interface OfficerFilter { agencyId?: number | undefined, status?: OfficerRow['status'] | undefined, legalReviewer?: boolean | undefined, name?: string | undefined }

export const officerRepository = {
  findById: (db: Db, scope: Scope, id: number) =>
    db.select().from(officers).where(and(eq(officers.id, id), inScopeWhere(scope, officers.agencyId))).get(),

  /** Exact match on the ID number, regardless of scope (uniqueness is registry-wide). */
  findByIdNumber: (db: Db, idNumber: string) => db.select().from(officers).where(eq(officers.idNumber, idNumber)).get(),

  list: (db: Db, scope: Scope, f: OfficerFilter, afterId: number, limit: number) => {
    const where: Array<SQL | undefined> = [gt(officers.id, afterId), inScopeWhere(scope, officers.agencyId)]
    if (f.agencyId !== undefined) where.push(eq(officers.agencyId, f.agencyId))
    if (f.status) where.push(eq(officers.status, f.status))
    if (f.legalReviewer !== undefined) where.push(eq(officers.legalReviewer, f.legalReviewer))
    if (f.name) where.push(like(officers.name, `%${f.name.replace(/[%_\\]/g, (c) => `\\${c}`)}%`))
    return db.select().from(officers).where(and(...where)).orderBy(asc(officers.id)).limit(limit).all()
  },

  insert: (db: Db, v: NewOfficerRow) => db.insert(officers).values(v).returning().get(),

  update: (db: Db, id: number, v: Partial<NewOfficerRow>) =>
    db.update(officers).set({ ...v, version: sql`${officers.version} + 1` }).where(eq(officers.id, id)).returning().get(),

  insertMove: (db: Db, v: typeof officerMoves.$inferInsert) => db.insert(officerMoves).values(v).run()
}
