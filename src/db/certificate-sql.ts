// Certificate conditions in SQL shared by the repositories that count live cards (certificates,
// agencies' staffing, the invariants): effectiveStatus of domain/certificates, as SQL.
import { and, gte, inArray, isNull, or, type SQL } from 'drizzle-orm'
import { certificates } from './schema.js'

export const LIVE = ['active', 'suspended'] as const

// Not past its last valid day on `today` (a null validUntil never expires).
export const currentOn = (today: string) => or(isNull(certificates.validUntil), gte(certificates.validUntil, today))

/** A certificate active or suspended as it stands on `today` (effectiveStatus), in SQL: what
 *  staffing counts and a merger lists for reissue. */
export function liveOn (today: string): SQL | undefined {
  return and(inArray(certificates.status, [...LIVE]), currentOn(today))
}
