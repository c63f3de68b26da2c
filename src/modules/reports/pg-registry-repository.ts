// The reads behind the staffing and certificates reports and the nightly checks, on PostgreSQL
// (the SQLite ones: registry-repository.ts): the same queries, through drizzle's pg builder.
import { and, asc, eq, gt, gte, inArray, isNotNull, lt, lte, notExists, or, sql } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'
import { LIVE, liveOn as liveOnTable } from '../../db/certificate-sql.js'
import { agencies, assessments, cardRecalls, certificates, examResults, officerMoves, officers } from '../../db/pg/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'
import type { CertificateRow } from './registry-rows.js'

const live = () => inArray(certificates.status, [...LIVE])

/** liveOn of db/certificate-sql, over PostgreSQL's certificates. */
const liveOn = (today: string) => liveOnTable(today, certificates)

export const pgRegistryRepository = {
  activeAgencies: async (db: PgDb, scope: Scope) =>
    await db.select({ id: agencies.id, name: agencies.name, path: agencies.path }).from(agencies)
      .where(and(eq(agencies.status, 'active'), inScopeWhere(scope, agencies.id))).orderBy(asc(agencies.id)),

  suspendedUntilBefore: async (db: PgDb, scope: Scope, today: string): Promise<CertificateRow[]> =>
    await db.select().from(certificates).where(and(
      eq(certificates.status, 'suspended'), lt(certificates.suspendedUntil, today), inScopeWhere(scope, certificates.agencyId)
    )).orderBy(asc(certificates.suspendedUntil), asc(certificates.id)),

  liveEndingBetween: async (db: PgDb, scope: Scope, from: string, until: string): Promise<CertificateRow[]> =>
    await db.select().from(certificates).where(and(
      live(), gte(certificates.validUntil, from), lte(certificates.validUntil, until), inScopeWhere(scope, certificates.agencyId)
    )).orderBy(asc(certificates.validUntil), asc(certificates.id)),

  openRecalls: async (db: PgDb, scope: Scope) =>
    await db.select({ c: certificates, r: cardRecalls }).from(cardRecalls)
      .innerJoin(certificates, eq(certificates.id, cardRecalls.certificateId))
      .where(and(eq(cardRecalls.status, 'open'), inScopeWhere(scope, certificates.agencyId)))
      .orderBy(asc(cardRecalls.openedOn), asc(cardRecalls.id)),

  heldCards: async (db: PgDb, scope: Scope): Promise<CertificateRow[]> =>
    await db.select().from(certificates).where(and(isNotNull(certificates.heldSince), inScopeWhere(scope, certificates.agencyId)))
      .orderBy(asc(certificates.heldSince), asc(certificates.id)),

  movesDatedAfter: async (db: PgDb, today: string) =>
    await db.select({ moveId: officerMoves.id, officerId: officerMoves.officerId, kind: officerMoves.kind, date: officerMoves.date })
      .from(officerMoves).where(and(inArray(officerMoves.kind, ['transfer', 'departure']), gt(officerMoves.date, today)))
      .orderBy(asc(officerMoves.id)),

  // SQLite gives these two in the order of its plan, which no caller relies on; here by
  // certificate id, so the answer is the same from one run to the next.
  liveHeldByDeparted: async (db: PgDb) =>
    await db.select({ certificateId: certificates.id, number: certificates.number, officerId: officers.id })
      .from(certificates).innerJoin(officers, eq(officers.id, certificates.officerId))
      .where(and(live(), eq(officers.status, 'departed'))).orderBy(asc(certificates.id)),

  liveHeldByAuxiliaryOrPolice: async (db: PgDb) =>
    await db.select({ certificateId: certificates.id, number: certificates.number, officerId: officers.id })
      .from(certificates).innerJoin(officers, eq(officers.id, certificates.officerId))
      .where(and(live(), or(eq(officers.auxiliary, true), eq(officers.police, true)))).orderBy(asc(certificates.id)),

  activeWithoutPassedExam: async (db: PgDb) =>
    await db.select({ certificateId: certificates.id, number: certificates.number, officerId: certificates.officerId })
      .from(certificates)
      .where(and(eq(certificates.status, 'active'), notExists(
        db.select({ one: sql`1` }).from(examResults).where(and(eq(examResults.officerId, certificates.officerId), eq(examResults.passed, true)))
      ))).orderBy(asc(certificates.id)),

  activeAgenciesForConfirmation: async (db: PgDb) =>
    await db.select({ agencyId: agencies.id, name: agencies.name, reconfirmationDueSince: agencies.reconfirmationDueSince })
      .from(agencies).where(eq(agencies.status, 'active')).orderBy(agencies.id),

  incompetentHoldingLive: async (db: PgDb, year: number, today: string) =>
    await db.select({ officerId: officers.id, name: officers.name, agencyId: certificates.agencyId, certificateId: certificates.id, number: certificates.number, grade: assessments.grade, gradeYear: assessments.year })
      .from(assessments)
      .innerJoin(officers, eq(officers.id, assessments.officerId))
      .innerJoin(certificates, and(eq(certificates.officerId, officers.id), liveOn(today)))
      .where(and(eq(assessments.year, year), eq(assessments.grade, 'incompetent'), eq(officers.status, 'active')))
      .orderBy(asc(officers.id), asc(certificates.id))
}
