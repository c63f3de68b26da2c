// Calendar dates as 'YYYY-MM-DD' strings. Legal deadlines, certificate validity and the
// training year are all whole days in Asia/Shanghai, so the domain never handles times of day.
// Arithmetic goes through a day count (days since 1970-01-01) computed with integers only,
// so no time zone, DST rule or Date quirk (years 0-99 map to 1900+) can shift a day.

/** A calendar date written 'YYYY-MM-DD'. */
export type IsoDate = string

const MS_PER_DAY = 86_400_000
// China has had no DST since 1991 and Asia/Shanghai is a fixed UTC+8.
const SHANGHAI_OFFSET_MS = 8 * 3_600_000

/** Returns true when `y` is a Gregorian leap year. */
export function isLeapYear (y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
}

/** Returns 366 for leap years, else 365. */
export function daysInYear (y: number): number {
  return isLeapYear(y) ? 366 : 365
}

/** Returns the number of days in month `m` (1-12) of year `y`. */
export function daysInMonth (y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31
}

// The number the ASCII digits s[from..to) write, or -1 when one of them is not an ASCII
// digit (full-width digits included).
function digitsAt (s: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    n = n * 10 + c
  }
  return n
}

/** Returns true when `s` is a 'YYYY-MM-DD' string naming a real calendar day. */
export function isIsoDate (s: unknown): s is IsoDate {
  // Read character by character (no regular expression, nothing allocated): a report checks
  // every date it compares, a few hundred thousand of them.
  if (typeof s !== 'string' || s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false
  const y = digitsAt(s, 0, 4)
  const mo = digitsAt(s, 5, 7)
  const d = digitsAt(s, 8, 10)
  return y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo)
}

/** Splits a date into [year, month, day]; throws RangeError on anything but a real date. */
export function dateParts (d: IsoDate): [number, number, number] {
  // Invalid dates here are programming errors: input is validated at the edge.
  assertDate(d)
  return [digitsAt(d, 0, 4), digitsAt(d, 5, 7), digitsAt(d, 8, 10)]
}

/** Builds 'YYYY-MM-DD' from numbers; throws RangeError when the day does not exist. */
export function isoDate (y: number, m: number, d: number): IsoDate {
  const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
  if (!isIsoDate(s)) throw new RangeError(`no such date: ${y}-${m}-${d}`)
  return s
}

// Howard Hinnant's days_from_civil / civil_from_days: exact integer maths on the
// proleptic Gregorian calendar, with 400-year eras starting on 1 March.
function toEpochDay (d: IsoDate): number {
  const [y0, m, day] = dateParts(d)
  const y = m <= 2 ? y0 - 1 : y0
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

function fromEpochDay (n: number): IsoDate {
  const z = n + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  return isoDate(era * 400 + yoe + (m <= 2 ? 1 : 0), m, d)
}

/** Returns the Asia/Shanghai calendar date of an instant; throws RangeError for an invalid Date. */
export function shanghaiDate (instant: Date): IsoDate {
  const ms = instant.getTime()
  if (Number.isNaN(ms)) throw new RangeError('invalid Date')
  return fromEpochDay(Math.floor((ms + SHANGHAI_OFFSET_MS) / MS_PER_DAY))
}

/** Returns the year of a date. */
export function yearOf (d: IsoDate): number {
  return dateParts(d)[0]
}

/** Returns the 1-based day of the year (1 January = 1, 31 December = 365 or 366). */
export function dayOfYear (d: IsoDate): number {
  return toEpochDay(d) - toEpochDay(isoDate(yearOf(d), 1, 1)) + 1
}

/** Returns the date `n` days later (earlier when negative). */
export function addDays (d: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`not a whole number of days: ${n}`)
  return fromEpochDay(toEpochDay(d) + n)
}

/** Returns the same day `n` years later (earlier when negative); 29 February becomes 28 February in a common year. */
export function addYears (d: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`not a whole number of years: ${n}`)
  const [y, m, day] = dateParts(d)
  const target = y + n
  return isoDate(target, m, Math.min(day, daysInMonth(target, m)))
}

/** Returns -1, 0 or 1 as `a` is before, equal to or after `b`. */
export function compareDates (a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  // Validated fixed-width strings sort like the dates they name.
  assertDate(a)
  assertDate(b)
  return a < b ? -1 : a > b ? 1 : 0
}

function assertDate (d: IsoDate): void {
  if (!isIsoDate(d)) throw new RangeError(`not an ISO date: ${String(d)}`)
}

/** Returns the signed number of days from `a` to `b` (positive when `b` is later). */
export function daysBetween (a: IsoDate, b: IsoDate): number {
  return toEpochDay(b) - toEpochDay(a)
}

/** Returns 1 January of year `y`. */
export function startOfYear (y: number): IsoDate {
  return isoDate(y, 1, 1)
}

/** Returns 31 December of year `y`. */
export function endOfYear (y: number): IsoDate {
  return isoDate(y, 12, 31)
}

/** A day of the year written 'MM-DD' (a setting such as AT_RISK_FROM); never 02-29, so it
 *  names a day in every year. */
export type MonthDay = string

/** Returns true when `s` is 'MM-DD' naming a day that every year has. */
export function isMonthDay (s: unknown): s is MonthDay {
  return typeof s === 'string' && s !== '02-29' && isIsoDate(`2001-${s}`)
}

/** Returns the date of `md` in `year`; throws RangeError when md is not a MonthDay. */
export function onYear (md: MonthDay, year: number): IsoDate {
  if (!isMonthDay(md)) throw new RangeError(`not a month and day MM-DD: ${String(md)}`)
  return `${String(year).padStart(4, '0')}-${md}`
}
