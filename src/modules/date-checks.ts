// The services' side of the date rules (domain/plausible-dates.ts): a refusal becomes the
// problem with its code, naming the field it is about.
import type { IsoDate } from '../domain/dates.js'
import { dateRefusal, yearRefusal, type DateKind, type DateRefusal } from '../domain/plausible-dates.js'
import { fail } from '../errors.js'

/** Where the field is: the body, or the query string of a report. */
export type RequestPart = 'body' | 'querystring'

/** Throws the refusal as its code (422), naming `field` in the problem's errors. */
export function refuseDate (field: string, value: IsoDate | number, refusal: DateRefusal, part: RequestPart = 'body'): never {
  fail(refusal.code, `${field} ${value}: ${refusal.detail}`, { errors: [{ in: part, pointer: `/${field}`, detail: refusal.detail }] })
}

/** Throws DATE_OUT_OF_RANGE or DATE_IN_FUTURE unless `date` is plausible for a thing of `kind`
 *  on `today` (domain dateRefusal); an absent date (undefined or null) passes. */
export function assertPlausibleDate (field: string, date: IsoDate | null | undefined, kind: DateKind, today: IsoDate, part: RequestPart = 'body'): void {
  if (date === undefined || date === null) return
  const refusal = dateRefusal(date, kind, today)
  if (refusal) refuseDate(field, date, refusal, part)
}

/** Throws DATE_OUT_OF_RANGE or DATE_IN_FUTURE unless `year` is plausible for a thing of `kind`
 *  on `today` (domain yearRefusal); an absent year passes. */
export function assertPlausibleYear (field: string, year: number | undefined, kind: DateKind, today: IsoDate, part: RequestPart = 'body'): void {
  if (year === undefined) return
  const refusal = yearRefusal(year, kind, today)
  if (refusal) refuseDate(field, year, refusal, part)
}
