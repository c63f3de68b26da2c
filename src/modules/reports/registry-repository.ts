// Reads behind the staffing and certificates reports and the nightly checks of the data itself
// (registry-reports.ts, invariants.ts): the SQL narrows to candidates, the domain rules decide.
import { and, asc, eq, gt, gte, inArray, isNotNull, lt, lte, notExists, or, sql } from 'drizzle-orm'
import { byEngine, type SqliteDb } from '../../db/engine.js'
import { agencies, assessments, cardRecalls, certificates, examResults, officerMoves, officers } from '../../db/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'
import { liveOn } from '../certificates/repository.js'
import { pgRegistryRepository } from './pg-registry-repository.js'
import type { CertificateRow } from './registry-rows.js'

export type { CertificateRow } from './registry-rows.js'

const live = () => inArray(certificates.status, ['active', 'suspended'])

export const registryRepository = byEngine({
  /** Active agencies in scope, by id: id, name, materialised path. */
  activeAgencies: async (db: SqliteDb, scope: Scope) =>
    db.select({ id: agencies.id, name: agencies.name, path: agencies.path }).from(agencies)
      .where(and(eq(agencies.status, 'active'), inScopeWhere(scope, agencies.id))).orderBy(asc(agencies.id)).all(),

  /** Suspended certificates in scope whose set end is before `today`, oldest end first. */
  suspendedUntilBefore: async (db: SqliteDb, scope: Scope, today: string): Promise<CertificateRow[]> =>
    db.select().from(certificates).where(and(
      eq(certificates.status, 'suspended'), lt(certificates.suspendedUntil, today), inScopeWhere(scope, certificates.agencyId)
    )).orderBy(asc(certificates.suspendedUntil), asc(certificates.id)).all(),

  /** Active or suspended certificates in scope whose last valid day is from `from` to `until`, soonest first. */
  liveEndingBetween: async (db: SqliteDb, scope: Scope, from: string, until: string): Promise<CertificateRow[]> =>
    db.select().from(certificates).where(and(
      live(), gte(certificates.validUntil, from), lte(certificates.validUntil, until), inScopeWhere(scope, certificates.agencyId)
    )).orderBy(asc(certificates.validUntil), asc(certificates.id)).all(),

  /** Open card recalls of certificates in scope, with their certificate, oldest first. */
  openRecalls: async (db: SqliteDb, scope: Scope) =>
    db.select({ c: certificates, r: cardRecalls }).from(cardRecalls)
      .innerJoin(certificates, eq(certificates.id, cardRecalls.certificateId))
      .where(and(eq(cardRecalls.status, 'open'), inScopeWhere(scope, certificates.agencyId)))
      .orderBy(asc(cardRecalls.openedOn), asc(cardRecalls.id)).all(),

  /** Certificates in scope whose card is held (暂扣收存), longest held first. */
  heldCards: async (db: SqliteDb, scope: Scope): Promise<CertificateRow[]> =>
    db.select().from(certificates).where(and(isNotNull(certificates.heldSince), inScopeWhere(scope, certificates.agencyId)))
      .orderBy(asc(certificates.heldSince), asc(certificates.id)).all(),

  /** Transfers and departures dated after `today`, by id. */
  movesDatedAfter: async (db: SqliteDb, today: string) =>
    db.select({ moveId: officerMoves.id, officerId: officerMoves.officerId, kind: officerMoves.kind, date: officerMoves.date })
      .from(officerMoves).where(and(inArray(officerMoves.kind, ['transfer', 'departure']), gt(officerMoves.date, today)))
      .orderBy(asc(officerMoves.id)).all(),

  /** Active or suspended certificates held by a departed officer. */
  liveHeldByDeparted: async (db: SqliteDb) =>
    db.select({ certificateId: certificates.id, number: certificates.number, officerId: officers.id })
      .from(certificates).innerJoin(officers, eq(officers.id, certificates.officerId))
      .where(and(live(), eq(officers.status, 'departed'))).all(),

  /** Active or suspended certificates held by an auxiliary or police officer. */
  liveHeldByAuxiliaryOrPolice: async (db: SqliteDb) =>
    db.select({ certificateId: certificates.id, number: certificates.number, officerId: officers.id })
      .from(certificates).innerJoin(officers, eq(officers.id, certificates.officerId))
      .where(and(live(), or(eq(officers.auxiliary, true), eq(officers.police, true)))).all(),

  /** Active certificates whose holder has no passed exam. */
  activeWithoutPassedExam: async (db: SqliteDb) =>
    db.select({ certificateId: certificates.id, number: certificates.number, officerId: certificates.officerId })
      .from(certificates)
      .where(and(eq(certificates.status, 'active'), notExists(
        db.select({ one: sql`1` }).from(examResults).where(and(eq(examResults.officerId, certificates.officerId), eq(examResults.passed, true)))
      ))).all(),

  /** Every active agency, by id, with when it began to await 重新确认 (null: it does not). */
  activeAgenciesForConfirmation: async (db: SqliteDb) =>
    db.select({ agencyId: agencies.id, name: agencies.name, reconfirmationDueSince: agencies.reconfirmationDueSince })
      .from(agencies).where(eq(agencies.status, 'active')).orderBy(agencies.id).all(),

  /** Active officers graded 不称职 in `year` holding a certificate live on `today`, with it. */
  incompetentHoldingLive: async (db: SqliteDb, year: number, today: string) =>
    db.select({ officerId: officers.id, name: officers.name, agencyId: certificates.agencyId, certificateId: certificates.id, number: certificates.number, grade: assessments.grade, gradeYear: assessments.year })
      .from(assessments)
      .innerJoin(officers, eq(officers.id, assessments.officerId))
      .innerJoin(certificates, and(eq(certificates.officerId, officers.id), liveOn(today)))
      .where(and(eq(assessments.year, year), eq(assessments.grade, 'incompetent'), eq(officers.status, 'active')))
      .orderBy(asc(officers.id), asc(certificates.id)).all()
}, pgRegistryRepository)
