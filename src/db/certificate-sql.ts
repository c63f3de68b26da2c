// Certificate conditions in SQL shared by the repositories that count live cards (certificates,
// agencies' staffing, the invariants): effectiveStatus of domain/certificates, as SQL. Standard
// SQL, so both engines use it: a PostgreSQL repository passes its own certificates table.
import { and, eq, gte, inArray, isNull, lt, or, type Column, type SQL } from 'drizzle-orm'
import type { CertificateStatus } from '../domain/certificates.js'
import { certificates } from './schema.js'

export const LIVE = ['active', 'suspended'] as const

/** The columns the conditions read: SQLite's certificates table (the default) or PostgreSQL's. */
export interface CertificateColumns { readonly status: Column, readonly validUntil: Column }

// Not past its last valid day on `today` (a null validUntil never expires).
export const currentOn = (today: string, t: CertificateColumns = certificates) => or(isNull(t.validUntil), gte(t.validUntil, today))

/** A certificate active or suspended as it stands on `today` (effectiveStatus), in SQL: what
 *  staffing counts and a merger lists for reissue. */
export function liveOn (today: string, t: CertificateColumns = certificates): SQL | undefined {
  return and(inArray(t.status, [...LIVE]), currentOn(today, t))
}

/** effectiveStatus(status, validUntil, today) = `status`, in SQL: a list's ?status= filter
 *  (test/core/certificate-status-sql.test.ts holds the two to each other). */
export function effectiveStatusIs (status: CertificateStatus, today: string, t: CertificateColumns = certificates): SQL | undefined {
  if (status === 'expired') return and(inArray(t.status, [...LIVE]), lt(t.validUntil, today))
  return status === 'active' || status === 'suspended' ? and(eq(t.status, status), currentOn(today, t)) : eq(t.status, status)
}
