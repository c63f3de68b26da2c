// Certificates, their status history, card recalls and number sequences on PostgreSQL (the
// SQLite ones: repository.ts): the same reads and writes, each query built per call.
import { and, asc, desc, eq, gt, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'
import { agencies, cardCustodies, cardRecalls, certificateEvents, certificateSequences, certificates, examResults, exams, officers } from '../../db/pg/schema.js'
import type * as sqlite from '../../db/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import { effectiveStatusIs, LIVE } from '../../db/certificate-sql.js'
import type { Scope } from '../../security/roles.js'
import type { CertificateFilter, CertificateRow, NewCertificate, RecallRow } from './rows.js'

export const pgCertificateRepository = {
  holder: async (db: PgDb, scope: Scope, officerId: number) => {
    const [row] = await db.select({ id: officers.id, agencyId: officers.agencyId, status: officers.status, auxiliary: officers.auxiliary, police: officers.police })
      .from(officers).where(and(eq(officers.id, officerId), inScopeWhere(scope, officers.agencyId))).limit(1)
    return row
  },

  findById: async (db: PgDb, scope: Scope, id: number): Promise<CertificateRow | undefined> => {
    const [row] = await db.select().from(certificates).where(and(eq(certificates.id, id), inScopeWhere(scope, certificates.agencyId))).limit(1)
    return row
  },

  list: async (db: PgDb, scope: Scope, f: CertificateFilter, today: string, afterId: number, limit: number): Promise<CertificateRow[]> => {
    const where: Array<SQL | undefined> = [gt(certificates.id, afterId), inScopeWhere(scope, certificates.agencyId)]
    if (f.officerId !== undefined) where.push(eq(certificates.officerId, f.officerId))
    if (f.agencyId !== undefined) where.push(eq(certificates.agencyId, f.agencyId))
    if (f.status) where.push(effectiveStatusIs(f.status, today, certificates))
    return await db.select().from(certificates).where(and(...where)).orderBy(asc(certificates.id)).limit(limit)
  },

  live: async (db: PgDb, officerId: number, agencyId?: number): Promise<CertificateRow[]> =>
    await db.select().from(certificates)
      .where(and(eq(certificates.officerId, officerId), inArray(certificates.status, [...LIVE]), agencyId === undefined ? undefined : eq(certificates.agencyId, agencyId)))
      .orderBy(asc(certificates.id)),

  insert: async (db: PgDb, v: NewCertificate): Promise<CertificateRow> => {
    const { number, officerId, agencyId, domains, issuedOn, validUntil, status, createdAt } = v
    const [row] = await db.insert(certificates).values({ number, officerId, agencyId, domains, issuedOn, validUntil, status, createdAt }).returning()
    if (row === undefined) throw new Error('insert into certificates returned no row')
    return row
  },

  setStatus: async (db: PgDb, id: number, v: { status: CertificateRow['status'], statusReason: string | null, suspendedUntil: string | null, heldSince: string | null, updatedAt: string }): Promise<CertificateRow | undefined> => {
    const { status, statusReason, suspendedUntil, heldSince, updatedAt } = v
    const [row] = await db.update(certificates).set({ status, statusReason, suspendedUntil, heldSince, updatedAt, version: sql`${certificates.version} + 1` })
      .where(eq(certificates.id, id)).returning()
    return row
  },

  nextSequence: async (db: PgDb, regionCode: string, year: number): Promise<number> => {
    const [row] = await db.insert(certificateSequences).values({ regionCode, year, lastSeq: 1 })
      .onConflictDoUpdate({ target: [certificateSequences.regionCode, certificateSequences.year], set: { lastSeq: sql`${certificateSequences.lastSeq} + 1` } })
      .returning({ seq: certificateSequences.lastSeq })
    if (row === undefined) throw new Error('certificate_sequences returned no row')
    return row.seq
  },

  hasPassedExam: async (db: PgDb, officerId: number, day: string): Promise<boolean> => {
    const rows = await db.select({ id: examResults.id }).from(examResults).innerJoin(exams, eq(exams.id, examResults.examId))
      .where(and(eq(examResults.officerId, officerId), eq(examResults.passed, true), lte(exams.date, day))).limit(1)
    return rows.length > 0
  },

  lastRevokedAt: async (db: PgDb, officerId: number): Promise<string | null> => {
    const [row] = await db.select({ at: sql<string | null>`max(${certificateEvents.at})` })
      .from(certificateEvents).innerJoin(certificates, eq(certificates.id, certificateEvents.certificateId))
      .where(and(eq(certificates.officerId, officerId), eq(certificateEvents.action, 'revoke')))
    return row?.at ?? null
  },

  lastPassedExamOn: async (db: PgDb, officerId: number, day: string): Promise<string | null> => {
    const [row] = await db.select({ date: sql<string | null>`max(${exams.date})` }).from(examResults).innerJoin(exams, eq(exams.id, examResults.examId))
      .where(and(eq(examResults.officerId, officerId), eq(examResults.passed, true), lte(exams.date, day)))
    return row?.date ?? null
  },

  openCustody: async (db: PgDb, certificateId: number, heldSince: string, createdAt: string): Promise<void> => {
    await db.insert(cardCustodies).values({ certificateId, heldSince, createdAt })
  },
  endCustody: async (db: PgDb, certificateId: number, endedOn: string, outcome: 'returned' | 'retained'): Promise<void> => {
    await db.update(cardCustodies).set({ endedOn, outcome }).where(and(eq(cardCustodies.certificateId, certificateId), isNull(cardCustodies.endedOn)))
  },
  custodies: async (db: PgDb, certificateId: number) =>
    await db.select().from(cardCustodies).where(eq(cardCustodies.certificateId, certificateId)).orderBy(desc(cardCustodies.id)),

  insertEvent: async (db: PgDb, v: typeof sqlite.certificateEvents.$inferInsert): Promise<void> => {
    const { certificateId, action, fromStatus, toStatus, reason, until, actor, at } = v
    await db.insert(certificateEvents).values({ certificateId, action, fromStatus, toStatus, reason, until, actor, at })
  },
  events: async (db: PgDb, certificateId: number) =>
    await db.select().from(certificateEvents).where(eq(certificateEvents.certificateId, certificateId)).orderBy(asc(certificateEvents.id)),

  insertRecall: async (db: PgDb, v: { certificateId: number, reason: string, openedOn: string, createdAt: string }): Promise<RecallRow> => {
    const { certificateId, reason, openedOn, createdAt } = v
    const [row] = await db.insert(cardRecalls).values({ certificateId, reason, openedOn, createdAt }).returning()
    if (row === undefined) throw new Error('insert into card_recalls returned no row')
    return row
  },
  recalls: async (db: PgDb, certificateId: number): Promise<RecallRow[]> =>
    await db.select().from(cardRecalls).where(eq(cardRecalls.certificateId, certificateId)).orderBy(desc(cardRecalls.id)),
  openRecall: async (db: PgDb, certificateId: number): Promise<RecallRow | undefined> => {
    const [row] = await db.select().from(cardRecalls)
      .where(and(eq(cardRecalls.certificateId, certificateId), eq(cardRecalls.status, 'open'), isNull(cardRecalls.closedOn))).limit(1)
    return row
  },
  closeRecall: async (db: PgDb, id: number, v: { status: 'recovered' | 'lost', closedOn: string, note: string | null }): Promise<RecallRow | undefined> => {
    const { status, closedOn, note } = v
    const [row] = await db.update(cardRecalls).set({ status, closedOn, note }).where(eq(cardRecalls.id, id)).returning()
    return row
  },

  findForVerification: async (db: PgDb, number: string) => {
    const [row] = await db.select({
      number: certificates.number,
      status: certificates.status,
      validUntil: certificates.validUntil,
      issuedOn: certificates.issuedOn,
      domains: certificates.domains,
      agencyName: agencies.name,
      holderName: officers.name
    }).from(certificates)
      .innerJoin(agencies, eq(agencies.id, certificates.agencyId))
      .innerJoin(officers, eq(officers.id, certificates.officerId))
      .where(eq(certificates.number, number)).limit(1)
    return row
  }
}
