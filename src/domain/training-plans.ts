// Yearly training plans (年度培训计划) and what an agency delivers against them, in exact units of
// 1/90 学时 (hours.ts). Policy 003 (line 52): each agency files a plan of at least 60 学时 a year,
// covering 公共法律知识, 业务知识 and 行政执法技能, by the end of May (line ~159: 2024年5月底前), and
// trains every officer in rotation (全员轮训) by the end of June (003 lines 171–175, 004 line 39);
// 000 line 93: each agency organises at least 30 学时 of offline public-law training itself.
import { compareDates, onYear, yearOf, type IsoDate, type MonthDay } from './dates.js'
import { hoursToUnits, HOURS_REFUSAL_TEXT, UNITS_PER_HOUR } from './hours.js'
import { rate } from './statistics.js'

/** A plan's minimum: 60 学时 (003 line 52). */
export const PLAN_MINIMUM_UNITS = 60 * UNITS_PER_HOUR
/** The offline public-law training an agency organises itself: 30 学时 (000 line 93). */
export const OFFLINE_PUBLIC_LAW_MINIMUM_UNITS = 30 * UNITS_PER_HOUR
/** One part of a plan above this is a typing error, not a plan (as one training record's cap). */
export const MAX_PART_UNITS = 1000 * UNITS_PER_HOUR

/** The plan is due by this day of its year (003: 2024年5月底前). */
export const DEFAULT_PLAN_DUE: MonthDay = '05-31'
/** Every officer trained in rotation by this day of the year (003, 004: 6月底前). */
export const DEFAULT_ROTATION_CHECKPOINT: MonthDay = '06-30'

export type PlanPart = 'publicLawHours' | 'professionalHours' | 'skillsHours'
export const PLAN_PARTS: readonly PlanPart[] = ['publicLawHours', 'professionalHours', 'skillsHours']

/** A plan's three parts in units: 公共法律知识, 业务知识, 行政执法技能. */
export interface PlanUnits { publicLaw: number, professional: number, skills: number }

export type PlanUnitsResult =
  | { ok: true, units: PlanUnits }
  | { ok: false, field: PlanPart, reason: string }

/**
 * Returns a plan's parts in units from 学时 given as trainings' `hours` are (a number or a decimal
 * string, at most one decimal, hours.ts hoursToUnits); refuses the first part that is malformed
 * or above 1000 学时, naming it. A part may be 0.
 */
export function planUnits (hours: Record<PlanPart, string | number>): PlanUnitsResult {
  const units: number[] = []
  for (const field of PLAN_PARTS) {
    const r = hoursToUnits(hours[field])
    if (!r.ok) return { ok: false, field, reason: HOURS_REFUSAL_TEXT[r.reason] }
    if (r.units > MAX_PART_UNITS) return { ok: false, field, reason: 'at most 1000 学时 / 不得超过 1000 学时' }
    units.push(r.units)
  }
  const [publicLaw = 0, professional = 0, skills = 0] = units
  return { ok: true, units: { publicLaw, professional, skills } }
}

/** Returns a plan's total units. */
export function planTotal (p: PlanUnits): number {
  return p.publicLaw + p.professional + p.skills
}

/** Returns true when a plan's total reaches 60 学时. */
export function meetsPlanMinimum (p: PlanUnits): boolean {
  return planTotal(p) >= PLAN_MINIMUM_UNITS
}

export type PlanStatus = 'filed' | 'below_minimum' | 'missing' | 'not_due'

/** Returns the day a year's plan is due: `due` (MM-DD) of that year. */
export function planDueDay (year: number, due: MonthDay = DEFAULT_PLAN_DUE): IsoDate {
  return onYear(due, year)
}

/** Returns the year whose plans the nightly checks on `asOf`: the latest one already due, that
 *  is asOf's year once its due day has passed, the year before until then (in January a plan
 *  missing for the year just closed is still the finding). */
export function latestDuePlanYear (asOf: IsoDate, due: MonthDay = DEFAULT_PLAN_DUE): number {
  const year = yearOf(asOf)
  return compareDates(asOf, planDueDay(year, due)) > 0 ? year : year - 1
}

/** Returns the rotation checkpoint of a year: `checkpoint` (MM-DD) of that year. */
export function rotationCheckpointDay (year: number, checkpoint: MonthDay = DEFAULT_ROTATION_CHECKPOINT): IsoDate {
  return onYear(checkpoint, year)
}

/**
 * Returns an agency's plan status for `year` as of `asOf`: filed (≥ 60 学时), below_minimum (a
 * plan under 60 学时), missing (no plan and the due day has passed: a plan filed on the due day is
 * on time), not_due (no plan yet, the due day not passed).
 */
export function planStatus (plan: PlanUnits | null, year: number, asOf: IsoDate, due: MonthDay = DEFAULT_PLAN_DUE): PlanStatus {
  if (plan !== null) return meetsPlanMinimum(plan) ? 'filed' : 'below_minimum'
  return compareDates(asOf, planDueDay(year, due)) > 0 ? 'missing' : 'not_due'
}

/** Returns true when the offline public-law training an agency organised is under 30 学时. */
export function offlinePublicLawShort (offlinePublicLawUnits: number): boolean {
  return offlinePublicLawUnits < OFFLINE_PUBLIC_LAW_MINIMUM_UNITS
}

/** 全员轮训 coverage: officers owed the rotation, those trained, and the share in percent. */
export interface RotationCoverage { officers: number, trained: number, percent: number | null }

/**
 * Returns rotation coverage: `trained` of `officers`, percent rounded once, half up, to one
 * decimal (integers until then: per-mille rounded, then divided by 10); null when no officer
 * is owed it. Throws RangeError unless 0 ≤ trained ≤ officers, both whole.
 */
export function rotationCoverage (officers: number, trained: number): RotationCoverage {
  if (!Number.isSafeInteger(officers) || !Number.isSafeInteger(trained) || trained < 0 || trained > officers) {
    throw new RangeError(`rotation coverage needs 0 ≤ trained ≤ officers, got ${trained} of ${officers}`)
  }
  return { officers, trained, percent: rate(trained, officers).percent }
}

/** The day rotation is counted up to for a report as of `asOf`: the checkpoint, or asOf when that
 *  comes first (a record dated after asOf was not known on asOf). */
export function rotationCountedUpTo (checkpoint: IsoDate, asOf: IsoDate): IsoDate {
  return compareDates(asOf, checkpoint) < 0 ? asOf : checkpoint
}

/** Whether a plan filed (registered here) on `filedOn` was on file on `asOf`: one filed later was
 *  not there yet, as a training ended later was not delivered. */
export function planOnFile (filedOn: IsoDate, asOf: IsoDate): boolean {
  return compareDates(filedOn, asOf) <= 0
}

/** Whether an agency of this status files plans: a merged or dissolved one does not, its
 *  successor does (and the report lists active agencies only). */
export function filesPlans (status: 'active' | 'merged' | 'dissolved'): boolean {
  return status === 'active'
}
