// Agencies in SQL on PostgreSQL (the SQLite ones: repository.ts), the same answers. Every read
// takes the caller's scope; out of scope reads as not found.
import { and, asc, eq, gt, inArray, like, sql, type SQL } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'
import { pgContains } from '../../db/match.js'
import { agencies, agencyConfirmations, certificates, officers } from '../../db/pg/schema.js'
import { liveOn as liveOnTable } from '../../db/certificate-sql.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'
import type { AgencyFilter, AgencyRow, NewAgencyRow, StaffCounts } from './rows.js'
import { ran } from '../../db/pg/results.js'
import { keptReads } from '../../db/pg/handle.js'

/** An active or suspended certificate not past its last valid day on `today` (db/certificate-sql). */
const liveOn = (today: string) => liveOnTable(today, certificates)

// In a write transaction, what findById answered, kept for the rest of it by scope and id (an
// import of officers asks for the same agency at every row): forgotten, all of it, when the
// transaction writes an agency (a move in the tree changes what a scope reaches), and handed out
// as copies.
const KEPT = 'agencies.byId'
const forgetKept = (db: PgDb): void => { db.$readAhead?.delete(KEPT) }

export const pgAgencyRepository = {
  findById: async (db: PgDb, scope: Scope, id: number): Promise<AgencyRow | undefined> => {
    const kept = keptReads(db, KEPT)
    const key = `${scope.all ? 'all' : scope.rootAgencyId}:${id}`
    if (kept?.has(key) === true) {
      const row = kept.get(key) as AgencyRow | null
      return row === null ? undefined : structuredClone(row)
    }
    const [row] = await db.select().from(agencies).where(and(eq(agencies.id, id), inScopeWhere(scope, agencies.id))).limit(1)
    kept?.set(key, row === undefined ? null : structuredClone(row))
    return row
  },

  findByUscc: async (db: PgDb, uscc: string): Promise<AgencyRow | undefined> => {
    const [row] = await db.select().from(agencies).where(eq(agencies.uscc, uscc)).limit(1)
    return row
  },

  list: async (db: PgDb, scope: Scope, f: AgencyFilter, afterId: number, limit: number): Promise<AgencyRow[]> => {
    const where: Array<SQL | undefined> = [gt(agencies.id, afterId), inScopeWhere(scope, agencies.id)]
    if (f.status) where.push(eq(agencies.status, f.status))
    if (f.parentId !== undefined) where.push(eq(agencies.parentId, f.parentId))
    if (f.name) where.push(pgContains(agencies.name, f.name))
    return await db.select().from(agencies).where(and(...where)).orderBy(asc(agencies.id)).limit(limit)
  },

  insert: async (db: PgDb, v: NewAgencyRow): Promise<AgencyRow> => {
    forgetKept(db)
    const [row] = await db.insert(agencies).values(v).returning()
    return row!
  },

  // Undefined when there is no such agency, as SQLite's returning().get() answers (its type says
  // a row): the service checks.
  update: async (db: PgDb, id: number, v: Partial<NewAgencyRow>): Promise<AgencyRow> => {
    forgetKept(db)
    const [row] = await db.update(agencies).set({ ...v, version: sql`${agencies.version} + 1` }).where(eq(agencies.id, id)).returning()
    return row as AgencyRow
  },

  setPath: async (db: PgDb, id: number, path: string): Promise<AgencyRow> => {
    forgetKept(db)
    const [row] = await db.update(agencies).set({ path }).where(eq(agencies.id, id)).returning()
    return row as AgencyRow
  },

  // The path column compares byte by byte (COLLATE "C"), so LIKE on a prefix is SQLite's.
  rebaseSubtree: async (db: PgDb, oldPrefix: string, newPrefix: string) => {
    forgetKept(db)
    return ran((await db.update(agencies)
      .set({ path: sql`${newPrefix}::text || substr(${agencies.path}, ${oldPrefix.length + 1}::int)` })
      .where(like(agencies.path, `${oldPrefix}%`))).rowCount)
  },

  confirmedYears: async (db: PgDb, ids: number[]): Promise<Map<number, number[]>> => {
    const rows = ids.length === 0
      ? []
      : await db.select({ agencyId: agencyConfirmations.agencyId, year: agencyConfirmations.year })
        .from(agencyConfirmations).where(inArray(agencyConfirmations.agencyId, ids)).orderBy(asc(agencyConfirmations.year))
    const byAgency = new Map<number, number[]>()
    // A year confirmed again (重新确认) is listed once.
    for (const r of rows) {
      const years = byAgency.get(r.agencyId) ?? []
      if (years.at(-1) !== r.year) byAgency.set(r.agencyId, [...years, r.year])
    }
    return byAgency
  },

  isConfirmed: async (db: PgDb, agencyId: number, year: number): Promise<boolean> =>
    (await db.select({ id: agencyConfirmations.id }).from(agencyConfirmations)
      .where(and(eq(agencyConfirmations.agencyId, agencyId), eq(agencyConfirmations.year, year))).limit(1)).length > 0,

  insertConfirmation: async (db: PgDb, v: typeof agencyConfirmations.$inferInsert) => {
    const [row] = await db.insert(agencyConfirmations).values(v).returning()
    return row!
  },

  latestConfirmations: async (db: PgDb, ids: number[]) => {
    const rows = ids.length === 0
      ? []
      : await db.select({ agencyId: agencyConfirmations.agencyId, year: agencyConfirmations.year, announcementNo: agencyConfirmations.announcementNo, date: agencyConfirmations.date })
        .from(agencyConfirmations).where(inArray(agencyConfirmations.agencyId, ids)).orderBy(asc(agencyConfirmations.year), asc(agencyConfirmations.id))
    return new Map(rows.map((r) => [r.agencyId, r])) // the last per agency wins: the latest year, its latest record
  },

  listConfirmations: async (db: PgDb, agencyId: number, afterId: number, limit: number) =>
    await db.select().from(agencyConfirmations).where(and(eq(agencyConfirmations.agencyId, agencyId), gt(agencyConfirmations.id, afterId)))
      .orderBy(asc(agencyConfirmations.id)).limit(limit),

  staffingCounts: async (db: PgDb, agencyIds: number[], today: string): Promise<Map<number, StaffCounts>> => {
    if (agencyIds.length === 0) return new Map()
    const heads = await db.select({ agencyId: officers.agencyId, n: sql<number>`count(*)`, reviewers: sql<number>`count(*) filter (where ${officers.legalReviewer})` })
      .from(officers)
      .where(and(inArray(officers.agencyId, agencyIds), eq(officers.status, 'active'), eq(officers.auxiliary, false)))
      .groupBy(officers.agencyId)
    const certified = await db.select({ agencyId: officers.agencyId, n: sql<number>`count(distinct ${officers.id})` })
      .from(officers)
      .innerJoin(certificates, and(eq(certificates.officerId, officers.id), eq(certificates.agencyId, officers.agencyId), liveOn(today)))
      .where(and(inArray(officers.agencyId, agencyIds), eq(officers.status, 'active'), eq(officers.auxiliary, false)))
      .groupBy(officers.agencyId)
    const counts = new Map(agencyIds.map((id): [number, StaffCounts] => [id, { officers: 0, certified: 0, reviewers: 0 }]))
    for (const r of heads) Object.assign(counts.get(r.agencyId)!, { officers: r.n, reviewers: r.reviewers })
    for (const r of certified) counts.get(r.agencyId)!.certified = r.n
    return counts
  },

  liveCertificates: async (db: PgDb, agencyId: number, today: string) =>
    await db.select({ id: certificates.id, number: certificates.number, officerId: certificates.officerId, status: certificates.status })
      .from(certificates).where(and(eq(certificates.agencyId, agencyId), liveOn(today)))
      .orderBy(asc(certificates.id))
}
