// Checks of the data itself, for the nightly run: rows that break a rule the service enforces
// on every write. Any hit means a write bypassed the service (a manual fix, an old import).
import { and, asc, eq, gt, inArray, notExists, or, sql } from 'drizzle-orm'
import type { Db } from '../../db/open.js'
import { agencies, agencyConfirmations, certificates, examResults, officerMoves, officers } from '../../db/schema.js'
import { moveRecordableOn } from '../../domain/certificates.js'
import type { IsoDate } from '../../domain/dates.js'

/** `today`: the day the check runs (Asia/Shanghai), for what may not be dated after it. */
export function brokenInvariants (db: Db, today: IsoDate) {
  const live = inArray(certificates.status, ['active', 'suspended'])
  return {
    /** Rule 2 as recorded (domain moveRecordableOn): a transfer or departure is recorded once it
     *  has happened. One dated after today was recorded ahead (before DATE_IN_FUTURE was
     *  checked, or behind the service's back): the officer shows as gone and the cards as
     *  cancelled while still at the post. */
    movesDatedAfterToday: db.select({ moveId: officerMoves.id, officerId: officerMoves.officerId, kind: officerMoves.kind, date: officerMoves.date })
      .from(officerMoves).where(and(inArray(officerMoves.kind, ['transfer', 'departure']), gt(officerMoves.date, today)))
      .orderBy(asc(officerMoves.id)).all()
      .filter((m) => !moveRecordableOn(m.date, today)), // the SQL reads only the candidates; the rule decides
    /** Rule 2: a departed officer holds an active or suspended certificate. */
    departedWithLiveCertificate: db.select({ certificateId: certificates.id, number: certificates.number, officerId: officers.id })
      .from(certificates).innerJoin(officers, eq(officers.id, certificates.officerId))
      .where(and(live, eq(officers.status, 'departed'))).all(),
    /** Rule 1: an auxiliary or police officer holds an active or suspended certificate. */
    auxiliaryOrPoliceWithLiveCertificate: db.select({ certificateId: certificates.id, number: certificates.number, officerId: officers.id })
      .from(certificates).innerJoin(officers, eq(officers.id, certificates.officerId))
      .where(and(live, or(eq(officers.auxiliary, true), eq(officers.police, true)))).all(),
    /** Rule 1: an active certificate whose holder has no passed exam. */
    liveCertificateWithoutPassedExam: db.select({ certificateId: certificates.id, number: certificates.number, officerId: certificates.officerId })
      .from(certificates)
      .where(and(eq(certificates.status, 'active'), notExists(
        db.select({ one: sql`1` }).from(examResults).where(and(eq(examResults.officerId, certificates.officerId), eq(examResults.passed, true)))
      ))).all()
  }
}

/** Rule 5: active agencies with no confirmation for `year`. */
export function unconfirmedAgencies (db: Db, year: number) {
  return db.select({ agencyId: agencies.id, name: agencies.name }).from(agencies)
    .where(and(eq(agencies.status, 'active'), notExists(
      db.select({ one: sql`1` }).from(agencyConfirmations).where(and(eq(agencyConfirmations.agencyId, agencies.id), eq(agencyConfirmations.year, year)))
    ))).orderBy(agencies.id).all()
}
