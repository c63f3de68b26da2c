// 公示 on PostgreSQL (the SQLite one: repository.ts): confirmed agencies and who holds a live card
// there. Nothing personal is selected beyond the name: never an ID number or a phone.
import { and, asc, eq, gt, gte, inArray, like, sql, type Column, type SQL } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'
import { pgContains } from '../../db/match.js'
import { agencies, agencyConfirmations, certificates, officers } from '../../db/pg/schema.js'
import type { PublicAgencyFilter } from './rows.js'

const confirmedIn = (years: readonly number[]): SQL => sql`exists (select 1 from ${agencyConfirmations} where ${and(
  eq(agencyConfirmations.agencyId, agencies.id), inArray(agencyConfirmations.year, [...years]))})`

// The JSON array in `column` holds the string `value` (SQLite's json_each, as jsonb containment).
const jsonArrayHas = (column: Column, value: string): SQL => sql`${column} @> jsonb_build_array(${value}::text)`

const columns = { id: agencies.id, name: agencies.name, kind: agencies.kind, level: agencies.level, regionCode: agencies.regionCode, domains: agencies.domains }

export const pgPublicRepository = {
  agencies: async (db: PgDb, years: readonly number[], f: PublicAgencyFilter, afterId: number, limit: number) => {
    const where: Array<SQL | undefined> = [gt(agencies.id, afterId), eq(agencies.status, 'active'), confirmedIn(years)]
    if (f.regionCode) where.push(like(agencies.regionCode, `${f.regionCode}%`))
    if (f.name) where.push(pgContains(agencies.name, f.name))
    if (f.domain) where.push(jsonArrayHas(agencies.domains, f.domain))
    return await db.select(columns).from(agencies).where(and(...where)).orderBy(asc(agencies.id)).limit(limit)
  },

  agency: async (db: PgDb, years: readonly number[], id: number) => {
    const [row] = await db.select(columns).from(agencies).where(and(eq(agencies.id, id), eq(agencies.status, 'active'), confirmedIn(years))).limit(1)
    return row
  },

  regions: async (db: PgDb, years: readonly number[]): Promise<string[]> =>
    (await db.selectDistinct({ regionCode: agencies.regionCode }).from(agencies).where(and(eq(agencies.status, 'active'), confirmedIn(years)))
      .orderBy(asc(agencies.regionCode))).map((r) => r.regionCode),

  roster: async (db: PgDb, agencyId: number, today: string, afterId: number, limit: number) =>
    await db.select({ id: certificates.id, name: officers.name, certificateNumber: certificates.number, domains: certificates.domains, validUntil: certificates.validUntil })
      .from(certificates).innerJoin(officers, eq(officers.id, certificates.officerId))
      .where(and(eq(certificates.agencyId, agencyId), eq(certificates.status, 'active'), gte(certificates.validUntil, today), eq(officers.status, 'active'), gt(certificates.id, afterId)))
      .orderBy(asc(certificates.id)).limit(limit)
}
