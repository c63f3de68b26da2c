// Training time in exact integers. The unit is 1/90 学时: 0.1 学时 = 9 units and, with
// 45 minutes = 1 学时 (policy 003: 未明确具体学时的教育培训按45分钟为1个学时), 1 minute = 2 units.
// Summing 0.1 three hundred times in floating point gives 30.000000000000156, not 30, and
// errors the other way would mark a fully trained officer as short; in units it is 2700.
import type { ErrorCode } from '../errors.js'
import { roundDiv, wholeNumber } from './integers.js'

export const UNITS_PER_HOUR = 90
export const UNITS_PER_MINUTE = 2

export type HoursRefusal = 'not_a_number' | 'negative' | 'too_many_decimals' | 'too_large'

export type HoursResult =
  | { ok: true, units: number }
  | { ok: false, reason: HoursRefusal }

// One decimal place; further zeros are allowed because decimal columns print 1.5 as "1.50".
const HOURS = /^(\d+)(?:\.(\d)0*)?$/

/**
 * Returns 学时 as units. Accepts a number or a decimal string, >= 0, at most one decimal
 * place (0.15 is refused: it is not a whole number of units). Never multiplies a float:
 * a number is read through its decimal text, which for 0.1 is exactly "0.1".
 */
export function hoursToUnits (h: string | number): HoursResult {
  let text: string
  if (typeof h === 'number') {
    if (!Number.isFinite(h)) return { ok: false, reason: 'not_a_number' }
    if (h < 0) return { ok: false, reason: 'negative' }
    text = String(h)
    // String() switches to exponent form below 1e-6 and from 1e21 on.
    if (text.includes('e-')) return { ok: false, reason: 'too_many_decimals' }
    if (text.includes('e+')) return { ok: false, reason: 'too_large' }
  } else {
    text = h.trim()
    if (/^-\d/.test(text)) return { ok: false, reason: 'negative' }
  }
  const m = HOURS.exec(text)
  if (m === null) return { ok: false, reason: /^\d+\.\d+$/.test(text) ? 'too_many_decimals' : 'not_a_number' }
  const units = Number(m[1]) * UNITS_PER_HOUR + Number(m[2] ?? '0') * (UNITS_PER_HOUR / 10)
  if (!Number.isSafeInteger(units)) return { ok: false, reason: 'too_large' }
  return { ok: true, units }
}

/** Returns minutes as units (45 minutes = 1 学时 = 90 units); throws RangeError unless a whole number >= 0. */
export function minutesToUnits (m: number): number {
  return wholeNumber('minutes', m) * UNITS_PER_MINUTE
}

/** How a record's units were derived: stated 学时, or minutes at 45 per 学时. */
export type HoursRule = 'hours' | 'minutes_45'

export interface RecordDuration {
  hours?: string | number | null
  minutes?: number | null
}

/** Each refusal of an hours figure as a sentence a clerk can act on, in English and Chinese. */
export const HOURS_REFUSAL_TEXT: Record<HoursRefusal, string> = {
  not_a_number: 'hours must be a number of 学时, e.g. 2 or 1.5 / 学时须为数字，如 2 或 1.5',
  negative: 'hours cannot be negative / 学时不能为负数',
  too_many_decimals: 'hours take at most one decimal (0.1 学时 is 6 minutes); send minutes for a finer figure / 学时最多一位小数（0.1 学时即 6 分钟），更精确请填写 minutes（分钟）',
  too_large: 'hours are too large / 学时数值过大'
}

export type RecordUnitsResult =
  | { ok: true, units: number, rule: HoursRule }
  | { ok: false, code: Extract<ErrorCode, 'HOURS_OR_MINUTES' | 'VALIDATION_FAILED'>, field: 'hours' | 'minutes' | null, reason: string }

/**
 * Returns the units of a training record and the rule applied. Reports HOURS_OR_MINUTES
 * unless exactly one of hours and minutes is given, and VALIDATION_FAILED when the one
 * given is malformed (`field` names it; `reason` says how, as a sentence).
 */
export function recordUnits ({ hours, minutes }: RecordDuration): RecordUnitsResult {
  // HR systems send absent fields as null as often as they omit them.
  const hasHours = hours !== undefined && hours !== null
  const hasMinutes = minutes !== undefined && minutes !== null
  if (hasHours === hasMinutes) {
    return { ok: false, code: 'HOURS_OR_MINUTES', field: null, reason: 'give either hours or minutes, exactly one' }
  }
  if (hasHours) {
    const r = hoursToUnits(hours)
    return r.ok ? { ok: true, units: r.units, rule: 'hours' } : { ok: false, code: 'VALIDATION_FAILED', field: 'hours', reason: HOURS_REFUSAL_TEXT[r.reason] }
  }
  if (!Number.isSafeInteger(minutes) || (minutes as number) < 0) {
    return { ok: false, code: 'VALIDATION_FAILED', field: 'minutes', reason: 'minutes must be a whole number, 0 or more / 分钟须为非负整数' }
  }
  return { ok: true, units: minutesToUnits(minutes as number), rule: 'minutes_45' }
}

// Hundredths of a 学时, rounded half up on the magnitude; exact halves cannot occur
// (units × 10 / 9 is never n + 0.5), so the rounding direction never shows.
function hundredths (units: number): { sign: string, value: number } {
  if (!Number.isSafeInteger(units)) throw new RangeError(`units must be an integer, got ${units}`)
  return { sign: units < 0 ? '-' : '', value: roundDiv(Math.abs(units) * 100, UNITS_PER_HOUR) }
}

/** Returns units as 学时 for display, rounded to 2 decimals; the only place units are divided. */
export function unitsToHours (units: number): number {
  return Number(formatHours(units))
}

/** Returns units as a 学时 string without trailing zeros, at most 2 decimals: '30', '0.1', '0.02'. */
export function formatHours (units: number): string {
  const { sign, value } = hundredths(units)
  const whole = Math.floor(value / 100)
  const frac = String(value % 100).padStart(2, '0').replace(/0+$/, '')
  return value === 0 ? '0' : `${sign}${whole}${frac === '' ? '' : '.' + frac}`
}
