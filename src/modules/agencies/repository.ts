// Agencies in SQL. Every read takes the caller's scope; out of scope reads as not found.
import { and, asc, eq, gt, inArray, like, sql, type SQL } from 'drizzle-orm'
import { byEngine, type SqliteDb } from '../../db/engine.js'
import { contains } from '../../db/match.js'
import { agencies, agencyConfirmations, certificates, officers } from '../../db/schema.js'
import { liveOn } from '../../db/certificate-sql.js'
import { inScopeWhere, onceInScope } from '../../db/scope.js'
import { once, queryKeys } from '../../db/sqlite/prepared.js'
import type { Scope } from '../../security/roles.js'
import { pgAgencyRepository } from './pg-repository.js'
import type { AgencyFilter, NewAgencyRow, StaffCounts } from './rows.js'

export type { AgencyFilter, AgencyRow, NewAgencyRow, StaffCounts } from './rows.js'

/** The keys of this repository's prepared queries (db/sqlite/prepared). */
const Q = queryKeys('agencies', ['findById', 'isConfirmed'])

/** An agency with no staff, as staffingCounts counts it (StaffCounts). */
export const NO_STAFF: Readonly<StaffCounts> = { officers: 0, certified: 0, reviewers: 0 }

export const agencyRepository = byEngine({
  findById: async (db: SqliteDb, scope: Scope, id: number) => {
    const { query, params } = onceInScope(db, Q.findById, scope, (inScope) => db.select().from(agencies)
      .where(and(eq(agencies.id, sql.placeholder('id')), inScope(agencies.id))).prepare())
    return query.get({ id, ...params })
  },

  findByUscc: async (db: SqliteDb, uscc: string) => db.select().from(agencies).where(eq(agencies.uscc, uscc)).get(),

  list: async (db: SqliteDb, scope: Scope, f: AgencyFilter, afterId: number, limit: number) => {
    const where: Array<SQL | undefined> = [gt(agencies.id, afterId), inScopeWhere(scope, agencies.id)]
    if (f.status) where.push(eq(agencies.status, f.status))
    if (f.parentId !== undefined) where.push(eq(agencies.parentId, f.parentId))
    if (f.name) where.push(contains(agencies.name, f.name))
    return db.select().from(agencies).where(and(...where)).orderBy(asc(agencies.id)).limit(limit).all()
  },

  insert: async (db: SqliteDb, v: NewAgencyRow) => db.insert(agencies).values(v).returning().get(),

  update: async (db: SqliteDb, id: number, v: Partial<NewAgencyRow>) =>
    db.update(agencies).set({ ...v, version: sql`${agencies.version} + 1` }).where(eq(agencies.id, id)).returning().get(),

  /** Places a new agency in the tree (its path needs its own id, known only after insert). */
  setPath: async (db: SqliteDb, id: number, path: string) =>
    db.update(agencies).set({ path }).where(eq(agencies.id, id)).returning().get(),

  /** Re-roots a whole subtree after its top moved (one statement, inside the caller's transaction). */
  rebaseSubtree: async (db: SqliteDb, oldPrefix: string, newPrefix: string) =>
    db.update(agencies)
      .set({ path: sql`${newPrefix} || substr(${agencies.path}, ${oldPrefix.length + 1})` })
      .where(like(agencies.path, `${oldPrefix}%`)).run(),

  confirmedYears: async (db: SqliteDb, ids: number[]) => {
    const rows = ids.length === 0
      ? []
      : db.select({ agencyId: agencyConfirmations.agencyId, year: agencyConfirmations.year })
        .from(agencyConfirmations).where(inArray(agencyConfirmations.agencyId, ids)).orderBy(asc(agencyConfirmations.year)).all()
    const byAgency = new Map<number, number[]>()
    // A year confirmed again (重新确认) is listed once.
    for (const r of rows) {
      const years = byAgency.get(r.agencyId) ?? []
      if (years.at(-1) !== r.year) byAgency.set(r.agencyId, [...years, r.year])
    }
    return byAgency
  },

  isConfirmed: async (db: SqliteDb, agencyId: number, year: number) => once(db, Q.isConfirmed, () => db.select({ id: agencyConfirmations.id }).from(agencyConfirmations)
    .where(and(eq(agencyConfirmations.agencyId, sql.placeholder('agencyId')), eq(agencyConfirmations.year, sql.placeholder('year')))).prepare())
    .get({ agencyId, year }) !== undefined,

  insertConfirmation: async (db: SqliteDb, v: typeof agencyConfirmations.$inferInsert) => db.insert(agencyConfirmations).values(v).returning().get(),

  /** Each agency's latest confirmation (year and 公告文号; a 重新确认 of that year when there is
   *  one), by agency id. */
  latestConfirmations: async (db: SqliteDb, ids: number[]) => {
    const rows = ids.length === 0
      ? []
      : db.select({ agencyId: agencyConfirmations.agencyId, year: agencyConfirmations.year, announcementNo: agencyConfirmations.announcementNo, date: agencyConfirmations.date })
        .from(agencyConfirmations).where(inArray(agencyConfirmations.agencyId, ids)).orderBy(asc(agencyConfirmations.year), asc(agencyConfirmations.id)).all()
    return new Map(rows.map((r) => [r.agencyId, r])) // the last per agency wins: the latest year, its latest record
  },

  /** An agency's confirmations in the order recorded, a page after `afterId`. */
  listConfirmations: async (db: SqliteDb, agencyId: number, afterId: number, limit: number) =>
    db.select().from(agencyConfirmations).where(and(eq(agencyConfirmations.agencyId, agencyId), gt(agencyConfirmations.id, afterId)))
      .orderBy(asc(agencyConfirmations.id)).limit(limit).all(),

  /** The counts behind rule 4 for each agency on `today`: its active, non-auxiliary officers
   *  (police included, whatever their cards: the headcount), those of them holding a certificate
   *  there that is active or suspended (not past its last valid day: an expired card is
   *  neither), and those flagged as legal reviewers. */
  staffingCounts: async (db: SqliteDb, agencyIds: number[], today: string): Promise<Map<number, StaffCounts>> => {
    if (agencyIds.length === 0) return new Map()
    const heads = db.select({ agencyId: officers.agencyId, n: sql<number>`count(*)`, reviewers: sql<number>`sum(${officers.legalReviewer})` })
      .from(officers)
      .where(and(inArray(officers.agencyId, agencyIds), eq(officers.status, 'active'), eq(officers.auxiliary, false)))
      .groupBy(officers.agencyId).all()
    const certified = db.select({ agencyId: officers.agencyId, n: sql<number>`count(distinct ${officers.id})` })
      .from(officers)
      .innerJoin(certificates, and(eq(certificates.officerId, officers.id), eq(certificates.agencyId, officers.agencyId), liveOn(today)))
      .where(and(inArray(officers.agencyId, agencyIds), eq(officers.status, 'active'), eq(officers.auxiliary, false)))
      .groupBy(officers.agencyId).all()
    const counts = new Map(agencyIds.map((id) => [id, { ...NO_STAFF }]))
    for (const r of heads) Object.assign(counts.get(r.agencyId)!, { officers: r.n, reviewers: r.reviewers ?? 0 })
    for (const r of certified) counts.get(r.agencyId)!.certified = r.n
    return counts
  },

  /** Active or suspended certificates held at an agency on `today` (not past their last valid
   *  day: an expired card is not reissued): to reissue after a merge or dissolution. */
  liveCertificates: async (db: SqliteDb, agencyId: number, today: string) =>
    db.select({ id: certificates.id, number: certificates.number, officerId: certificates.officerId, status: certificates.status })
      .from(certificates).where(and(eq(certificates.agencyId, agencyId), liveOn(today)))
      .orderBy(asc(certificates.id)).all()
}, pgAgencyRepository)
