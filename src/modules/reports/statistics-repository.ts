// The reads behind the statistics (GET /v1/reports/statistics): per-agency counts, each one
// GROUP BY over its table, for the agencies in a scope (or a subtree of it). Written once in the
// SQL both engines speak (db/engine rowsOf): no dialect functions, flags tested as `case when
// flag` (SQLite's 0/1 and PostgreSQL's booleans alike), dates compared as ISO text.
import { sql, type SQL } from 'drizzle-orm'
import { rowsOf, type Db } from '../../db/engine.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'

/** The agencies counted: those in `scope`, under `path` when given (a subtree's materialised
 *  path, digits and slashes only). */
export interface Within { readonly scope: Scope, readonly path?: string | undefined }

/** `column` (an agency id) among the agencies counted. */
function within (w: Within, column: SQL): SQL {
  const conditions = [inScopeWhere(w.scope, sql`w.id`), w.path === undefined ? undefined : sql`w.path like ${`${w.path}%`}`]
    .filter((c): c is SQL => c !== undefined)
  if (conditions.length === 0) return sql`1 = 1`
  return sql`${column} in (select w.id from agencies w where ${sql.join(conditions, sql` and `)})`
}

export interface AgencyRow { id: number, name: string, path: string, kind: 'organ' | 'authorized' | 'entrusted', level: 'province' | 'city' | 'county' | 'township', regionCode: string, domains: string[] | string, status: 'active' | 'merged' | 'dissolved', endedOn: string | null, createdAt: string }
export interface CertificateCountRow { agencyId: number, live: number, active: number, suspended: number, issued: number }
export interface AgencyStatusCountRow { agencyId: number, status: string, n: number }
export interface MonthCountRow { month: string, n: number }

export const statisticsRepository = {
  agencies: async (db: Db, w: Within) => await rowsOf<AgencyRow>(db, sql`select id, name, path, kind, level, region_code as "regionCode", domains, status,
      ended_on as "endedOn", created_at as "createdAt"
    from agencies where ${within(w, sql`id`)} order by id`),

  /** Certificates live on `day` (issued by then, not past their last valid day, and active or
   *  suspended then: db/certificate-sql liveOn as it stood), and those issued from `from` to `to`,
   *  by agency. A card revoked or cancelled after `day` (at or after the instant `dayEnd`, when
   *  the day is over in Shanghai) counts as it stood before that: its ending event's from_status
   *  (a suspension or reinstatement between the day and the end is not told apart). */
  certificates: async (db: Db, w: Within, day: string, dayEnd: string, from: string, to: string) => {
    const then = sql`coalesce(later.from_status, c.status)`
    const on = sql`c.issued_on <= ${day} and c.valid_until >= ${day}`
    return await rowsOf<CertificateCountRow>(db, sql`select c.agency_id as "agencyId",
        sum(case when ${on} and ${then} in ('active', 'suspended') then 1 else 0 end) as live,
        sum(case when ${on} and ${then} = 'active' then 1 else 0 end) as active,
        sum(case when ${on} and ${then} = 'suspended' then 1 else 0 end) as suspended,
        sum(case when c.issued_on >= ${from} and c.issued_on <= ${to} then 1 else 0 end) as issued
      from certificates c
      left join (select certificate_id, min(from_status) as from_status from certificate_events
        where to_status in ('revoked', 'cancelled') and at >= ${dayEnd} group by certificate_id) later on later.certificate_id = c.id
      where ${within(w, sql`c.agency_id`)}
      group by c.agency_id`)
  },

  /** Certificates revoked or cancelled between the instants `from` (inclusive) and `to`
   *  (exclusive), RFC 3339 in UTC as the events are stamped, by agency and that status. */
  endedBetween: async (db: Db, w: Within, from: string, to: string) => await rowsOf<AgencyStatusCountRow>(db, sql`select c.agency_id as "agencyId", e.to_status as status, count(distinct c.id) as n
    from certificate_events e join certificates c on c.id = e.certificate_id
    where e.to_status in ('revoked', 'cancelled') and e.at >= ${from} and e.at < ${to} and ${within(w, sql`c.agency_id`)}
    group by c.agency_id, e.to_status`),

  /** Cards whose recall is open (待收回), by their certificate's agency. */
  awaitingRecall: async (db: Db, w: Within) => await rowsOf<{ agencyId: number, n: number }>(db, sql`select c.agency_id as "agencyId", count(*) as n
    from card_recalls r join certificates c on c.id = r.certificate_id
    where r.status = 'open' and ${within(w, sql`c.agency_id`)}
    group by c.agency_id`),

  /** The confirmations recorded for the years `from` to `to` (a year confirmed again, once). */
  confirmedYears: async (db: Db, w: Within, from: number, to: number) => await rowsOf<{ agencyId: number, year: number }>(db, sql`select distinct agency_id as "agencyId", year
    from agency_confirmations where year >= ${from} and year <= ${to} and ${within(w, sql`agency_id`)} order by agency_id, year`),

  /** 年度考核 grades given for `year`, by the officer's agency and grade. */
  grades: async (db: Db, w: Within, year: number) => await rowsOf<AgencyStatusCountRow>(db, sql`select o.agency_id as "agencyId", a.grade as status, count(*) as n
    from assessments a join officers o on o.id = a.officer_id
    where a.year = ${year} and ${within(w, sql`o.agency_id`)}
    group by o.agency_id, a.grade`),

  /** Live-status certificates whose last valid day falls from `from` to `to`, by month ('YYYY-MM'). */
  expiringByMonth: async (db: Db, w: Within, from: string, to: string) => await rowsOf<MonthCountRow>(db, sql`select substr(valid_until, 1, 7) as month, count(*) as n
    from certificates
    where status in ('active', 'suspended') and valid_until >= ${from} and valid_until <= ${to} and ${within(w, sql`agency_id`)}
    group by substr(valid_until, 1, 7)`),

  /** Open recalls opened from `from` to `to`, by the month they were opened. */
  recallsOpenedByMonth: async (db: Db, w: Within, from: string, to: string) => await rowsOf<MonthCountRow>(db, sql`select substr(r.opened_on, 1, 7) as month, count(*) as n
    from card_recalls r join certificates c on c.id = r.certificate_id
    where r.status = 'open' and r.opened_on >= ${from} and r.opened_on <= ${to} and ${within(w, sql`c.agency_id`)}
    group by substr(r.opened_on, 1, 7)`)
}
