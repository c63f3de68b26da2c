// 公示 in SQL: confirmed agencies and who holds a live card there. Nothing personal is selected
// beyond the name: never an ID number or a phone.
import { and, asc, eq, gt, gte, inArray, like, sql, type SQL } from 'drizzle-orm'
import { byEngine, type SqliteDb } from '../../db/engine.js'
import { contains } from '../../db/match.js'
import { jsonArrayHas } from '../../db/sqlite/dialect.js'
import { agencies, agencyConfirmations, certificates, officers } from '../../db/schema.js'
import { pgPublicRepository } from './pg-repository.js'
import type { PublicAgencyFilter } from './rows.js'

export type { PublicAgencyFilter } from './rows.js'

const confirmedIn = (years: readonly number[]): SQL => sql`exists (select 1 from ${agencyConfirmations} where ${and(
  eq(agencyConfirmations.agencyId, agencies.id), inArray(agencyConfirmations.year, [...years]))})`

const columns = { id: agencies.id, name: agencies.name, kind: agencies.kind, level: agencies.level, regionCode: agencies.regionCode, domains: agencies.domains }

export const publicRepository = byEngine({
  /** Active agencies confirmed in one of `years` (domain standingYears), by id after `afterId`. */
  agencies: async (db: SqliteDb, years: readonly number[], f: PublicAgencyFilter, afterId: number, limit: number) => {
    const where: Array<SQL | undefined> = [gt(agencies.id, afterId), eq(agencies.status, 'active'), confirmedIn(years)]
    if (f.regionCode) where.push(like(agencies.regionCode, `${f.regionCode}%`))
    if (f.name) where.push(contains(agencies.name, f.name))
    if (f.domain) where.push(jsonArrayHas(agencies.domains, f.domain))
    return db.select(columns).from(agencies).where(and(...where)).orderBy(asc(agencies.id)).limit(limit).all()
  },

  /** One such agency, or undefined. */
  agency: async (db: SqliteDb, years: readonly number[], id: number) =>
    db.select(columns).from(agencies).where(and(eq(agencies.id, id), eq(agencies.status, 'active'), confirmedIn(years))).get(),

  /** The region codes of those agencies, for the page's filter. */
  regions: async (db: SqliteDb, years: readonly number[]) =>
    db.selectDistinct({ regionCode: agencies.regionCode }).from(agencies).where(and(eq(agencies.status, 'active'), confirmedIn(years)))
      .orderBy(asc(agencies.regionCode)).all().map((r) => r.regionCode),

  /** Certificates active at the agency and not past their last valid day on `today`, held by
   *  officers still at their post, by certificate id after `afterId`: name, number, domains,
   *  validity only. */
  roster: async (db: SqliteDb, agencyId: number, today: string, afterId: number, limit: number) =>
    db.select({ id: certificates.id, name: officers.name, certificateNumber: certificates.number, domains: certificates.domains, validUntil: certificates.validUntil })
      .from(certificates).innerJoin(officers, eq(officers.id, certificates.officerId))
      .where(and(eq(certificates.agencyId, agencyId), eq(certificates.status, 'active'), gte(certificates.validUntil, today), eq(officers.status, 'active'), gt(certificates.id, afterId)))
      .orderBy(asc(certificates.id)).limit(limit).all()
}, pgPublicRepository)
