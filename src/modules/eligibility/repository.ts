// The reads behind POST /v1/eligibility on SQLite (PostgreSQL: pg-repository.ts): one statement
// for every fact of up to 50 officers (or numbers), prepared once per connection, the list passed
// as one JSON parameter; and, for a past instant only, the certificates' status events.
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { byEngine, type SqliteDb } from '../../db/engine.js'
import { agencies, certificateEvents, certificates, officers } from '../../db/schema.js'
import { onceInScope } from '../../db/scope.js'
import { queryKeys } from '../../db/sqlite/prepared.js'
import type { Scope } from '../../security/roles.js'
import { pgEligibilityRepository } from './pg-repository.js'
import { splitFacts, type EventRow, type Facts, type FlatRow } from './rows.js'

export type { AgencyRow, CardRow, EventRow, Facts, OfficerRow } from './rows.js'

const Q = queryKeys('eligibility', ['byOfficers', 'byNumbers'])

// One row per officer and certificate: the officer, the card, its agency and the agency's
// confirmed years (a yearly confirmation is one per agency and year: its partial index answers).
const FLAT = {
  id: officers.id,
  agencyId: officers.agencyId,
  status: officers.status,
  departedOn: officers.departedOn,
  auxiliary: officers.auxiliary,
  police: officers.police,
  cardId: certificates.id,
  number: certificates.number,
  cardAgencyId: certificates.agencyId,
  cardStatus: certificates.status,
  issuedOn: certificates.issuedOn,
  validUntil: certificates.validUntil,
  domains: certificates.domains,
  agencyStatus: agencies.status,
  endedOn: agencies.endedOn,
  agencyDomains: agencies.domains,
  years: sql<string | null>`(select json_group_array(year) from agency_confirmations where agency_id = ${agencies.id} and kind = 'yearly')`
}
const inList = (column: typeof officers.id | typeof certificates.number, name: string) => sql`${column} in (select value from json_each(${sql.placeholder(name)}))`

export const eligibilityRepository = byEngine({
  /** The officers among `ids` in `scope`, every certificate of theirs (any status and agency) and those certificates' agencies. */
  facts: async (db: SqliteDb, scope: Scope, ids: number[]): Promise<Facts> => {
    const { query, params } = onceInScope(db, Q.byOfficers, scope, (inScope) => db.select(FLAT).from(officers)
      .leftJoin(certificates, eq(certificates.officerId, officers.id))
      .leftJoin(agencies, eq(agencies.id, certificates.agencyId))
      .where(and(inList(officers.id, 'ids'), inScope(officers.agencyId)))
      .orderBy(asc(officers.id), asc(certificates.id)).prepare())
    return splitFacts(query.all({ ids: JSON.stringify(ids), ...params }) as FlatRow[])
  },

  /** The certificates with these numbers issued by an agency in `scope`, their holders (wherever
   *  they now serve) and agencies. */
  factsByNumbers: async (db: SqliteDb, scope: Scope, numbers: string[]): Promise<Facts> => {
    const { query, params } = onceInScope(db, Q.byNumbers, scope, (inScope) => db.select(FLAT).from(certificates)
      .innerJoin(officers, eq(officers.id, certificates.officerId))
      .innerJoin(agencies, eq(agencies.id, certificates.agencyId))
      .where(and(inList(certificates.number, 'numbers'), inScope(certificates.agencyId)))
      .orderBy(asc(certificates.id)).prepare())
    return splitFacts(query.all({ numbers: JSON.stringify(numbers), ...params }) as FlatRow[])
  },

  /** The status events of these certificates, in order (for a past instant). */
  events: async (db: SqliteDb, certificateIds: number[]): Promise<EventRow[]> =>
    db.select({ certificateId: certificateEvents.certificateId, toStatus: certificateEvents.toStatus, at: certificateEvents.at }).from(certificateEvents)
      .where(inArray(certificateEvents.certificateId, certificateIds)).orderBy(asc(certificateEvents.id)).all()
}, pgEligibilityRepository)
