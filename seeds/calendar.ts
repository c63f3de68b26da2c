// The seed's calendar: everything is dated relative to "today" (the day the seed runs, or the
// one given), so the demo always shows this year's confirmations, this year's training gaps
// and cards that ran out by now. The registry opened six years ago.
import { addDays, compareDates, isoDate, type IsoDate } from '../src/domain/dates.js'
import type { AgencyPlan } from './city.js'

export interface SeedCalendar {
  readonly today: IsoDate
  readonly year: number
  /** The day the registry started; agencies exist from the month before. */
  readonly registryOpened: IsoDate
  readonly agenciesCreated: IsoDate
  /** Years with confirmations, oldest first (the current year last). */
  readonly confirmationYears: readonly number[]
  /** Exam session dates, oldest first (two a year, none after today). */
  readonly sessions: readonly IsoDate[]
  readonly passMark: number
  readonly validityYears: number
  /** When an agency was confirmed in a year, or null (not confirmed). */
  confirmedOn (agency: AgencyPlan, year: number): IsoDate | null
  /** The first day on or after `date` the agency may issue (confirmed that year), or null
   *  when that is after today or the agency is not confirmed that year. */
  issuable (agency: AgencyPlan, date: IsoDate): IsoDate | null
}

const CONFIRMATION_DAY: Record<AgencyPlan['level'], number> = { city: 6, county: 9, township: 13 }

export function seedCalendar (today: IsoDate, options: { passMark: number, validityYears: number, unconfirmed: ReadonlySet<number> }): SeedCalendar {
  const year = Number(today.slice(0, 4))
  const first = year - 6
  const sessions: IsoDate[] = []
  for (let y = first; y <= year; y++) {
    for (const d of [isoDate(y, 5, 16), isoDate(y, 10, 24)]) if (compareDates(d, today) < 0) sessions.push(d)
  }
  const confirmedOn = (agency: AgencyPlan, y: number): IsoDate | null => {
    if (y < first || y > year) return null
    if (y === year && options.unconfirmed.has(agency.index)) return null
    const d = isoDate(y, 1, CONFIRMATION_DAY[agency.level])
    return compareDates(d, today) <= 0 ? d : null
  }
  return {
    today,
    year,
    registryOpened: isoDate(first, 1, 3),
    agenciesCreated: isoDate(first - 1, 12, 1),
    confirmationYears: Array.from({ length: year - first + 1 }, (_, i) => first + i),
    sessions,
    passMark: options.passMark,
    validityYears: options.validityYears,
    confirmedOn,
    issuable (agency, date) {
      const y = Number(date.slice(0, 4))
      const confirmed = confirmedOn(agency, y)
      if (confirmed === null) return null
      const d = compareDates(date, confirmed) > 0 ? date : addDays(confirmed, 1)
      return compareDates(d, today) <= 0 ? d : null
    }
  }
}
