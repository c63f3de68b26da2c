// Rule 3: each officer in scope needs, per calendar year, at least 30 学时 of public-law
// training (公共法律知识) and at least 30 学时 of professional training (专业法律知识和执法技能)
// (policy 000 (二)(三), 004 一.3). The two buckets are separate minimums: surplus in one never
// covers the other. Minimums are versioned so a future change does not rewrite past years.
import { compareDates, daysBetween, endOfYear, onYear, startOfYear, yearOf } from './dates.js'
import type { IsoDate, MonthDay } from './dates.js'
import { hoursToUnits } from './hours.js'
import { ceilDiv, wholeNumber } from './integers.js'

export interface TrainingRule {
  version: string
  /** First calendar year the rule applies to. */
  effectiveFrom: number
  publicLawHours: number
  professionalHours: number
  /** Whether officers who join during a year owe only the share of the year left. */
  proRateJoiners: boolean
}

export const DEFAULT_TRAINING_RULES: readonly TrainingRule[] = Object.freeze([
  { version: '2023', effectiveFrom: 2023, publicLawHours: 30, professionalHours: 30, proRateJoiners: false }
])

/** Returns the rule in force in `year` (greatest effectiveFrom <= year; on a tie the later entry), or null: no requirement. */
export function ruleForYear (rules: readonly TrainingRule[], year: number): TrainingRule | null {
  let best: TrainingRule | null = null
  for (const r of rules) {
    if (r.effectiveFrom <= year && (best === null || r.effectiveFrom >= best.effectiveFrom)) best = r
  }
  return best
}

export interface Buckets {
  publicLaw: number
  professional: number
}

/** not_applicable: no minimum applies to this person this year (auxiliary staff; police when
 *  they are left out of training; not serving that year; no rule in force). Never counted as
 *  compliant, nor in compliance rates. */
export type TrainingStatus = 'compliant' | 'on_track' | 'at_risk' | 'non_compliant' | 'not_applicable'

/** The 全员轮训 deadline of 003 line 52 ("2024年6月底前完成行政执法队伍全员轮训") and 004 line 39
 *  ("原则上于2024年6月底前…全员轮训一遍"): before this day of a year nobody is at_risk by pace
 *  alone (rule 7). Configurable (AT_RISK_FROM). */
export const DEFAULT_AT_RISK_FROM: MonthDay = '07-01'

export interface TrainingInput {
  year: number
  /** The Shanghai date the evaluation is made on. */
  asOf: IsoDate
  joinedOn: IsoDate | null
  publicLawUnits: number
  professionalUnits: number
  rule: TrainingRule | null
  /** The checkpoint day from which the pace model applies (default DEFAULT_AT_RISK_FROM). */
  atRiskFrom?: MonthDay | undefined
}

export interface TrainingEvaluation {
  year: number
  ruleVersion: string | null
  required: Buckets
  deficits: Buckets
  expectedByNow: Buckets
  compliant: boolean
  status: TrainingStatus
}

function ruleUnits (hours: number): number {
  const r = hoursToUnits(hours)
  // A rule is configuration; a minimum that is not a whole number of units is a setup error.
  if (!r.ok) throw new RangeError(`training rule hours invalid (${r.reason}): ${hours}`)
  return r.units
}

function scale (b: Buckets, num: number, den: number): Buckets {
  return { publicLaw: ceilDiv(b.publicLaw * num, den), professional: ceilDiv(b.professional * num, den) }
}

/** The units at or above which, in both buckets, an officer is compliant in a year `rule`
 *  governs, whatever the day they joined and the day asked about: the rule's whole minimums (a
 *  pro-rated joiner owes less). Nothing for a null rule. A report that wants no compliant
 *  officer (the nightly findings) need not read those who did this much. */
export function compliantFrom (rule: TrainingRule | null): Buckets {
  return rule === null
    ? { publicLaw: 0, professional: 0 }
    : { publicLaw: ruleUnits(rule.publicLawHours), professional: ruleUnits(rule.professionalHours) }
}

/** What the year's rule asks of one officer as of a day, before counting what they did. */
export interface TrainingRequirement {
  readonly year: number
  readonly ruleVersion: string | null
  /** The minimums, pro-rated for a joiner. */
  readonly required: Readonly<Buckets>
  /** The share of `required` expected by asOf. */
  readonly expectedByNow: Readonly<Buckets>
  /** asOf lies after 31 December of the year: a shortfall is final. */
  readonly yearOver: boolean
  /** asOf is on or after the year's checkpoint (AT_RISK_FROM): a shortfall against the pace
   *  is at_risk; before it, on_track (rule 7). */
  readonly paceApplies: boolean
  /** A rule is in force that year (else: not_applicable). */
  readonly applies: boolean
}

/** Whether `rule` asks of an officer who joined on `joinedOn` only the share of `year` left:
 *  the rule pro-rates joiners and they joined during that year. */
export function proRatedJoiner (rule: TrainingRule | null, year: number, joinedOn: IsoDate | null): joinedOn is IsoDate {
  return rule !== null && rule.proRateJoiners && joinedOn !== null && yearOf(joinedOn) === year
}

/**
 * Returns what `rule` requires of an officer for `year` as of `asOf`, in units (1/90 学时): the
 * whole minimums, or for a pro-rated joiner the share of the year from the joining day; and the
 * part of that expected by asOf. A null rule requires nothing.
 */
export function trainingRequirement (input: Omit<TrainingInput, 'publicLawUnits' | 'professionalUnits'>): TrainingRequirement {
  const { year, asOf, joinedOn, rule, atRiskFrom = DEFAULT_AT_RISK_FROM } = input
  const yearStart = startOfYear(year)
  const yearEnd = endOfYear(year)
  const yearDays = daysBetween(yearStart, yearEnd) + 1

  // The period the requirement covers: the whole year, or, for a pro-rated joiner,
  // from the joining day to 31 December inclusive.
  const periodStart = proRatedJoiner(rule, year, joinedOn) ? joinedOn : yearStart
  const periodDays = daysBetween(periodStart, yearEnd) + 1

  const full = compliantFrom(rule)
  // Rounded up: a joiner never owes less than their share, and whole units stay exact.
  const required = scale(full, periodDays, yearDays)

  // Expected so far: the share of the period elapsed by asOf, so a pro-rated joiner is
  // measured from the day they joined, not from 1 January.
  const elapsed = Math.min(periodDays, Math.max(0, daysBetween(periodStart, asOf) + 1))
  // Frozen: a report shares one requirement among thousands of evaluations.
  return Object.freeze({
    year,
    ruleVersion: rule === null ? null : rule.version,
    required: Object.freeze(required),
    expectedByNow: Object.freeze(scale(required, elapsed, periodDays)),
    yearOver: compareDates(asOf, yearEnd) > 0,
    paceApplies: compareDates(asOf, onYear(atRiskFrom, year)) >= 0,
    applies: rule !== null
  })
}

/**
 * Returns the standing of an officer who did `publicLawUnits` and `professionalUnits` against a
 * requirement: 'not_applicable' when no rule is in force; 'compliant' when both minimums are
 * met; otherwise 'non_compliant' once the year is over, else, from the checkpoint day on,
 * 'at_risk' when either bucket is below the share expected by now, else 'on_track'. Throws
 * RangeError on negative or fractional units.
 */
export function standing (req: TrainingRequirement, publicLawUnits: number, professionalUnits: number): TrainingEvaluation {
  const have: Buckets = {
    publicLaw: wholeNumber('publicLawUnits', publicLawUnits),
    professional: wholeNumber('professionalUnits', professionalUnits)
  }
  const deficits: Buckets = {
    publicLaw: Math.max(0, req.required.publicLaw - have.publicLaw),
    professional: Math.max(0, req.required.professional - have.professional)
  }
  let status: TrainingStatus
  if (!req.applies) status = 'not_applicable'
  else if (deficits.publicLaw === 0 && deficits.professional === 0) status = 'compliant'
  else if (req.yearOver) status = 'non_compliant'
  else if (req.paceApplies && (have.publicLaw < req.expectedByNow.publicLaw || have.professional < req.expectedByNow.professional)) status = 'at_risk'
  else status = 'on_track'

  return {
    year: req.year,
    ruleVersion: req.ruleVersion,
    required: req.required,
    deficits,
    expectedByNow: req.expectedByNow,
    compliant: status === 'compliant',
    status
  }
}

/**
 * Returns the officer's standing for `year` as of `asOf`, all in units (1/90 学时): what the
 * rule requires of them (trainingRequirement) against what they did (standing). A null rule
 * means no requirement (not_applicable). Throws RangeError on negative or fractional units.
 */
export function evaluateTraining (input: TrainingInput): TrainingEvaluation {
  return standing(trainingRequirement(input), input.publicLawUnits, input.professionalUnits)
}

export interface ScopeFacts {
  status: 'active' | 'departed'
  auxiliary: boolean
  police: boolean
}

/** Returns true when rule 3 applies: an active officer who is not auxiliary (002 item 10: not an
 *  officer), police included unless `includePolice` is false (004 line 39, 一.3, names 县公安局
 *  among the units whose officers owe 30 学时; line 45 keeps only their card under the
 *  人民警察法). Setting TRAINING_INCLUDES_POLICE, default true. */
export function inTrainingScope ({ status, auxiliary, police }: ScopeFacts, includePolice = true): boolean {
  return status === 'active' && !auxiliary && (includePolice || !police)
}

const NOTHING: Readonly<Buckets> = Object.freeze({ publicLaw: 0, professional: 0 })

/** The standing of someone to whom no minimum applies in `year` (out of training scope, rule 7):
 *  not_applicable, nothing required, never compliant. */
export function notApplicable (year: number): TrainingEvaluation {
  return { year, ruleVersion: null, required: NOTHING, deficits: NOTHING, expectedByNow: NOTHING, compliant: false, status: 'not_applicable' }
}
