import t from 'tap'
import { answersReconfirmation, confirmationStanding, DEFAULT_CONFIRMATION_GRACE_UNTIL, mergerAsksReconfirmation, reconfirmationNeeded, standingYears } from '../../src/domain/confirmation.js'
import { custodyChange, requalificationRequired, type CertificateAction, type CertificateStatus, type CustodyChange } from '../../src/domain/certificates.js'
import { rejoiningRefusal } from '../../src/domain/plausible-dates.js'
import { isMonthDay, onYear } from '../../src/domain/dates.js'

t.test('001 line 14 "每年…更新确认行政执法主体资格": a year\'s confirmation stands until the next is recorded or the grace day (CONFIRMATION_GRACE_UNTIL, default 03-31)', async t => {
  const cases: Array<[number[], string, string, boolean, boolean, number | null, string]> = [
    // confirmed years, today, grace → confirmed, confirmationDue, standingYear
    [[2026], '2026-12-01', '03-31', true, false, 2026, 'confirmed this year'],
    [[2026], '2027-01-01', '03-31', true, true, 2026, '1 January: last year\'s stands, this year\'s is due'],
    [[2026], '2027-03-31', '03-31', true, true, 2026, 'the grace day itself'],
    [[2026], '2027-04-01', '03-31', false, true, null, 'after the grace day: AGENCY_NOT_CONFIRMED'],
    [[2026, 2027], '2027-04-01', '03-31', true, false, 2027, 'this year\'s recorded'],
    [[2025], '2027-01-05', '03-31', false, true, null, 'two years back stands for nothing'],
    [[], '2027-01-05', '03-31', false, true, null, 'never confirmed'],
    [[2026], '2027-01-05', '01-01', false, true, null, 'a grace of one day: over on 2 January'],
    [[2026], '2027-02-15', '06-30', true, true, 2026, 'a longer grace']
  ]
  for (const [years, today, grace, confirmed, confirmationDue, standingYear, why] of cases) {
    t.same(confirmationStanding(years, today, grace), { confirmed, confirmationDue, standingYear }, why)
    t.equal(standingYears(today, grace).some((y) => years.includes(y)), confirmed, `standingYears agrees: ${why}`)
  }
  t.equal(DEFAULT_CONFIRMATION_GRACE_UNTIL, '03-31')
})

t.test('002 line 27 (item 6) "名称变更等的，应当提请本级人民政府予以重新确认": a new name or kind asks for 重新确认', async t => {
  const before = { name: '甲市市场监督管理局', kind: 'organ' }
  const cases: Array<[{ name?: string, kind?: string }, boolean, string]> = [
    [{}, false, 'nothing changed'],
    [{ name: '甲市市场监督管理局' }, false, 'the same name sent again'],
    [{ name: '甲市市场监管局' }, true, 'renamed'],
    [{ kind: 'authorized' }, true, 'another kind of body'],
    [{ kind: 'organ' }, false, 'the same kind']
  ]
  for (const [change, want, why] of cases) t.equal(reconfirmationNeeded(before, change), want, why)
})

t.test('003 line 223 "依法暂扣、收回或注销": 吊销 is a sanction; a new card needs an exam passed after it (REQUALIFICATION_REQUIRED)', async t => {
  const cases: Array<[string | null, string | null, boolean, string]> = [
    [null, '2020-05-16', false, 'never revoked'],
    ['2025-08-01', '2020-05-16', true, 'passed before the revocation'],
    ['2025-08-01', '2025-08-01', true, 'an exam on the day of the revocation does not requalify'],
    ['2025-08-01', '2025-10-24', false, 'passed again after it'],
    ['2025-08-01', null, true, 'no passed exam at all']
  ]
  for (const [revoked, passed, want, why] of cases) t.equal(requalificationRequired(revoked, passed), want, why)
})

t.test('003 line 223 暂扣: a suspension takes the card into custody; reinstatement returns it; revoked or cancelled while held it is retained', async t => {
  const cases: Array<[CertificateStatus, CertificateAction, string | null, CustodyChange]> = [
    ['active', 'suspend', null, 'open'],
    ['suspended', 'reinstate', '2026-05-01', 'returned'],
    ['suspended', 'revoke', '2026-05-01', 'retained'],
    ['suspended', 'cancel', '2026-05-01', 'retained'],
    ['expired', 'cancel', '2026-05-01', 'retained'],
    ['active', 'revoke', null, null],
    ['active', 'cancel', null, null],
    ['suspended', 'reinstate', null, null]
  ]
  for (const [from, action, held, want] of cases) t.equal(custodyChange(from, action, held), want, `${from} ${action} held=${held ?? '-'}`)
})

t.test('re-joining: a new stint begins on or after the departure (DATE_BEFORE_LAST_MOVE)', async t => {
  t.equal(rejoiningRefusal('2026-06-01', '2025-03-01'), null)
  t.equal(rejoiningRefusal('2025-03-01', '2025-03-01'), null, 'the same day')
  t.equal(rejoiningRefusal('2025-02-28', '2025-03-01')?.code, 'DATE_BEFORE_LAST_MOVE')
  t.equal(rejoiningRefusal('2020-01-01', null), null, 'no move recorded')
})

t.test('month-day settings name a day of every year', async t => {
  for (const [s, want] of [['07-01', true], ['03-31', true], ['12-31', true], ['02-28', true], ['02-29', false], ['02-30', false], ['13-01', false], ['7-1', false], ['', false]] as const) {
    t.equal(isMonthDay(s), want, s)
  }
  t.equal(onYear('07-01', 2027), '2027-07-01')
  t.throws(() => onYear('02-29', 2028), RangeError)
})

t.test('002 line 27 (item 6) 重新确认: only a confirmation announced since the change, for its year or a later one, answers it', async t => {
  const cases: Array<[string, number, string, boolean, string]> = [
    // due since, confirmation year, announced on → answers
    ['2026-12-01', 2026, '2026-12-15', true, 'this year\'s, announced after the rename'],
    ['2026-12-01', 2026, '2026-12-01', true, 'announced the day of the rename'],
    ['2026-12-01', 2027, '2027-01-10', true, 'the next year\'s'],
    ['2026-12-01', 2026, '2026-02-01', false, 'announced before the rename: recorded late, it is history'],
    ['2026-12-01', 2019, '2026-12-15', false, 'an old year recorded now: the body stays awaiting'],
    ['2027-01-03', 2026, '2027-01-04', false, 'last year\'s, though announced since: not for the body as it is now']
  ]
  for (const [dueSince, year, date, answers, why] of cases) t.equal(answersReconfirmation(dueSince, { year, date }), answers, why)
})

t.test('002 line 27 (item 6) 合并: a merger asks its successor for 重新确认; a dissolution does not; one already asked keeps its day', async t => {
  const cases: Array<['merged' | 'dissolved', string | null, boolean, string]> = [
    ['merged', null, true, 'merged into a successor not awaiting: asked now'],
    ['merged', '2026-05-01', false, 'already awaiting since May: that day stands'],
    ['dissolved', null, false, 'a dissolution changes no successor'],
    ['dissolved', '2026-05-01', false, 'nor one awaiting']
  ]
  for (const [how, dueSince, want, why] of cases) t.equal(mergerAsksReconfirmation(how, { reconfirmationDueSince: dueSince }), want, why)
})
