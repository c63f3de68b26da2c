import t from 'tap'
import {
  moveRecordableOn, replacedByNewCard, roleChangeRefusal, suspensionOverdue,
  CERTIFICATE_ACTIONS, certificateEligibility, departureReasons, domainsNotHeld, effectiveStatus, isValid, nextStatus,
  STORED_STATUSES, validUntilFor, CERTIFICATE_STATUS_LABELS, holderNameShown
} from '../../src/domain/certificates.js'
import type { IsoDate } from '../../src/domain/dates.js'
import type { CertificateAction, CertificateStatus, EligibilityFacts, StoredStatus } from '../../src/domain/certificates.js'

t.test('nextStatus: the full transition table', async t => {
  // Every (status, action) pair; null means CERTIFICATE_TRANSITION_NOT_ALLOWED.
  const table: Record<CertificateStatus, Record<CertificateAction, StoredStatus | null>> = {
    active: { suspend: 'suspended', reinstate: null, revoke: 'revoked', cancel: 'cancelled' },
    suspended: { suspend: null, reinstate: 'active', revoke: 'revoked', cancel: 'cancelled' },
    expired: { suspend: null, reinstate: null, revoke: null, cancel: 'cancelled' },
    revoked: { suspend: null, reinstate: null, revoke: null, cancel: null },
    cancelled: { suspend: null, reinstate: null, revoke: null, cancel: null }
  }
  const statuses = [...STORED_STATUSES, 'expired'] as const
  for (const from of statuses) {
    for (const action of CERTIFICATE_ACTIONS) {
      const to = table[from][action]
      const want = to === null ? { ok: false, code: 'CERTIFICATE_TRANSITION_NOT_ALLOWED' } : { ok: true, status: to }
      t.same(nextStatus(from, action), want, `${from} --${action}-->`)
    }
  }
})

t.test('effectiveStatus derives expired from the last valid day', async t => {
  const cases: Array<[StoredStatus, string | null, string, CertificateStatus]> = [
    ['active', '2025-06-30', '2025-06-29', 'active'],
    ['active', '2025-06-30', '2025-06-30', 'active'],
    ['active', '2025-06-30', '2025-07-01', 'expired'],
    ['suspended', '2025-06-30', '2025-06-30', 'suspended'],
    ['suspended', '2025-06-30', '2026-01-01', 'expired'],
    ['revoked', '2025-06-30', '2026-01-01', 'revoked'],
    ['cancelled', '2025-06-30', '2026-01-01', 'cancelled'],
    ['revoked', null, '2026-01-01', 'revoked'],
    ['active', null, '2099-01-01', 'active']
  ]
  for (const [stored, validUntil, today, want] of cases) {
    t.equal(effectiveStatus(stored, validUntil, today), want, `${stored} until ${String(validUntil)} on ${today}`)
  }
})

t.test('isValid only for active', async t => {
  const cases: Array<[CertificateStatus, boolean]> = [
    ['active', true], ['suspended', false], ['expired', false], ['revoked', false], ['cancelled', false]
  ]
  for (const [status, want] of cases) t.equal(isValid(status), want, status)
})

t.test('certificateEligibility lists refusals in a fixed order', async t => {
  const eligible: EligibilityFacts = {
    officerStatus: 'active',
    servesAtAgency: true,
    auxiliary: false,
    police: false,
    agencyStatus: 'active',
    agencyConfirmed: true,
    hasPassedExam: true,
    requalificationRequired: false,
    hasActiveCertificateAtAgency: false
  }
  const cases: Array<[Partial<EligibilityFacts>, string[]]> = [
    [{}, []],
    [{ officerStatus: 'departed' }, ['OFFICER_DEPARTED']],
    [{ servesAtAgency: false }, ['OFFICER_NOT_AT_AGENCY']],
    [{ officerStatus: 'departed', servesAtAgency: false }, ['OFFICER_DEPARTED']],
    [{ agencyStatus: 'merged' }, ['AGENCY_NOT_ACTIVE']],
    [{ agencyStatus: 'dissolved' }, ['AGENCY_NOT_ACTIVE']],
    [{ agencyConfirmed: false }, ['AGENCY_NOT_CONFIRMED']],
    [{ requalificationRequired: true }, ['REQUALIFICATION_REQUIRED']],
    [{ requalificationRequired: true, hasPassedExam: false }, ['EXAM_NOT_PASSED']],
    [{ auxiliary: true }, ['OFFICER_AUXILIARY']],
    [{ police: true }, ['OFFICER_POLICE']],
    [{ hasPassedExam: false }, ['EXAM_NOT_PASSED']],
    [{ hasActiveCertificateAtAgency: true }, ['CERTIFICATE_EXISTS']],
    [{ hasPassedExam: false, auxiliary: true }, ['OFFICER_AUXILIARY', 'EXAM_NOT_PASSED']],
    [{
      officerStatus: 'departed',
      servesAtAgency: false,
      auxiliary: true,
      police: true,
      agencyStatus: 'dissolved',
      agencyConfirmed: false,
      hasPassedExam: false,
      requalificationRequired: true,
      hasActiveCertificateAtAgency: true
    }, ['OFFICER_DEPARTED', 'AGENCY_NOT_ACTIVE', 'AGENCY_NOT_CONFIRMED', 'OFFICER_AUXILIARY', 'OFFICER_POLICE', 'EXAM_NOT_PASSED', 'CERTIFICATE_EXISTS']]
  ]
  for (const [change, want] of cases) {
    t.same(certificateEligibility({ ...eligible, ...change }), want, JSON.stringify(change))
  }
})

t.test('validUntilFor is the day before the anniversary', async t => {
  const cases: Array<[string, number, string]> = [
    ['2025-01-01', 5, '2029-12-31'],
    ['2024-03-01', 1, '2025-02-28'],
    ['2023-03-01', 1, '2024-02-29'],
    ['2024-07-15', 3, '2027-07-14'],
    // 29 February: the anniversary in a common year is 28 February
    ['2024-02-29', 1, '2025-02-27'],
    ['2024-02-29', 4, '2028-02-28']
  ]
  for (const [issuedOn, years, want] of cases) t.equal(validUntilFor(issuedOn, years), want, `${issuedOn} + ${years}y`)
  for (const years of [0, -1, 2.5, Number.NaN]) {
    t.throws(() => validUntilFor('2025-01-01', years), RangeError, `${years} years`)
  }
})

t.test('departure reasons', async t => {
  t.same([...departureReasons], ['transfer', 'resignation', 'dismissal', 'retirement', 'other'])
})

t.test('domainsNotHeld: a certificate covers only what its agency enforces', async t => {
  const cases: Array<[string[], string[], string[]]> = [
    // asked, held → not held
    [['市场监管'], ['市场监管', '城市管理'], []],
    [['市场监管', '城市管理'], ['市场监管', '城市管理'], []],
    [[], ['市场监管'], []],
    [['生态环境'], ['市场监管'], ['生态环境']],
    [['交通运输', '市场监管', '农业'], ['市场监管'], ['交通运输', '农业']],
    [['市场监管'], [], ['市场监管']]
  ]
  for (const [asked, held, want] of cases) t.same(domainsNotHeld(asked, held), want, `${asked.join('+')} at ${held.join('+')}`)
})

t.test('roleChangeRefusal: a card holder does not become auxiliary or police', async t => {
  const plain = { auxiliary: false, police: false }
  const cases: Array<[string, { auxiliary: boolean, police: boolean }, { auxiliary?: boolean, police?: boolean }, boolean, string | null]> = [
    ['holder made auxiliary', plain, { auxiliary: true }, true, 'OFFICER_AUXILIARY'],
    ['holder made police', plain, { police: true }, true, 'OFFICER_POLICE'],
    ['holder made both', plain, { auxiliary: true, police: true }, true, 'OFFICER_AUXILIARY'],
    ['no card: anything goes', plain, { auxiliary: true, police: true }, false, null],
    ['already auxiliary (a card from before): the flag sent again changes nothing', { auxiliary: true, police: false }, { auxiliary: true }, true, null],
    ['already police, sent again', { auxiliary: false, police: true }, { police: true }, true, null],
    ['flags cleared', { auxiliary: true, police: true }, { auxiliary: false, police: false }, true, null],
    ['other fields only', plain, {}, true, null],
    ['explicit false', plain, { auxiliary: false, police: false }, true, null]
  ]
  for (const [name, was, change, holds, want] of cases) t.equal(roleChangeRefusal(was, change, holds), want, name)
})

t.test('replacedByNewCard: only an active card past its last valid day', async t => {
  const cases: Array<[StoredStatus, string | null, string, boolean, string]> = [
    ['active', '2026-05-31', '2026-06-01', true, 'active, expired yesterday'],
    ['active', '2026-05-31', '2026-05-31', false, 'active, its last valid day'],
    ['active', null, '2099-01-01', false, 'active, never expires'],
    ['suspended', '2026-05-31', '2026-06-01', false, 'suspended and expired: the suspension stands'],
    ['revoked', '2026-05-31', '2026-06-01', false, 'revoked'],
    ['cancelled', '2026-05-31', '2026-06-01', false, 'cancelled']
  ]
  for (const [stored, validUntil, today, want, why] of cases) t.equal(replacedByNewCard(stored, validUntil, today), want, why)
})

t.test('moveRecordableOn: a departure or transfer is recorded once it has happened', async t => {
  const cases: Array<[string, string, string, boolean]> = [
    ['earlier this year', '2026-03-01', '2026-12-02', true],
    ['today', '2026-12-02', '2026-12-02', true],
    ['tomorrow', '2026-12-03', '2026-12-02', false],
    ['next year', '2027-01-31', '2026-12-02', false],
    ['years ago', '1999-12-31', '2026-12-02', true]
  ]
  for (const [name, date, today, want] of cases) t.equal(moveRecordableOn(date as IsoDate, today as IsoDate), want, name)
})

t.test('suspensionOverdue: a suspension whose set last day has passed, on a card otherwise live', async t => {
  const cases: Array<[string, StoredStatus, string | null, string | null, boolean]> = [
    ['ended yesterday', 'suspended', '2030-01-01', '2026-12-01', true],
    ['ends today: still running', 'suspended', '2030-01-01', '2026-12-02', false],
    ['no end set', 'suspended', '2030-01-01', null, false],
    ['card expired meanwhile', 'suspended', '2026-11-30', '2026-11-01', false],
    ['reinstated', 'active', '2030-01-01', null, false],
    ['revoked', 'revoked', '2030-01-01', '2026-11-01', false]
  ]
  for (const [name, stored, validUntil, until, want] of cases) {
    t.equal(suspensionOverdue(stored, validUntil as IsoDate | null, until as IsoDate | null, '2026-12-02' as IsoDate), want, name)
  }
})

t.test('rule 8 公示: the holder\'s name is shown as set while the card is valid, masked once it is not', async (t) => {
  const cases: Array<[CertificateStatus, 'full' | 'masked', string]> = [
    ['active', 'full', '张三丰'],
    ['active', 'masked', '张**'],
    ['suspended', 'full', '张**'],
    ['revoked', 'full', '张**'],
    ['cancelled', 'full', '张**'],
    ['expired', 'full', '张**']
  ]
  for (const [status, display, shown] of cases) t.equal(holderNameShown('张三丰', status, display), shown, `${status}, ${display}`)
  t.same(Object.keys(CERTIFICATE_STATUS_LABELS).sort(), ['active', 'cancelled', 'expired', 'revoked', 'suspended'], 'every status has its Chinese name')
})
