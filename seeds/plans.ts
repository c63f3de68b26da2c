// 年度培训计划 (003 line 52) for the seed's three training years: most bodies adopt theirs between
// December and late May (due by the end of May, PLAN_DUE), typically 60 to 80 学时 across public
// law, professional knowledge and enforcement skills; about one in twelve files none that year
// (small offices and townships more often), and about one in ten files a plan under 60 学时.
import { addDays, compareDates, isoDate, type IsoDate } from '../src/domain/dates.js'
import { CITY, type AgencyPlan } from './city.js'
import type { SeedCalendar } from './calendar.js'
import type { Random } from './random.js'

export interface PlanSeed {
  readonly agency: AgencyPlan
  readonly year: number
  /** The day it is filed (the clock of the call): on or before the seed's today. */
  readonly filedOn: IsoDate
  readonly approvedOn: IsoDate
  readonly publicLawHours: number
  readonly professionalHours: number
  readonly skillsHours: number
  readonly document: string
}

/** Hours in halves of a 学时, as plans are written (one decimal at most). */
const halves = (rnd: Random, min: number, max: number) => rnd.int(min * 2, max * 2) / 2

/** The plans of `years`, filed no later than the calendar's today (a plan for this year whose
 *  day would come later is filed on today instead, if at all). */
export function planTrainingPlans (rnd: Random, agencies: readonly AgencyPlan[], cal: SeedCalendar, years: readonly number[]): PlanSeed[] {
  const out: PlanSeed[] = []
  for (const year of years) {
    const numbers = new Map<string, number>()
    for (const a of agencies) {
      const small = a.level === 'township' || a.size <= 20
      if (rnd.chance(small ? 0.14 : 0.05)) continue // none filed this year
      const under = rnd.chance(0.1)
      const publicLawHours = under ? halves(rnd, 16, 24) : halves(rnd, 30, 40)
      const professionalHours = under ? halves(rnd, 12, 20) : halves(rnd, 20, 28)
      const skillsHours = under ? halves(rnd, 4, 12) : halves(rnd, 10, 16)
      // From 1 December of the year before to 25 May: 176 days.
      const planned = addDays(isoDate(year - 1, 12, 1), rnd.int(0, 175))
      const filedOn = compareDates(planned, cal.today) <= 0 ? planned : cal.today
      const approvedOn = addDays(filedOn, -rnd.int(0, 10))
      const issuer = a.county?.short ?? CITY.short
      const n = (numbers.get(issuer) ?? 0) + 1
      numbers.set(issuer, n)
      out.push({ agency: a, year, filedOn, approvedOn, publicLawHours, professionalHours, skillsHours, document: `${issuer}执法培〔${year}〕${n}号` })
    }
  }
  return out
}
