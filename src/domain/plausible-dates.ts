// Which dates the registry accepts. Nothing it records is older than the People's Republic;
// what has happened (an announcement, a joining, a departure, a transfer, a training received)
// is dated by today at the latest; what is planned (an exam session, a training, a forecast)
// lies within next year's plan; and an officer's moves follow their joining and one another.
// Each refusal carries its error code and a bilingual detail: it reaches clerks as the problem.
import { compareDates, endOfYear, yearOf, type IsoDate } from './dates.js'

/** 1 October 1949, the founding of the PRC: no body, officer, exam or training in this registry
 *  predates it. */
export const EARLIEST_DATE: IsoDate = '1949-10-01'

/** What a date records: something that has `happened` (dated today at the latest) or something
 *  `planned` (dated up to planningHorizon). */
export type DateKind = 'happened' | 'planned'

export interface DateRefusal {
  readonly code: 'DATE_OUT_OF_RANGE' | 'DATE_IN_FUTURE' | 'DATE_RANGE_INVALID' | 'DATE_BEFORE_JOINING' | 'DATE_BEFORE_LAST_MOVE'
  readonly detail: string
}

/** Returns the last day a planned thing may be dated on `today`: 31 December of next year.
 *  Exam sessions (twice a year, 001) and trainings are set in a year's plan, at most next
 *  year's; a standing may be forecast as far, by when that year is closed. */
export function planningHorizon (today: IsoDate): IsoDate {
  return endOfYear(yearOf(today) + 1)
}

const tooEarly = (): DateRefusal => ({ code: 'DATE_OUT_OF_RANGE', detail: `before ${EARLIEST_DATE}, the founding of the PRC / 早于1949年10月1日` })

/**
 * Returns why `date` is not plausible for a thing of `kind` on `today`, or null: before
 * EARLIEST_DATE is DATE_OUT_OF_RANGE; a thing that happened dated after today is DATE_IN_FUTURE;
 * a planned thing after planningHorizon(today) is DATE_OUT_OF_RANGE.
 */
export function dateRefusal (date: IsoDate, kind: DateKind, today: IsoDate): DateRefusal | null {
  if (compareDates(date, EARLIEST_DATE) < 0) return tooEarly()
  if (kind === 'happened') {
    return compareDates(date, today) > 0 ? { code: 'DATE_IN_FUTURE', detail: `after today (${today}) / 晚于今天` } : null
  }
  const horizon = planningHorizon(today)
  return compareDates(date, horizon) > 0
    ? { code: 'DATE_OUT_OF_RANGE', detail: `after ${horizon}: plans reach the end of next year at most / 晚于明年年底（${horizon}）` }
    : null
}

/**
 * Returns why `year` is not plausible for a thing of `kind` on `today`, or null: before 1949 is
 * DATE_OUT_OF_RANGE; a year that has happened (an assessment: the year under way or over) after
 * today's is DATE_IN_FUTURE; a planned year (a confirmation, a forecast) after next year is
 * DATE_OUT_OF_RANGE.
 */
export function yearRefusal (year: number, kind: DateKind, today: IsoDate): DateRefusal | null {
  if (year < yearOf(EARLIEST_DATE)) return tooEarly()
  const current = yearOf(today)
  if (kind === 'happened') {
    return year > current ? { code: 'DATE_IN_FUTURE', detail: `after this year (${current}) / 晚于本年度` } : null
  }
  return year > current + 1 ? { code: 'DATE_OUT_OF_RANGE', detail: `after next year (${current + 1}) / 晚于下一年度` } : null
}

/** What orders an officer's moves: the day they joined and the days of their recorded moves
 *  (transfers, departures, being taken on again); null where unknown or none. */
export interface ServiceHistory {
  readonly joinedOn: IsoDate | null
  readonly departedOn: IsoDate | null
  readonly firstMoveOn: IsoDate | null
  readonly lastMoveOn: IsoDate | null
}

/**
 * Returns why a departure or transfer dated `date` cannot follow the officer's history, or null:
 * before the day they joined is DATE_BEFORE_JOINING, before their last recorded move is
 * DATE_BEFORE_LAST_MOVE (a history is told in order). The same day as either is fine.
 */
export function moveOrderRefusal (date: IsoDate, h: Pick<ServiceHistory, 'joinedOn' | 'lastMoveOn'>): DateRefusal | null {
  if (h.joinedOn !== null && compareDates(date, h.joinedOn) < 0) {
    return { code: 'DATE_BEFORE_JOINING', detail: `before the officer joined (${h.joinedOn}) / 早于入职日期` }
  }
  if (h.lastMoveOn !== null && compareDates(date, h.lastMoveOn) < 0) {
    return { code: 'DATE_BEFORE_LAST_MOVE', detail: `before the officer's last move (${h.lastMoveOn}) / 早于该人员上一次调动、离岗或重新入职的日期` }
  }
  return null
}

/**
 * Returns why a person who had left cannot be taken on again from `joinedOn`, or null: a new
 * stint begins on or after their last recorded move (the departure), else DATE_BEFORE_LAST_MOVE.
 * The days between are a gap in which no training is credited (training serviceGaps).
 */
export function rejoiningRefusal (joinedOn: IsoDate, lastMoveOn: IsoDate | null): DateRefusal | null {
  if (lastMoveOn !== null && compareDates(joinedOn, lastMoveOn) < 0) {
    return { code: 'DATE_BEFORE_LAST_MOVE', detail: `before the person left (${lastMoveOn}): a new stint begins after the last one / 早于其离岗日期` }
  }
  return null
}

/**
 * Returns why `joinedOn` cannot be the officer's joining day, or null: after the day they left
 * (departedOn), or after their first recorded move, it would date that move before the joining:
 * DATE_BEFORE_JOINING. The same day is fine.
 */
export function joiningOrderRefusal (joinedOn: IsoDate, h: Pick<ServiceHistory, 'departedOn' | 'firstMoveOn'>): DateRefusal | null {
  if (h.departedOn !== null && compareDates(joinedOn, h.departedOn) > 0) {
    return { code: 'DATE_BEFORE_JOINING', detail: `after the officer left (${h.departedOn}) / 晚于离岗日期` }
  }
  if (h.firstMoveOn !== null && compareDates(joinedOn, h.firstMoveOn) > 0) {
    return { code: 'DATE_BEFORE_JOINING', detail: `after the officer's first recorded move (${h.firstMoveOn}) / 晚于该人员首次调动或离岗的日期` }
  }
  return null
}

/**
 * Returns why a suspension may not run until `until` on `today`, or null: before today is
 * DATE_RANGE_INVALID (it would have ended already); after the card's last valid day
 * (`validUntil`, null: no end) is DATE_OUT_OF_RANGE: an expired card is no longer suspended,
 * it is renewed or cancelled.
 */
export function suspensionEndRefusal (until: IsoDate, today: IsoDate, validUntil: IsoDate | null): DateRefusal | null {
  if (compareDates(until, today) < 0) return { code: 'DATE_RANGE_INVALID', detail: `before today (${today}) / 早于今天` }
  if (validUntil !== null && compareDates(until, validUntil) > 0) {
    return { code: 'DATE_OUT_OF_RANGE', detail: `after the card's last valid day (${validUntil}) / 晚于证件有效期` }
  }
  return null
}
