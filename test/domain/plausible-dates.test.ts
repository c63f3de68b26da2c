import t from 'tap'
import {
  dateRefusal, EARLIEST_DATE, joiningOrderRefusal, moveOrderRefusal, planningHorizon, suspensionEndRefusal, yearRefusal,
  type DateKind
} from '../../src/domain/plausible-dates.js'

const TODAY = '2026-12-01'
const code = (r: { code: string } | null) => r === null ? null : r.code

t.test('nothing is dated before the founding of the PRC, 1 October 1949', async t => {
  t.equal(EARLIEST_DATE, '1949-10-01')
  for (const kind of ['happened', 'planned'] as const) {
    t.equal(code(dateRefusal('1949-09-30', kind, TODAY)), 'DATE_OUT_OF_RANGE', `${kind}: the day before`)
    t.equal(code(dateRefusal('1900-01-01', kind, TODAY)), 'DATE_OUT_OF_RANGE', `${kind}: long before`)
    t.equal(dateRefusal('1949-10-01', kind, TODAY), null, `${kind}: the day itself`)
  }
  t.match(dateRefusal('1949-09-30', 'happened', TODAY)?.detail, /1949-10-01.*\/ 早于1949年10月1日/, 'bilingual, naming the bound')
})

t.test('what has happened is dated by today; what is planned by the end of next year', async t => {
  const cases: Array<[string, DateKind, string, string | null]> = [
    ['2026-12-01', 'happened', TODAY, null],
    ['2026-12-02', 'happened', TODAY, 'DATE_IN_FUTURE'],
    ['2999-12-31', 'happened', TODAY, 'DATE_IN_FUTURE'],
    ['2026-12-02', 'planned', TODAY, null],
    ['2027-12-31', 'planned', TODAY, null],
    ['2028-01-01', 'planned', TODAY, 'DATE_OUT_OF_RANGE'],
    ['2099-12-31', 'planned', TODAY, 'DATE_OUT_OF_RANGE'],
    // on 1 January the horizon is still the end of the next year
    ['2027-12-31', 'planned', '2026-01-01', null],
    ['2028-01-01', 'planned', '2026-01-01', 'DATE_OUT_OF_RANGE'],
    ['2028-12-31', 'planned', '2027-01-01', null]
  ]
  for (const [date, kind, today, want] of cases) t.equal(code(dateRefusal(date, kind, today)), want, `${kind} ${date} on ${today}`)
  t.equal(planningHorizon(TODAY), '2027-12-31')
  t.equal(planningHorizon('2027-01-01'), '2028-12-31')
  t.match(dateRefusal('2026-12-02', 'happened', TODAY)?.detail, /2026-12-01.*晚于今天/)
  t.match(dateRefusal('2028-01-01', 'planned', TODAY)?.detail, /2027-12-31.*明年年底/)
})

t.test('years: from 1949; one that happened up to this year, a planned one up to next year', async t => {
  const cases: Array<[number, DateKind, string | null]> = [
    [1948, 'happened', 'DATE_OUT_OF_RANGE'],
    [1949, 'happened', null],
    [2026, 'happened', null],
    [2027, 'happened', 'DATE_IN_FUTURE'],
    [1948, 'planned', 'DATE_OUT_OF_RANGE'],
    [2027, 'planned', null],
    [2028, 'planned', 'DATE_OUT_OF_RANGE']
  ]
  for (const [year, kind, want] of cases) t.equal(code(yearRefusal(year, kind, TODAY)), want, `${kind} ${year}`)
})

t.test('a departure or transfer follows the joining and the last move; the same day is fine', async t => {
  const cases: Array<[string, string, { joinedOn: string | null, lastMoveOn: string | null }, string | null]> = [
    ['no history', '2020-01-01', { joinedOn: null, lastMoveOn: null }, null],
    ['after joining', '2020-01-02', { joinedOn: '2020-01-01', lastMoveOn: null }, null],
    ['on the day of joining', '2020-01-01', { joinedOn: '2020-01-01', lastMoveOn: null }, null],
    ['the day before joining', '2019-12-31', { joinedOn: '2020-01-01', lastMoveOn: null }, 'DATE_BEFORE_JOINING'],
    ['after the last move', '2024-05-02', { joinedOn: '2020-01-01', lastMoveOn: '2024-05-01' }, null],
    ['on the day of the last move', '2024-05-01', { joinedOn: '2020-01-01', lastMoveOn: '2024-05-01' }, null],
    ['before the last move', '2024-04-30', { joinedOn: '2020-01-01', lastMoveOn: '2024-05-01' }, 'DATE_BEFORE_LAST_MOVE'],
    ['before the last move, joining unknown', '2024-04-30', { joinedOn: null, lastMoveOn: '2024-05-01' }, 'DATE_BEFORE_LAST_MOVE'],
    ['before both: the joining is named', '2019-01-01', { joinedOn: '2020-01-01', lastMoveOn: '2024-05-01' }, 'DATE_BEFORE_JOINING']
  ]
  for (const [name, date, history, want] of cases) t.equal(code(moveOrderRefusal(date, history)), want, name)
  t.match(moveOrderRefusal('2024-04-30', { joinedOn: null, lastMoveOn: '2024-05-01' })?.detail, /2024-05-01/)
})

t.test('a joining day cannot come after the departure nor after the first recorded move', async t => {
  const cases: Array<[string, string, { departedOn: string | null, firstMoveOn: string | null }, string | null]> = [
    ['no history', '2020-01-01', { departedOn: null, firstMoveOn: null }, null],
    ['before leaving', '2020-01-01', { departedOn: '2024-05-01', firstMoveOn: '2024-05-01' }, null],
    ['on the day of leaving', '2024-05-01', { departedOn: '2024-05-01', firstMoveOn: '2024-05-01' }, null],
    ['after leaving', '2024-05-02', { departedOn: '2024-05-01', firstMoveOn: '2024-05-01' }, 'DATE_BEFORE_JOINING'],
    ['after a transfer, still serving', '2023-01-01', { departedOn: null, firstMoveOn: '2022-06-01' }, 'DATE_BEFORE_JOINING'],
    ['before the first move of a person taken on again', '2010-01-01', { departedOn: null, firstMoveOn: '2022-06-01' }, null]
  ]
  for (const [name, joinedOn, history, want] of cases) t.equal(code(joiningOrderRefusal(joinedOn, history)), want, name)
  t.match(joiningOrderRefusal('2024-05-02', { departedOn: '2024-05-01', firstMoveOn: null })?.detail, /2024-05-01.*离岗/)
})

t.test('a suspension runs from today up to the card\'s last valid day', async t => {
  const cases: Array<[string, string | null, string | null]> = [
    ['2026-11-30', '2030-05-31', 'DATE_RANGE_INVALID'],
    ['2026-12-01', '2030-05-31', null],
    ['2030-05-31', '2030-05-31', null],
    ['2030-06-01', '2030-05-31', 'DATE_OUT_OF_RANGE'],
    ['2099-12-31', '2030-05-31', 'DATE_OUT_OF_RANGE'],
    ['2099-12-31', null, null]
  ]
  for (const [until, validUntil, want] of cases) t.equal(code(suspensionEndRefusal(until, TODAY, validUntil)), want, `until ${until}, valid until ${validUntil ?? 'no end'}`)
})
