import t from 'tap'
import {
  judgedInstant,
  departedAt, ELIGIBILITY_REASONS, officerEligibility, statusAt, teamSufficiency,
  type AgencyFacts, type CardFacts, type EligibilityQuestion, type EligibilityReason, type OfficerFacts
  , type Instant
} from '../../src/domain/eligibility.js'
import { certificateEligibility, holdingRefusals } from '../../src/domain/certificates.js'

const DAY = '2026-12-01'
const NOW = { day: DAY, current: true }
const PAST = { day: DAY, current: false }
const q = (over: Partial<EligibilityQuestion> = {}): EligibilityQuestion => ({ domain: '市场监管', at: NOW, graceUntil: '03-31', ...over })
const agency = (over: Partial<AgencyFacts> = {}): AgencyFacts => ({ status: 'active', endedOn: null, domains: ['市场监管', '城市管理'], confirmedYears: [2026], ...over })
let nextId = 1
const card = (over: Partial<CardFacts> = {}): CardFacts => {
  const id = nextId++
  return { id, number: `N${id}`, agencyId: 10, status: 'active', issuedOn: '2025-01-01', validUntil: '2029-12-31', domains: ['市场监管'], agency: agency(), ...over }
}
const officer = (over: Partial<OfficerFacts> = {}): OfficerFacts => ({ status: 'active', departedOn: null, auxiliary: false, police: false, cards: [card()], ...over })

t.test('every reason code, alone and in combination', async (t) => {
  const cases: Array<[string, OfficerFacts | null, EligibilityQuestion, EligibilityReason[]]> = [
    ['an active officer with a valid card covering the domain', officer(), q(), []],
    ['unknown or out of scope', null, q(), ['OFFICER_NOT_FOUND']],
    ['no card at all', officer({ cards: [] }), q(), ['NO_CERTIFICATE']],
    ['suspended card', officer({ cards: [card({ status: 'suspended' })] }), q(), ['CERTIFICATE_SUSPENDED']],
    ['card past its last valid day', officer({ cards: [card({ validUntil: '2026-11-30' })] }), q(), ['CERTIFICATE_EXPIRED']],
    ['card valid through the day judged', officer({ cards: [card({ validUntil: DAY })] }), q(), []],
    ['revoked card', officer({ cards: [card({ status: 'revoked' })] }), q(), ['CERTIFICATE_REVOKED']],
    ['cancelled card', officer({ cards: [card({ status: 'cancelled' })] }), q(), ['CERTIFICATE_CANCELLED']],
    ['a suspended card past its last day is expired', officer({ cards: [card({ status: 'suspended', validUntil: '2026-01-01' })] }), q(), ['CERTIFICATE_EXPIRED']],
    ['card without the domain', officer(), q({ domain: '城市管理' }), ['DOMAIN_NOT_COVERED']],
    ['card lists a domain its agency no longer enforces', officer({ cards: [card({ domains: ['市场监管', '农业'] })] }), q({ domain: '农业' }), ['DOMAIN_NOT_COVERED']],
    ['departed officer (current state)', officer({ status: 'departed', departedOn: DAY }), q(), ['OFFICER_DEPARTED']],
    ['auxiliary', officer({ auxiliary: true }), q(), ['OFFICER_AUXILIARY']],
    ['police', officer({ police: true }), q(), ['OFFICER_POLICE']],
    ['agency not confirmed this year, after the grace day', officer({ cards: [card({ agency: agency({ confirmedYears: [2025] }) })] }), q(), ['AGENCY_NOT_CONFIRMED']],
    ['last year\'s confirmation within the grace period', officer({ cards: [card({ agency: agency({ confirmedYears: [2025] }) })] }), q({ at: { day: '2026-03-31', current: true } }), []],
    ['agency merged', officer({ cards: [card({ agency: agency({ status: 'merged', endedOn: '2026-06-01' }) })] }), q(), ['AGENCY_ENDED']],
    ['agency dissolved', officer({ cards: [card({ agency: agency({ status: 'dissolved', endedOn: '2026-06-01' }) })] }), q(), ['AGENCY_ENDED']],
    ['card of another agency than asked', officer(), q({ agencyId: 11 }), ['WRONG_AGENCY']],
    ['card of the agency asked', officer(), q({ agencyId: 10 }), []],
    ['departed, and the card cancelled by the departure', officer({ status: 'departed', departedOn: DAY, cards: [card({ status: 'cancelled' })] }), q(), ['OFFICER_DEPARTED', 'CERTIFICATE_CANCELLED']],
    ['auxiliary and police without a card', officer({ auxiliary: true, police: true, cards: [] }), q(), ['OFFICER_AUXILIARY', 'OFFICER_POLICE', 'NO_CERTIFICATE']],
    ['suspended, other domain, other agency, agency ended and unconfirmed',
      officer({ cards: [card({ status: 'suspended', agency: agency({ status: 'merged', endedOn: '2026-01-01', confirmedYears: [] }) })] }),
      q({ domain: '城市管理', agencyId: 99 }), ['AGENCY_ENDED', 'AGENCY_NOT_CONFIRMED', 'CERTIFICATE_SUSPENDED', 'DOMAIN_NOT_COVERED', 'WRONG_AGENCY']],
    ['a past instant before the agency ended', officer({ cards: [card({ agency: agency({ status: 'dissolved', endedOn: '2026-12-02' }) })] }), q({ at: PAST }), []],
    ['a past instant on the day the agency ended', officer({ cards: [card({ agency: agency({ status: 'dissolved', endedOn: DAY }) })] }), q({ at: PAST }), ['AGENCY_ENDED']],
    ['a past instant before the departure day', officer({ status: 'departed', departedOn: '2026-12-02' }), q({ at: PAST }), []],
    ['a past instant on the departure day', officer({ status: 'departed', departedOn: DAY }), q({ at: PAST }), ['OFFICER_DEPARTED']]
  ]
  const seen = new Set<EligibilityReason>()
  for (const [name, facts, question, reasons] of cases) {
    const v = officerEligibility(facts, question)
    t.same(v.reasons, reasons, name)
    t.equal(v.eligible, reasons.length === 0, `${name}: eligible iff no reason`)
    for (const r of reasons) seen.add(r)
  }
  t.same([...ELIGIBILITY_REASONS].filter((r) => !seen.has(r)), [], 'the table covers every reason code')
})

t.test('the card judged: a valid one covering the domain, preferring the agency asked; else the most relevant', async (t) => {
  const old = card({ status: 'cancelled', issuedOn: '2020-01-01', validUntil: '2024-12-31' })
  const here = card({ agencyId: 10, issuedOn: '2025-01-01' })
  const there = card({ agencyId: 20, issuedOn: '2026-01-01' })
  t.equal(officerEligibility(officer({ cards: [old, here, there] }), q()).card?.id, there.id, 'two usable cards, no agency asked: the latest')
  t.equal(officerEligibility(officer({ cards: [old, here, there] }), q({ agencyId: 10 })).card?.id, here.id, 'the agency asked wins')
  const suspended = card({ status: 'suspended', issuedOn: '2026-02-01' })
  const v = officerEligibility(officer({ cards: [old, suspended] }), q())
  t.same([v.card?.id, v.card?.effective, v.reasons], [suspended.id, 'suspended', ['CERTIFICATE_SUSPENDED']], 'none usable: the livelier card is reported')
  const latestCancelled = card({ status: 'cancelled', issuedOn: '2026-03-01' })
  t.equal(officerEligibility(officer({ cards: [old, latestCancelled] }), q()).card?.id, latestCancelled.id, 'equally unusable: the latest')
  const noDomain = card({ domains: ['城市管理'] })
  const tie = officerEligibility(officer({ cards: [suspended, noDomain] }), q())
  t.same([tie.card?.id, tie.reasons], [noDomain.id, ['DOMAIN_NOT_COVERED']], 'as many reasons each: the active card lacking the domain before the suspended one')
})

t.test('departedAt: now the stored state decides; a past instant, the departure day', async (t) => {
  t.equal(departedAt('active', null, NOW), false)
  t.equal(departedAt('departed', '2026-12-01', NOW), true)
  t.equal(departedAt('departed', '2026-12-01', { day: '2026-11-30', current: true }), true, 'now: a committed departure counts whatever its day')
  t.equal(departedAt('departed', '2026-12-01', { day: '2026-11-30', current: false }), false, 'before the departure day')
  t.equal(departedAt('departed', '2026-12-01', { day: '2026-12-01', current: false }), true, 'from the departure day')
  t.equal(departedAt('departed', null, PAST), true, 'no date recorded: departed')
})

t.test('statusAt: a card\'s stored status at an instant, from its history', async (t) => {
  const c = { status: 'cancelled' as const, issuedOn: '2026-01-05' }
  const events = [
    { toStatus: 'active', at: '2026-01-05T02:00:00.000Z' },
    { toStatus: 'suspended', at: '2026-03-01T02:00:00.000Z' },
    { toStatus: 'cancelled', at: '2026-12-01T02:00:00.000Z' }
  ]
  t.equal(statusAt(c, events, '2026-01-05T01:59:59.999Z', '2026-01-05'), null, 'before its issue: did not exist')
  t.equal(statusAt(c, events, '2026-01-05T02:00:00.000Z', '2026-01-05'), 'active', 'from the instant of issue')
  t.equal(statusAt(c, [...events].reverse(), '2026-06-01T00:00:00.000Z', '2026-06-01'), 'suspended', 'in any order')
  t.equal(statusAt(c, events, '2026-12-01T02:00:00.001Z', '2026-12-01'), 'cancelled')
  t.equal(statusAt(c, [], '2026-01-04T00:00:00.000Z', '2026-01-04'), null, 'no history: not before its issue day')
  t.equal(statusAt(c, [], '2026-01-05T00:00:00.000Z', '2026-01-05'), 'cancelled', 'no history: as stored from its issue day')
})

t.test('teamSufficiency counts distinct officers against the minimum', async (t) => {
  t.same(teamSufficiency([1, 2], 2), { eligibleCount: 2, minimum: 2, sufficient: true })
  t.same(teamSufficiency([1, 1, null], 2), { eligibleCount: 1, minimum: 2, sufficient: false }, 'the same officer twice counts once')
  t.same(teamSufficiency([], 1), { eligibleCount: 0, minimum: 1, sufficient: false })
  t.same(teamSufficiency([4, 5, 6], 3), { eligibleCount: 3, minimum: 3, sufficient: true })
})

t.test('issuing and eligibility share holdingRefusals: one rule for who may hold a card', async (t) => {
  const person = { officerStatus: 'departed' as const, auxiliary: true, police: true }
  const standing = { agencyStatus: 'merged' as const, agencyConfirmed: false }
  t.same(holdingRefusals(person, standing), ['OFFICER_DEPARTED', 'AGENCY_NOT_ACTIVE', 'AGENCY_NOT_CONFIRMED', 'OFFICER_AUXILIARY', 'OFFICER_POLICE'])
  t.same(holdingRefusals(person, null), ['OFFICER_DEPARTED', 'OFFICER_AUXILIARY', 'OFFICER_POLICE'], 'no agency: the person only')
  const facts = { ...person, ...standing, servesAtAgency: false, hasPassedExam: true, requalificationRequired: false, hasActiveCertificateAtAgency: false }
  t.same(certificateEligibility(facts), holdingRefusals(person, standing), 'issuing refuses for the same reasons')
  t.same(certificateEligibility({ ...facts, officerStatus: 'active' }).slice(0, 2), ['OFFICER_NOT_AT_AGENCY', 'AGENCY_NOT_ACTIVE'], 'not at the agency still comes first')
})

t.test('the instant judged: now or ahead as stored, a past one by its dates; more than a day ahead, none', async (t) => {
  const now = new Date('2026-12-01T02:00:00Z') // 10:00 in Shanghai
  const cases: Array<[string, Instant | null]> = [
    ['2026-12-01T02:00:00Z', { day: '2026-12-01', current: true }],
    ['2026-12-01T01:59:59Z', { day: '2026-12-01', current: false }],
    ['2026-11-30T16:30:00Z', { day: '2026-12-01', current: false }], // 00:30 in Shanghai
    ['2026-11-30T15:30:00Z', { day: '2026-11-30', current: false }],
    ['2026-12-02T02:00:00Z', { day: '2026-12-02', current: true }], // a day ahead, just
    ['2026-12-02T02:00:01Z', null]
  ]
  for (const [at, instant] of cases) t.same(judgedInstant(new Date(at), now), instant, at)
})
