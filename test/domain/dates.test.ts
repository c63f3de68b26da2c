import t from 'tap'
import {
  addDays, addYears, compareDates, dateParts, dayOfYear, daysBetween, daysInMonth, daysInYear,
  endOfYear, isIsoDate, isLeapYear, isoDate, shanghaiDate, startOfYear, yearOf
} from '../../src/domain/dates.js'

t.test('isIsoDate accepts real days only', async t => {
  const cases: Array<[unknown, boolean]> = [
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['1900-02-29', false],
    ['2000-02-29', true],
    ['2024-04-30', true],
    ['2024-04-31', false],
    ['2024-12-31', true],
    ['2024-13-01', false],
    ['2024-00-10', false],
    ['2024-01-00', false],
    ['2024-1-01', false],
    [' 2024-01-01', false],
    ['2024-01-01T00:00:00Z', false],
    ['2024-01-01\n', false],
    ['2024/01/01', false],
    ['２０２４-01-01', false],
    ['2024-０1-01', false],
    ['2024-01-0a', false],
    ['+024-01-01', false],
    ['2024--1-01', false],
    ['0000-02-29', true],
    [20240101, false],
    [null, false]
  ]
  for (const [s, want] of cases) t.equal(isIsoDate(s), want, JSON.stringify(s))
})

t.test('isIsoDate agrees with the calendar on every month and day number, leap years or not', async t => {
  const two = (n: number) => String(n).padStart(2, '0')
  let wrong = 0
  for (const y of [1900, 1999, 2000, 2023, 2024, 2100]) {
    for (let m = 0; m <= 13; m++) {
      for (let d = 0; d <= 32; d++) {
        const utc = new Date(Date.UTC(y, m - 1, d))
        const real = m >= 1 && m <= 12 && d >= 1 && utc.getUTCMonth() === m - 1 && utc.getUTCDate() === d
        if (isIsoDate(`${y}-${two(m)}-${two(d)}`) !== real) wrong++
      }
    }
  }
  t.equal(wrong, 0)
})

t.test('leap years, year and month lengths', async t => {
  const years: Array<[number, boolean, number]> = [
    [2023, false, 365], [2024, true, 366], [1900, false, 365], [2000, true, 366], [2100, false, 365]
  ]
  for (const [y, leap, days] of years) {
    t.equal(isLeapYear(y), leap, `leap ${y}`)
    t.equal(daysInYear(y), days, `days ${y}`)
  }
  const months: Array<[number, number, number]> = [
    [2024, 2, 29], [2023, 2, 28], [2023, 1, 31], [2023, 4, 30], [2023, 6, 30], [2023, 9, 30], [2023, 11, 30], [2023, 12, 31]
  ]
  for (const [y, m, days] of months) t.equal(daysInMonth(y, m), days, `${y}-${m}`)
})

t.test('isoDate, dateParts, startOfYear, endOfYear', async t => {
  t.equal(isoDate(987, 3, 5), '0987-03-05')
  t.same(dateParts('2024-07-01'), [2024, 7, 1])
  t.equal(startOfYear(2025), '2025-01-01')
  t.equal(endOfYear(2025), '2025-12-31')
  t.throws(() => isoDate(2023, 2, 29), RangeError)
  t.throws(() => dateParts('2023-02-29'), RangeError)
})

t.test('shanghaiDate is UTC+8 with no DST', async t => {
  const cases: Array<[string, string]> = [
    ['2024-12-31T15:59:59.999Z', '2024-12-31'],
    ['2024-12-31T16:00:00.000Z', '2025-01-01'],
    ['2024-02-28T16:00:00Z', '2024-02-29'],
    ['2024-07-01T00:00:00Z', '2024-07-01'],
    ['1970-01-01T00:00:00Z', '1970-01-01'],
    ['1969-12-31T15:59:59Z', '1969-12-31'],
    ['1969-12-31T16:00:00Z', '1970-01-01'],
    ['1900-03-01T12:00:00Z', '1900-03-01']
  ]
  for (const [iso, want] of cases) t.equal(shanghaiDate(new Date(iso)), want, iso)
  t.throws(() => shanghaiDate(new Date('nonsense')), RangeError)
})

t.test('yearOf and dayOfYear', async t => {
  const cases: Array<[string, number, number]> = [
    ['2024-01-01', 2024, 1],
    ['2024-03-01', 2024, 61],
    ['2023-03-01', 2023, 60],
    ['2025-07-01', 2025, 182],
    ['2024-07-01', 2024, 183],
    ['2023-12-31', 2023, 365],
    ['2024-12-31', 2024, 366]
  ]
  for (const [d, y, doy] of cases) {
    t.equal(yearOf(d), y, `year ${d}`)
    t.equal(dayOfYear(d), doy, `day ${d}`)
  }
})

t.test('addYears keeps the day, 29 February becomes 28 February', async t => {
  const cases: Array<[string, number, string]> = [
    ['2024-02-29', 1, '2025-02-28'],
    ['2024-02-29', 4, '2028-02-29'],
    ['2024-02-29', -1, '2023-02-28'],
    ['2024-02-28', 1, '2025-02-28'],
    ['2023-06-15', 0, '2023-06-15'],
    ['2023-12-31', 5, '2028-12-31']
  ]
  for (const [d, n, want] of cases) t.equal(addYears(d, n), want, `${d} + ${n}y`)
  t.throws(() => addYears('2024-01-01', 1.5), RangeError)
})

t.test('addDays across months, years and leap days', async t => {
  const cases: Array<[string, number, string]> = [
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2024-12-31', 1, '2025-01-01'],
    ['2025-01-01', -1, '2024-12-31'],
    ['2000-01-01', 146097, '2400-01-01'],
    ['1970-01-01', -1, '1969-12-31'],
    ['0001-01-01', 0, '0001-01-01']
  ]
  for (const [d, n, want] of cases) t.equal(addDays(d, n), want, `${d} + ${n}d`)
  t.throws(() => addDays('2024-01-01', 0.5), RangeError)
  t.throws(() => addDays('9999-12-31', 1), RangeError, 'past year 9999')
})

t.test('day arithmetic agrees with the platform calendar for every day 1890-2110', async t => {
  const oracle = new Date(Date.UTC(1890, 0, 1))
  let d = '1890-01-01'
  let mismatches = 0
  while (d !== '2111-01-01') {
    if (d !== oracle.toISOString().slice(0, 10)) mismatches++
    d = addDays(d, 1)
    oracle.setUTCDate(oracle.getUTCDate() + 1)
  }
  t.equal(mismatches, 0)
  t.equal(daysBetween('1890-01-01', '2111-01-01'), Math.round((Date.UTC(2111, 0, 1) - Date.UTC(1890, 0, 1)) / 86_400_000))
})

t.test('compareDates and daysBetween', async t => {
  const cases: Array<[string, string, -1 | 0 | 1, number]> = [
    ['2024-01-01', '2025-01-01', -1, 366],
    ['2025-01-01', '2024-01-01', 1, -366],
    ['2024-05-05', '2024-05-05', 0, 0],
    ['2024-12-31', '2025-01-01', -1, 1],
    ['1969-12-31', '1970-01-01', -1, 1]
  ]
  for (const [a, b, cmp, days] of cases) {
    t.equal(compareDates(a, b), cmp, `compare ${a} ${b}`)
    t.equal(daysBetween(a, b), days, `between ${a} ${b}`)
  }
  t.throws(() => compareDates('2024-02-30', '2024-03-01'), RangeError)
  t.throws(() => compareDates('2024-03-01', 'tomorrow'), RangeError)
})
