// Rule 3 around the arithmetic: who a year's requirement applies to on a given day, what
// happens to each officer named in a bulk attendance, and how a record's 学时 were derived,
// in words a clerk can check by hand.
import { compareDates, endOfYear, onYear, yearOf, type IsoDate, type MonthDay } from './dates.js'
import { DEFAULT_AT_RISK_FROM, inTrainingScope, proRatedJoiner, standing, trainingRequirement, type TrainingEvaluation, type TrainingRequirement, type TrainingRule, type TrainingStatus } from './compliance.js'
import { formatHours, UNITS_PER_HOUR, type HoursRule } from './hours.js'

export interface ServiceFacts {
  status: 'active' | 'departed'
  joinedOn: IsoDate | null
  departedOn: IsoDate | null
}

/**
 * Returns true when the officer was at their post on `date`: joined on or before it (an
 * unknown joining date counts as always) and, if departed, left after it. The day of leaving
 * is no longer a working day; a departure without a date counts as long ago.
 */
export function activeOn (f: ServiceFacts, date: IsoDate): boolean {
  if (f.joinedOn !== null && compareDates(f.joinedOn, date) > 0) return false
  if (f.status === 'active') return true
  return f.departedOn !== null && compareDates(f.departedOn, date) > 0
}

/**
 * Returns the day scope is judged on for `year` evaluated on `asOf`: asOf itself, or
 * 31 December when asOf lies after the year (who owed training for a closed year does not
 * change when they leave later).
 */
export function scopeDay (year: number, asOf: IsoDate): IsoDate {
  const end = endOfYear(year)
  return compareDates(asOf, end) > 0 ? end : asOf
}

/** Returns true when rule 3 applies to the officer for `year` as of `asOf`: at their post on
 *  scopeDay(year, asOf), not auxiliary, and not police unless `includePolice` (the default:
 *  004 line 39 names 县公安局 among those who owe 30 学时). */
export function inTrainingScopeFor (f: ServiceFacts & { auxiliary: boolean, police: boolean }, year: number, asOf: IsoDate, includePolice = true): boolean {
  return trainingScopeTest(year, asOf, includePolice)(f)
}

/** inTrainingScopeFor for many officers and one (year, asOf): the day is worked out once. */
export function trainingScopeTest (year: number, asOf: IsoDate, includePolice = true): (f: ServiceFacts & { auxiliary: boolean, police: boolean }) => boolean {
  const day = scopeDay(year, asOf)
  return (f) => inTrainingScope({ status: activeOn(f, day) ? 'active' : 'departed', auxiliary: f.auxiliary, police: f.police }, includePolice)
}

/**
 * Returns the training year a nightly run on `asOf` looks at by default: until the checkpoint
 * day (AT_RISK_FROM, default 1 July: the 全员轮训 deadline) the last closed year, whose
 * non-compliance is the finding that matters in the first months; from it, the current year,
 * whose pace can then be judged (rule 7).
 */
export function defaultNightlyYear (asOf: IsoDate, atRiskFrom: MonthDay = DEFAULT_AT_RISK_FROM): number {
  const year = yearOf(asOf)
  return compareDates(asOf, onYear(atRiskFrom, year)) < 0 ? year - 1 : year
}

/** A stretch when a person was not at any post: from the day they left (inclusive) to the day
 *  they were taken on again (exclusive). */
export interface ServiceGap { readonly from: IsoDate, readonly to: IsoDate }

/**
 * Returns the gaps in a person's service from their recorded moves (any order): each taking on
 * again ('rejoin', dated the day the new stint began) closes the gap opened by the departure
 * before it. A departure not followed by a rejoin is the current absence (departedOn), not a gap.
 */
export function serviceGaps (moves: ReadonlyArray<{ kind: 'transfer' | 'departure' | 'rejoin', date: IsoDate }>): ServiceGap[] {
  const sorted = [...moves].sort((a, b) => compareDates(a.date, b.date) || (a.kind === 'departure' ? -1 : 1))
  const gaps: ServiceGap[] = []
  let left: IsoDate | null = null
  for (const m of sorted) {
    if (m.kind === 'departure') left = m.date
    else if (m.kind === 'rejoin' && left !== null) {
      if (compareDates(left, m.date) < 0) gaps.push({ from: left, to: m.date })
      left = null
    }
  }
  return gaps
}

export type AttendanceOutcome = 'recorded' | 'already_recorded' | 'not_found' | 'officer_departed'

/**
 * Returns the last completion date whose records count for `year` evaluated on `asOf`, when that
 * is not simply all of the year's records: asOf itself when it lies before both today and the
 * end of the year (a standing as of a past day counts what had been received by that day, not
 * training completed after it). null: every record of the year counts (asOf is today or later,
 * and nothing is credited ahead of today; or the year was over by asOf), which is what the
 * maintained per-officer-year totals hold.
 */
export function recordsCountedUpTo (year: number, asOf: IsoDate, today: IsoDate): IsoDate | null {
  return compareDates(asOf, today) < 0 && compareDates(asOf, endOfYear(year)) < 0 ? asOf : null
}

/** The year and day a standing is for, from what was asked (either may be left out) on
 *  `today`: asOf defaults to today and the year to asOf's; and the last completion date whose
 *  records count (recordsCountedUpTo; null: the whole year's, the maintained totals). */
export function evaluationPeriod (asked: { year?: number | undefined, asOf?: IsoDate | undefined }, today: IsoDate): { year: number, asOf: IsoDate, recordsUpTo: IsoDate | null } {
  const asOf = asked.asOf ?? today
  const year = asked.year ?? yearOf(asOf)
  return { year, asOf, recordsUpTo: recordsCountedUpTo(year, asOf, today) }
}

/** Whether training completed on `completedOn` has been received by `today`: 学时 are
 *  credited from the day a training ends (000 (二)(三): 每人每年接受…培训), never ahead of it. */
export function completedBy (completedOn: IsoDate, today: IsoDate): boolean {
  return compareDates(completedOn, today) <= 0
}

/** Whether the officer serves on `day`: still active, or leaving after it (the day of leaving is
 *  no longer a working day; a departure without a date counts as long ago). One who does not
 *  may be taken on again by another registration (rule 2: a move keeps the person). */
export function servingOn (officer: { status: 'active' | 'departed', departedOn: IsoDate | null }, day: IsoDate): boolean {
  return officer.status === 'active' || (officer.departedOn !== null && compareDates(officer.departedOn, day) > 0)
}

/** What crediting needs to know of an officer: their status, the day they left, and the gaps
 *  between earlier stints (serviceGaps; none when absent). */
export interface CreditFacts { status: 'active' | 'departed', departedOn: IsoDate | null, gaps?: readonly ServiceGap[] | undefined }

/** Whether training completed on `completedOn` can be credited to the officer: they were at
 *  their post that day (servingOn), and the day does not fall between a departure and their
 *  being taken on again (a gap: 000 (二)(三) credits 行政执法人员, which they were not then).
 *  An HR system that sends a departed officer's earlier training late is recording history,
 *  not crediting someone gone. */
export function creditableOn (officer: CreditFacts, completedOn: IsoDate): boolean {
  if (!servingOn(officer, completedOn)) return false
  return !(officer.gaps ?? []).some((g) => compareDates(g.from, completedOn) <= 0 && compareDates(completedOn, g.to) < 0)
}

/**
 * Returns what happens to one officer named in a bulk attendance of a training completed on
 * `completedOn`: not_found when the officer does not exist or lies outside the caller's scope
 * (undefined), already_recorded on a repeat (in the database or earlier in the same request),
 * officer_departed when they had left by that day, else recorded.
 */
export function attendanceOutcome (officer: CreditFacts | undefined, alreadyRecorded: boolean, completedOn: IsoDate): AttendanceOutcome {
  if (officer === undefined) return 'not_found'
  if (alreadyRecorded) return 'already_recorded'
  if (!creditableOn(officer, completedOn)) return 'officer_departed'
  return 'recorded'
}

export interface Conversion {
  rule: HoursRule
  rawHours: string | null
  rawMinutes: number | null
  units: number
}

/**
 * Returns how a record's 学时 were derived, e.g. '1350 分钟 ÷ 45 = 30 学时 (2700/90)' or
 * '1.5 学时 as stated / 按所列学时 (135/90)'. '≈' marks a figure rounded for display
 * (100 分钟 ≈ 2.22 学时); the units are always exact.
 */
export function explainConversion (c: Conversion): string {
  const exact = (c.units * 100) % UNITS_PER_HOUR === 0
  const units = `(${c.units}/${UNITS_PER_HOUR})`
  if (c.rule === 'minutes_45') return `${c.rawMinutes ?? '?'} 分钟 ÷ 45 ${exact ? '=' : '≈'} ${formatHours(c.units)} 学时 ${units}`
  return `${c.rawHours ?? '?'} 学时 as stated / 按所列学时 ${units}`
}

/** Returns true when a standing needs someone to act: behind pace during the year (at_risk)
 *  or short once it is over (non_compliant). on_track, compliant and not_applicable are not
 *  findings. */
export function isFinding (status: TrainingStatus): boolean {
  return status === 'at_risk' || status === 'non_compliant'
}

/**
 * Returns evaluateTraining fixed to one year, day and rule, for a report over many officers:
 * what the rule requires is worked out once for everyone who did not join this year, and once
 * per joining day for those who did (when the rule pro-rates joiners); each officer then costs
 * only the comparison (standing). The `required` and `expectedByNow` of the evaluations are
 * shared and frozen.
 */
export function trainingEvaluator (year: number, asOf: IsoDate, rule: TrainingRule | null, atRiskFrom: MonthDay = DEFAULT_AT_RISK_FROM) {
  const whole = trainingRequirement({ year, asOf, joinedOn: null, rule, atRiskFrom })
  const joiners = new Map<string, TrainingRequirement>()
  return (joinedOn: IsoDate | null, publicLawUnits: number, professionalUnits: number): TrainingEvaluation => {
    let req = whole
    if (proRatedJoiner(rule, year, joinedOn)) {
      const known = joiners.get(joinedOn)
      if (known === undefined) joiners.set(joinedOn, req = trainingRequirement({ year, asOf, joinedOn, rule, atRiskFrom }))
      else req = known
    }
    return standing(req, publicLawUnits, professionalUnits)
  }
}
