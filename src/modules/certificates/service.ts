// 行政执法证件: issue under rule 1, the status machine, history and card recalls.
import { certificateEligibility, domainsNotHeld, effectiveStatus, replacedByNewCard, requalificationRequired, type CertificateAction, validUntilFor } from '../../domain/certificates.js'
import { confirmationStanding } from '../../domain/confirmation.js'
import { formatCertificateNumber, MAX_SEQUENCE } from '../../domain/certificate-number.js'
import { compareDates, shanghaiDate, yearOf } from '../../domain/dates.js'
import type { Db } from '../../db/store.js'
import { fail } from '../../errors.js'
import type { Actor } from '../../security/roles.js'
import { appendAudit } from '../audit/repository.js'
import { agencyRepository } from '../agencies/repository.js'
import type { ServiceContext } from '../context.js'
import { transition, type TransitionInput } from './lifecycle.js'
import { certificateRepository, type CertificateFilter, type CertificateRow } from './repository.js'

/** Why an expired card was cancelled: a new one was issued at the same agency (换发). */
export const RENEWAL_REASON = 'renewal'

export interface IssueInput { officerId: number, agencyId: number, domains?: string[] | undefined }

/** The certificate as answered: the stored status, and `status` as it stands today (expired derived). */
export function presentCertificate (row: CertificateRow, today: string) {
  return { ...row, storedStatus: row.status, status: effectiveStatus(row.status, row.validUntil, today) }
}

/** What a clerk does about AGENCY_NOT_CONFIRMED: the year lacking, and the route that records it. */
function notConfirmedDetail (agencyId: number, year: number, graceUntil: string): string {
  const [month, day] = graceUntil.split('-').map(Number)
  return `agency ${agencyId} has no confirmation for ${year} (last year's stands only until ${graceUntil}): record it with POST /v1/agencies/${agencyId}/confirmations / ` +
    `该执法主体未登记 ${year} 年度确认公告（上年度确认仅至 ${month ?? ''}月${day ?? ''}日），请先通过 POST /v1/agencies/${agencyId}/confirmations 登记`
}

export function certificatesService ({ store, config, clock }: ServiceContext) {
  const load = async (db: Db, actor: Actor, id: number) => (await certificateRepository.findById(db, actor.scope, id)) ?? fail('NOT_FOUND', `certificate ${id} not found`)
  const today = () => shanghaiDate(clock())

  return {
    /** Issues a certificate when every rule holds (rule 1); a card of the officer at this agency
     *  that has expired is cancelled in the same transaction (reason RENEWAL_REASON, recall
     *  opened). Refusals: NOT_FOUND / AGENCY_OUT_OF_SCOPE, OFFICER_DEPARTED, AGENCY_NOT_ACTIVE,
     *  AGENCY_NOT_CONFIRMED (neither this year's confirmation nor last year's within the grace
     *  period), OFFICER_AUXILIARY, OFFICER_POLICE, EXAM_NOT_PASSED, REQUALIFICATION_REQUIRED (a
     *  card of theirs was revoked after their last passed exam), CERTIFICATE_EXISTS (a card still
     *  active or suspended), DOMAIN_NOT_HELD. */
    async issue (actor: Actor, input: IssueInput) {
      return await store.write(async (db) => {
        const at = clock()
        const issuedOn = shanghaiDate(at)
        const officer = (await certificateRepository.holder(db, actor.scope, input.officerId)) ??
          fail('NOT_FOUND', `officer ${input.officerId} not found`, { errors: [{ in: 'body', pointer: '/officerId', detail: 'not found in your scope' }] })
        const agency = (await agencyRepository.findById(db, actor.scope, input.agencyId)) ??
          fail('AGENCY_OUT_OF_SCOPE', `agency ${input.agencyId} not found`, { errors: [{ in: 'body', pointer: '/agencyId', detail: 'not found in your scope' }] })
        // Cards the new one replaces (换发) are cancelled below, recall opened, once everything
        // else allows it; any other live card here refuses the issue.
        const live = await certificateRepository.live(db, officer.id, agency.id)
        const expired = live.filter((c) => replacedByNewCard(c.status, c.validUntil, issuedOn))
        const lastRevokedAt = await certificateRepository.lastRevokedAt(db, officer.id)
        const confirmedYears = (await agencyRepository.confirmedYears(db, [agency.id])).get(agency.id) ?? []
        const hasPassedExam = await certificateRepository.hasPassedExam(db, officer.id, issuedOn)
        const lastPassedExamOn = await certificateRepository.lastPassedExamOn(db, officer.id, issuedOn)
        const refusals = certificateEligibility({
          officerStatus: officer.status,
          servesAtAgency: officer.agencyId === agency.id,
          auxiliary: officer.auxiliary,
          police: officer.police,
          agencyStatus: agency.status,
          agencyConfirmed: confirmationStanding(confirmedYears, issuedOn, config.CONFIRMATION_GRACE_UNTIL).confirmed,
          hasPassedExam,
          requalificationRequired: requalificationRequired(lastRevokedAt === null ? null : shanghaiDate(new Date(lastRevokedAt)), lastPassedExamOn),
          hasActiveCertificateAtAgency: live.length > expired.length
        })
        const first = refusals[0]
        if (first) fail(first, first === 'AGENCY_NOT_CONFIRMED' ? notConfirmedDetail(agency.id, yearOf(issuedOn), config.CONFIRMATION_GRACE_UNTIL) : undefined, { refusals })
        const domains = input.domains ?? agency.domains
        const foreign = domainsNotHeld(domains, agency.domains)
        if (foreign.length > 0) fail('DOMAIN_NOT_HELD', `${agency.name} does not enforce in ${foreign.join(', ')}`, { errors: [{ in: 'body', pointer: '/domains', detail: foreign.join(', ') }] })
        for (const old of expired) await transition(db, actor, at, old, 'cancel', { reason: RENEWAL_REASON })
        const seq = await certificateRepository.nextSequence(db, agency.regionCode, yearOf(issuedOn))
        if (seq > MAX_SEQUENCE) fail('CERTIFICATE_NUMBERS_EXHAUSTED', `region ${agency.regionCode} has issued all ${MAX_SEQUENCE} numbers of ${yearOf(issuedOn)} / 该地区本年度 ${MAX_SEQUENCE} 个证号已全部使用`)
        const row = await certificateRepository.insert(db, {
          number: formatCertificateNumber({ regionCode: agency.regionCode, year: yearOf(issuedOn), seq }),
          officerId: officer.id,
          agencyId: agency.id,
          domains,
          issuedOn,
          validUntil: validUntilFor(issuedOn, config.CERTIFICATE_VALIDITY_YEARS),
          status: 'active',
          createdAt: at.toISOString()
        })
        await certificateRepository.insertEvent(db, { certificateId: row.id, action: 'issue', toStatus: 'active', actor: actor.principal.sub, at: at.toISOString() })
        await appendAudit(db, actor, at, { entity: 'certificate', entityId: row.id, action: 'issue', agencyId: row.agencyId, after: row })
        return presentCertificate(row, issuedOn)
      })
    },

    get: async (actor: Actor, id: number) => presentCertificate(await store.read(async (db) => await load(db, actor, id)), today()),

    async list (actor: Actor, filter: CertificateFilter, afterId: number, limit: number) {
      const d = today()
      return (await store.read(async (db) => await certificateRepository.list(db, actor.scope, filter, d, afterId, limit))).map((r) => presentCertificate(r, d))
    },

    /** Suspend, reinstate, revoke or cancel; NOT_FOUND, CERTIFICATE_TRANSITION_NOT_ALLOWED. */
    async change (actor: Actor, id: number, action: CertificateAction, input: TransitionInput) {
      return await store.write(async (db) => {
        const at = clock()
        const { certificate } = await transition(db, actor, at, await load(db, actor, id), action, input)
        return presentCertificate(certificate, shanghaiDate(at))
      })
    },

    async history (actor: Actor, id: number) {
      return await store.read(async (db) => {
        await load(db, actor, id)
        return { events: await certificateRepository.events(db, id), recalls: await certificateRepository.recalls(db, id), custodies: await certificateRepository.custodies(db, id) }
      })
    },

    /** Closes the open recall of a card: recovered, or declared lost. NOT_FOUND, RECALL_CLOSED,
     *  DATE_RANGE_INVALID (a date before the recall opened, or after today). */
    async closeRecall (actor: Actor, id: number, input: { outcome: 'recovered' | 'lost', date: string, note?: string | undefined }) {
      return await store.write(async (db) => {
        const certificate = await load(db, actor, id)
        const open = (await certificateRepository.openRecall(db, id)) ?? fail('RECALL_CLOSED', `certificate ${id} has no open recall`)
        const day = today()
        if (compareDates(input.date, open.openedOn) < 0 || compareDates(input.date, day) > 0) {
          fail('DATE_RANGE_INVALID', `date ${input.date} is outside the recall: opened ${open.openedOn}, today ${day} / 日期须在收回开始之后且不晚于今天`,
            { errors: [{ in: 'body', pointer: '/date', detail: `between ${open.openedOn} and ${day}` }] })
        }
        const after = (await certificateRepository.closeRecall(db, open.id, { status: input.outcome, closedOn: input.date, note: input.note ?? null })) ?? fail('NOT_FOUND')
        await appendAudit(db, actor, clock(), { entity: 'card_recall', entityId: open.id, action: input.outcome, agencyId: certificate.agencyId, before: open, after })
        return after
      })
    }
  }
}

export type CertificatesService = ReturnType<typeof certificatesService>
