// Rule 5: 执法主体 are confirmed and announced every year (001 line 14: "每年市县两级主动更新确认
// 行政执法主体资格"), and again after a change (002 item 6, line 27: "新设、合并、名称变更等的，应当
// 提请本级人民政府予以重新确认"). A year's confirmation stands until the next year's is recorded or
// until a grace day of the next year (configurable, default 31 March): the new year's
// announcement takes weeks, and the bodies keep enforcing meanwhile.
import { compareDates, onYear, yearOf, type IsoDate, type MonthDay } from './dates.js'

export const DEFAULT_CONFIRMATION_GRACE_UNTIL: MonthDay = '03-31'

export interface ConfirmationStanding {
  /** The confirmation stands today: the agency may issue certificates (rule 1). */
  readonly confirmed: boolean
  /** This year's confirmation is not recorded yet: within the grace period (last year's still
   *  stands) or after it (it has lapsed). */
  readonly confirmationDue: boolean
  /** The year whose confirmation stands today, or null. */
  readonly standingYear: number | null
}

/**
 * Returns how an agency confirmed for `confirmedYears` stands on `today`: confirmed when this
 * year's confirmation is recorded, or last year's and today is on or before the grace day
 * (`graceUntil`, 'MM-DD') of this year; confirmationDue whenever this year's is missing.
 */
export function confirmationStanding (confirmedYears: readonly number[], today: IsoDate, graceUntil: MonthDay): ConfirmationStanding {
  const year = yearOf(today)
  if (confirmedYears.includes(year)) return { confirmed: true, confirmationDue: false, standingYear: year }
  const inGrace = confirmedYears.includes(year - 1) && compareDates(today, onYear(graceUntil, year)) <= 0
  return { confirmed: inGrace, confirmationDue: true, standingYear: inGrace ? year - 1 : null }
}

/** Returns true when a change to an agency asks for 重新确认 (002 item 6: 名称变更; a change of
 *  kind makes it another sort of body: 行政机关, 授权组织 or 受委托组织): a new name or kind. */
export function reconfirmationNeeded (before: { name: string, kind: string }, change: { name?: string | undefined, kind?: string | undefined }): boolean {
  return (change.name !== undefined && change.name !== before.name) || (change.kind !== undefined && change.kind !== before.kind)
}

/** Returns true when ending an agency `how` asks its successor for 重新确认 (002 item 6: 合并):
 *  a merger changes what the successor is; a dissolution leaves it as it was. One already
 *  awaiting keeps the day it was first asked. */
export function mergerAsksReconfirmation (how: 'merged' | 'dissolved', successor: { reconfirmationDueSince: IsoDate | null }): boolean {
  return how === 'merged' && successor.reconfirmationDueSince === null
}

/** The confirmation years that make an agency confirmed on `today` (confirmationStanding, as a
 *  set a query can test): this year's, and last year's until the grace day. */
export function standingYears (today: IsoDate, graceUntil: MonthDay): number[] {
  const year = yearOf(today)
  return compareDates(today, onYear(graceUntil, year)) <= 0 ? [year, year - 1] : [year]
}

/** Returns true when a confirmation for `year` announced on `date` answers a 重新确认 asked for
 *  on `dueSince` (002 item 6): announced on or after that day, for that day's year or a later
 *  one. An older year's confirmation recorded late is history: the body stays awaiting. */
export function answersReconfirmation (dueSince: IsoDate, confirmation: { year: number, date: IsoDate }): boolean {
  return compareDates(confirmation.date, dueSince) >= 0 && confirmation.year >= yearOf(dueSince)
}
