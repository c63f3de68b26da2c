// The reads behind POST /v1/eligibility on PostgreSQL (SQLite: repository.ts), the same facts in
// one statement per request (and the status events for a past instant).
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'
import { agencies, certificateEvents, certificates, officers } from '../../db/pg/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'
import { splitFacts, type EventRow, type Facts, type FlatRow } from './rows.js'

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
  years: sql<number[] | null>`array(select year from agency_confirmations where agency_id = ${agencies.id} and kind = 'yearly')`
}

export const pgEligibilityRepository = {
  facts: async (db: PgDb, scope: Scope, ids: number[]): Promise<Facts> => splitFacts(await db.select(FLAT).from(officers)
    .leftJoin(certificates, eq(certificates.officerId, officers.id))
    .leftJoin(agencies, eq(agencies.id, certificates.agencyId))
    .where(and(inArray(officers.id, ids), inScopeWhere(scope, officers.agencyId)))
    .orderBy(asc(officers.id), asc(certificates.id)) as FlatRow[]),

  factsByNumbers: async (db: PgDb, scope: Scope, numbers: string[]): Promise<Facts> => splitFacts(await db.select(FLAT).from(certificates)
    .innerJoin(officers, eq(officers.id, certificates.officerId))
    .innerJoin(agencies, eq(agencies.id, certificates.agencyId))
    .where(and(inArray(certificates.number, numbers), inScopeWhere(scope, certificates.agencyId)))
    .orderBy(asc(certificates.id)) as FlatRow[]),

  events: async (db: PgDb, certificateIds: number[]): Promise<EventRow[]> =>
    await db.select({ certificateId: certificateEvents.certificateId, toStatus: certificateEvents.toStatus, at: certificateEvents.at }).from(certificateEvents)
      .where(inArray(certificateEvents.certificateId, certificateIds)).orderBy(asc(certificateEvents.id))
}
