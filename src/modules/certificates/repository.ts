// Certificates, their status history, card recalls and number sequences in SQL.
import { and, asc, desc, eq, gt, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm'
import { byEngine, type SqliteDb } from '../../db/engine.js'
import { agencies, cardCustodies, cardRecalls, certificateEvents, certificateSequences, certificates, examResults, exams, officers } from '../../db/schema.js'
import { inScopeWhere, onceInScope } from '../../db/scope.js'
import { effectiveStatusIs, LIVE, liveOn } from '../../db/certificate-sql.js'
import { insertPlaceholders, once, queryKeys, setPlaceholders } from '../../db/sqlite/prepared.js'
import type { Scope } from '../../security/roles.js'
import { pgCertificateRepository } from './pg-repository.js'
import type { CertificateFilter, CertificateRow, NewCertificate, NewCertificateColumns, RecallRow } from './rows.js'

export type { CertificateFilter, CertificateRow, NewCertificate, NewCertificateColumns, RecallRow } from './rows.js'

/** The keys of this repository's prepared queries (db/sqlite/prepared). */
const Q = queryKeys('certificates', ['holder', 'findById', 'live', 'liveAt', 'insert', 'setStatus', 'nextSequence', 'hasPassedExam', 'lastRevokedAt', 'lastPassedExamOn', 'insertEvent', 'insertRecall', 'openRecall', 'closeRecall', 'findForVerification'])

const EVENT_COLUMNS = ['certificateId', 'action', 'fromStatus', 'toStatus', 'reason', 'until', 'actor', 'at'] as const
/** NewCertificate's columns (rows.ts), every one and in its order: the prepared insert's placeholders. */
const NEW_CERTIFICATE_COLUMNS: NewCertificateColumns = ['number', 'officerId', 'agencyId', 'domains', 'issuedOn', 'validUntil', 'status', 'createdAt']

// liveOn lives in db/ so the agencies repository can use it without importing this module
// (which the certificates service, using the agencies repository, would make a circle).
export { liveOn }

export const certificateRepository = byEngine({
  /** The officer a certificate would be issued to, what rule 1 asks of them, when in scope. (Read
   *  here rather than through the officers module, which uses this one to cancel cards.) */
  holder: async (db: SqliteDb, scope: Scope, officerId: number) => {
    const { query, params } = onceInScope(db, Q.holder, scope, (inScope) => db.select({
      id: officers.id, agencyId: officers.agencyId, status: officers.status, auxiliary: officers.auxiliary, police: officers.police
    }).from(officers).where(and(eq(officers.id, sql.placeholder('id')), inScope(officers.agencyId))).prepare())
    return query.get({ id: officerId, ...params })
  },

  findById: async (db: SqliteDb, scope: Scope, id: number) => {
    const { query, params } = onceInScope(db, Q.findById, scope, (inScope) => db.select().from(certificates)
      .where(and(eq(certificates.id, sql.placeholder('id')), inScope(certificates.agencyId))).prepare())
    return query.get({ id, ...params })
  },

  /** Certificates in scope; `status` is the status as it stands on `today` (domain effectiveStatus). */
  list: async (db: SqliteDb, scope: Scope, f: CertificateFilter, today: string, afterId: number, limit: number) => {
    const where: Array<SQL | undefined> = [gt(certificates.id, afterId), inScopeWhere(scope, certificates.agencyId)]
    if (f.officerId !== undefined) where.push(eq(certificates.officerId, f.officerId))
    if (f.agencyId !== undefined) where.push(eq(certificates.agencyId, f.agencyId))
    if (f.status) where.push(effectiveStatusIs(f.status, today))
    return db.select().from(certificates).where(and(...where)).orderBy(asc(certificates.id)).limit(limit).all()
  },

  /** Active or suspended certificates of an officer (at one agency, when given). */
  live: async (db: SqliteDb, officerId: number, agencyId?: number) => agencyId === undefined
    ? once(db, Q.live, () => db.select().from(certificates)
      .where(and(eq(certificates.officerId, sql.placeholder('officerId')), inArray(certificates.status, [...LIVE]))).orderBy(asc(certificates.id)).prepare())
      .all({ officerId })
    : once(db, Q.liveAt, () => db.select().from(certificates)
      .where(and(eq(certificates.officerId, sql.placeholder('officerId')), inArray(certificates.status, [...LIVE]), eq(certificates.agencyId, sql.placeholder('agencyId'))))
      .orderBy(asc(certificates.id)).prepare())
      .all({ officerId, agencyId }),

  insert: async (db: SqliteDb, v: NewCertificate): Promise<CertificateRow> => once(db, Q.insert, () => db.insert(certificates)
    .values(insertPlaceholders(certificates, NEW_CERTIFICATE_COLUMNS)).returning().prepare())
    .get(v) as CertificateRow,

  setStatus: async (db: SqliteDb, id: number, v: { status: CertificateRow['status'], statusReason: string | null, suspendedUntil: string | null, heldSince: string | null, updatedAt: string }): Promise<CertificateRow | undefined> =>
    once(db, Q.setStatus, () => db.update(certificates)
      .set({ ...setPlaceholders(['status', 'statusReason', 'suspendedUntil', 'heldSince', 'updatedAt'] as const), version: sql`${certificates.version} + 1` })
      .where(eq(certificates.id, sql.placeholder('id'))).returning().prepare())
      .get({ ...v, id }) as CertificateRow | undefined,

  /** Reserves the next sequence number for a region and year (atomic inside the write transaction). */
  nextSequence: async (db: SqliteDb, regionCode: string, year: number): Promise<number> =>
    (once(db, Q.nextSequence, () => db.insert(certificateSequences).values({ regionCode: sql.placeholder('regionCode'), year: sql.placeholder('year'), lastSeq: 1 })
      .onConflictDoUpdate({ target: [certificateSequences.regionCode, certificateSequences.year], set: { lastSeq: sql`${certificateSequences.lastSeq} + 1` } })
      .returning({ seq: certificateSequences.lastSeq }).prepare())
      .get({ regionCode, year }) as { seq: number }).seq,

  /** Whether the officer passed an exam held on or before `day` (a result of a later exam can
   *  only be a mistake: nobody has sat it yet). */
  hasPassedExam: async (db: SqliteDb, officerId: number, day: string) => once(db, Q.hasPassedExam, () => db.select({ id: examResults.id }).from(examResults)
    .innerJoin(exams, eq(exams.id, examResults.examId))
    .where(and(eq(examResults.officerId, sql.placeholder('officerId')), eq(examResults.passed, true), lte(exams.date, sql.placeholder('day')))).limit(1).prepare())
    .get({ officerId, day }) !== undefined,

  /** The Shanghai-time instant (RFC 3339, UTC) of the last revocation (吊销) of any card of the
   *  officer, or null. */
  lastRevokedAt: async (db: SqliteDb, officerId: number): Promise<string | null> => once(db, Q.lastRevokedAt, () => db.select({ at: sql<string | null>`max(${certificateEvents.at})` })
    .from(certificateEvents).innerJoin(certificates, eq(certificates.id, certificateEvents.certificateId))
    .where(and(eq(certificates.officerId, sql.placeholder('officerId')), eq(certificateEvents.action, 'revoke'))).prepare())
    .get({ officerId })?.at ?? null,

  /** The day of the latest exam held on or before `day` that the officer passed, or null. */
  lastPassedExamOn: async (db: SqliteDb, officerId: number, day: string): Promise<string | null> => once(db, Q.lastPassedExamOn, () => db.select({ date: sql<string | null>`max(${exams.date})` }).from(examResults)
    .innerJoin(exams, eq(exams.id, examResults.examId))
    .where(and(eq(examResults.officerId, sql.placeholder('officerId')), eq(examResults.passed, true), lte(exams.date, sql.placeholder('day')))).prepare())
    .get({ officerId, day })?.date ?? null,

  /** Opens the custody of a suspended card (暂扣). */
  openCustody: async (db: SqliteDb, certificateId: number, heldSince: string, createdAt: string): Promise<void> => { db.insert(cardCustodies).values({ certificateId, heldSince, createdAt }).run() },
  /** Ends the open custody of a card: returned (reinstated) or retained (revoked or cancelled while held). */
  endCustody: async (db: SqliteDb, certificateId: number, endedOn: string, outcome: 'returned' | 'retained'): Promise<void> => {
    db.update(cardCustodies).set({ endedOn, outcome }).where(and(eq(cardCustodies.certificateId, certificateId), isNull(cardCustodies.endedOn))).run()
  },
  custodies: async (db: SqliteDb, certificateId: number) =>
    db.select().from(cardCustodies).where(eq(cardCustodies.certificateId, certificateId)).orderBy(desc(cardCustodies.id)).all(),

  insertEvent: async (db: SqliteDb, v: typeof certificateEvents.$inferInsert): Promise<void> => {
    once(db, Q.insertEvent, () => db.insert(certificateEvents).values(insertPlaceholders(certificateEvents, EVENT_COLUMNS)).prepare())
      .run(Object.fromEntries(EVENT_COLUMNS.map((c) => [c, v[c] ?? null])))
  },
  events: async (db: SqliteDb, certificateId: number) =>
    db.select().from(certificateEvents).where(eq(certificateEvents.certificateId, certificateId)).orderBy(asc(certificateEvents.id)).all(),

  insertRecall: async (db: SqliteDb, v: { certificateId: number, reason: string, openedOn: string, createdAt: string }): Promise<RecallRow> => once(db, Q.insertRecall, () => db.insert(cardRecalls)
    .values(insertPlaceholders(cardRecalls, ['certificateId', 'reason', 'openedOn', 'createdAt'])).returning().prepare())
    .get(v) as RecallRow,
  recalls: async (db: SqliteDb, certificateId: number) =>
    db.select().from(cardRecalls).where(eq(cardRecalls.certificateId, certificateId)).orderBy(desc(cardRecalls.id)).all(),
  openRecall: async (db: SqliteDb, certificateId: number): Promise<RecallRow | undefined> => once(db, Q.openRecall, () => db.select().from(cardRecalls)
    .where(and(eq(cardRecalls.certificateId, sql.placeholder('certificateId')), eq(cardRecalls.status, 'open'), isNull(cardRecalls.closedOn))).prepare())
    .get({ certificateId }),
  closeRecall: async (db: SqliteDb, id: number, v: { status: 'recovered' | 'lost', closedOn: string, note: string | null }): Promise<RecallRow | undefined> => once(db, Q.closeRecall, () => db.update(cardRecalls)
    .set(setPlaceholders(['status', 'closedOn', 'note'] as const)).where(eq(cardRecalls.id, sql.placeholder('id'))).returning().prepare())
    .get({ ...v, id }) as RecallRow | undefined,

  /** What the public verification page shows: the certificate, its agency's name, the holder's name. */
  findForVerification: async (db: SqliteDb, number: string) => once(db, Q.findForVerification, () => db.select({
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
    .where(eq(certificates.number, sql.placeholder('number'))).prepare())
    .get({ number })
}, pgCertificateRepository)
