// May these officers act in this domain at this instant (POST /v1/eligibility): the facts read in
// one read transaction (one statement for up to 50 officers or numbers, plus the cards' status
// events for a past instant), judged by domain/eligibility.ts officerEligibility.
import { checkCertificateNumber, normalizeCertificateNumber } from '../../domain/certificate-number.js'
import { judgedInstant, officerEligibility, statusAt, teamSufficiency, type CardFacts, type EligibilityReason, type EligibilityVerdict, type Instant, type OfficerFacts } from '../../domain/eligibility.js'
import { yearOf } from '../../domain/dates.js'
import type { Db } from '../../db/store.js'
import { fail } from '../../errors.js'
import type { Actor } from '../../security/roles.js'
import type { ServiceContext } from '../context.js'
import { eligibilityRepository, type EventRow, type Facts } from './repository.js'

export interface EligibilityInput {
  officerIds?: number[] | undefined
  certificateNumbers?: string[] | undefined
  domain: string
  agencyId?: number | undefined
  at?: string | undefined
}

interface Judged { officerId: number | null, certificateNumber?: string, verdict: EligibilityVerdict, departedOn: string | null }

/** The bilingual sentence of each reason, told what the verdict knows. */
function detail (code: EligibilityReason, j: Judged, input: EligibilityInput, instant: Instant): string {
  const card = j.verdict.card
  const n = card?.number ?? ''
  switch (code) {
    case 'OFFICER_NOT_FOUND': return j.certificateNumber === undefined
      ? '查无此人员或不在您的权限范围内 / no such officer in your scope'
      : '查无此证号或不在您的权限范围内 / no certificate with this number in your scope'
    case 'OFFICER_DEPARTED': return `人员已离岗${j.departedOn === null ? '' : `（${j.departedOn}）`} / the officer has left the post${j.departedOn === null ? '' : ` (${j.departedOn})`}`
    case 'OFFICER_AUXILIARY': return '行政执法辅助人员不得从事执法活动 / auxiliary staff may assist but never enforce'
    case 'OFFICER_POLICE': return '人民警察凭人民警察证执法，不在本系统持证 / police act on their own card, outside this registry\'s certificates'
    case 'AGENCY_ENDED': return `发证执法主体 ${card?.agencyId ?? ''} 已合并或撤销，须由承继主体换发证件 / the issuing agency ${card?.agencyId ?? ''} is merged or dissolved: its successor reissues the card`
    case 'AGENCY_NOT_CONFIRMED': return `发证执法主体 ${card?.agencyId ?? ''} 未经 ${yearOf(instant.day)} 年度确认公告 / the issuing agency ${card?.agencyId ?? ''} is not confirmed for ${yearOf(instant.day)}`
    case 'NO_CERTIFICATE': return '未持有行政执法证件 / holds no enforcement certificate'
    case 'CERTIFICATE_SUSPENDED': return `证件 ${n} 已暂扣 / certificate ${n} is suspended`
    case 'CERTIFICATE_EXPIRED': return `证件 ${n} 有效期至 ${card?.validUntil ?? ''}，已过期 / certificate ${n} expired after ${card?.validUntil ?? ''}`
    case 'CERTIFICATE_REVOKED': return `证件 ${n} 已吊销 / certificate ${n} is revoked`
    case 'CERTIFICATE_CANCELLED': return `证件 ${n} 已注销 / certificate ${n} is cancelled`
    case 'DOMAIN_NOT_COVERED': return `证件 ${n} 不含执法领域「${input.domain}」（或其发证主体已不再负责该领域） / certificate ${n} does not cover ${input.domain} (or its agency no longer enforces in it)`
    case 'WRONG_AGENCY': return `证件 ${n} 由执法主体 ${card?.agencyId ?? ''} 核发，不是 ${input.agencyId ?? ''} / certificate ${n} is of agency ${card?.agencyId ?? ''}, not ${input.agencyId ?? ''}`
  }
}

/** The facts of each officer at the instant, by id (a past instant's cards from their history). */
async function factsAt (db: Db, facts: Facts, instant: Instant, atIso: string): Promise<Map<number, OfficerFacts>> {
  const agencies = new Map(facts.agencies.map((a) => [a.id, a]))
  const events = new Map<number, EventRow[]>()
  if (!instant.current && facts.cards.length > 0) {
    for (const e of await eligibilityRepository.events(db, facts.cards.map((c) => c.id))) events.set(e.certificateId, [...(events.get(e.certificateId) ?? []), e])
  }
  const cardsOf = new Map<number, CardFacts[]>()
  for (const c of facts.cards) {
    const agency = agencies.get(c.agencyId)
    const status = instant.current ? c.status : statusAt(c, events.get(c.id) ?? [], atIso, instant.day)
    if (agency === undefined || status === null) continue
    cardsOf.set(c.officerId, [...(cardsOf.get(c.officerId) ?? []), { id: c.id, number: c.number, agencyId: c.agencyId, status, issuedOn: c.issuedOn, validUntil: c.validUntil, domains: c.domains, agency }])
  }
  return new Map(facts.officers.map((o) => [o.id, { status: o.status, departedOn: o.departedOn, auxiliary: o.auxiliary, police: o.police, cards: cardsOf.get(o.id) ?? [] }]))
}

export function eligibilityService ({ store, config, clock }: ServiceContext) {
  return {
    /**
     * Returns, for each officer (or certificate number) in request order, whether they may act
     * in `input.domain` at `input.at` (default now) and why not, and whether the team reaches
     * TEAM_MINIMUM. Out of scope reads as OFFICER_NOT_FOUND for that officer, never a 404.
     * Throws VALIDATION_FAILED (neither or both of officerIds and certificateNumbers),
     * CERTIFICATE_NUMBER_INVALID (a number whose check character fails), INSTANT_TOO_FAR_AHEAD.
     */
    async check (actor: Actor, input: EligibilityInput) {
      const byNumber = input.certificateNumbers !== undefined
      if (byNumber === (input.officerIds !== undefined)) {
        fail('VALIDATION_FAILED', 'give exactly one of officerIds and certificateNumbers / officerIds 与 certificateNumbers 须且只能填写一项',
          { errors: [{ in: 'body', pointer: byNumber ? '/certificateNumbers' : '/officerIds', detail: byNumber ? 'not with officerIds' : 'officerIds or certificateNumbers is required' }] })
      }
      const numbers = (input.certificateNumbers ?? []).map(normalizeCertificateNumber)
      const bad = numbers.flatMap((n, i) => checkCertificateNumber(n) ? [] : [{ in: 'body', pointer: `/certificateNumbers/${i}`, detail: 'not a certificate number, or its check character does not match / 证号格式或校验位不符' }])
      if (bad.length > 0) fail('CERTIFICATE_NUMBER_INVALID', bad.length === 1 ? undefined : `${bad.length} numbers fail their check`, { errors: bad })
      const now = clock()
      const at = input.at === undefined ? now : new Date(input.at)
      const instant = judgedInstant(at, now) ?? fail('INSTANT_TOO_FAR_AHEAD', `${input.at ?? ''} is more than a day after now (${now.toISOString()}) / 查询时刻不得晚于当前时间一天以上`, { errors: [{ in: 'body', pointer: '/at', detail: 'no more than a day ahead / 不得晚于当前一天以上' }] })
      const atIso = at.toISOString()
      const question = { domain: input.domain, agencyId: input.agencyId, at: instant, graceUntil: config.CONFIRMATION_GRACE_UNTIL }
      const judged = await store.read(async (db): Promise<Judged[]> => {
        if (!byNumber) {
          const ids = input.officerIds ?? []
          const facts = await eligibilityRepository.facts(db, actor.scope, ids)
          const officers = await factsAt(db, facts, instant, atIso)
          return ids.map((id) => {
            const f = officers.get(id)
            return { officerId: f === undefined ? null : id, verdict: officerEligibility(f ?? null, question), departedOn: f?.departedOn ?? null }
          })
        }
        // A number names the card shown: that card is judged, with its holder.
        const facts = await eligibilityRepository.factsByNumbers(db, actor.scope, numbers)
        const officers = await factsAt(db, facts, instant, atIso)
        const cards = new Map(facts.cards.map((c) => [c.number, c]))
        return numbers.map((number) => {
          const card = cards.get(number)
          const holder = card === undefined ? undefined : officers.get(card.officerId)
          const f = holder === undefined || card === undefined ? null : { ...holder, cards: holder.cards.filter((c) => c.id === card.id) }
          return { officerId: f === null ? null : card?.officerId ?? null, certificateNumber: number, verdict: officerEligibility(f, question), departedOn: f?.departedOn ?? null }
        })
      })
      return {
        at: atIso,
        domain: input.domain,
        agencyId: input.agencyId ?? null,
        results: judged.map((j) => ({
          officerId: j.officerId,
          ...(j.certificateNumber === undefined ? {} : { certificateNumber: j.certificateNumber }),
          eligible: j.verdict.eligible,
          reasons: j.verdict.reasons.map((code) => ({ code, detail: detail(code, j, input, instant) })),
          certificate: j.verdict.card === null
            ? null
            : { id: j.verdict.card.id, number: j.verdict.card.number, agencyId: j.verdict.card.agencyId, status: j.verdict.card.effective, validUntil: j.verdict.card.validUntil, domains: [...j.verdict.card.domains] }
        })),
        team: teamSufficiency(judged.filter((j) => j.verdict.eligible).map((j) => j.officerId), config.TEAM_MINIMUM)
      }
    }
  }
}

export type EligibilityService = ReturnType<typeof eligibilityService>
