// The life of an enforcement certificate (行政执法证件): who may get one (rule 1) and how its
// status may change. Suspension (暂扣) is reversible; revocation (吊销, a sanction) and
// cancellation (注销, an administrative end) are final (policy 003 台账 12, 004 二.1).
import { publicName } from './identity.js'
import { addDays, addYears, compareDates } from './dates.js'
import type { IsoDate } from './dates.js'
import type { ErrorCode } from '../errors.js'

/** Statuses kept in storage. */
export const STORED_STATUSES = ['active', 'suspended', 'revoked', 'cancelled'] as const
export type StoredStatus = typeof STORED_STATUSES[number]

/** Statuses a reader sees: `expired` is derived from the validity date, never stored. */
export type CertificateStatus = StoredStatus | 'expired'

/** What each status is called in Chinese (the verification page, a refusal's message). */
export const CERTIFICATE_STATUS_LABELS: Readonly<Record<CertificateStatus, string>> = { active: '有效', suspended: '已暂扣', revoked: '已吊销', cancelled: '已注销', expired: '已过期' }

/** The holder's name as the public checks show it (rule 8, 公示 of the holders of a live card):
 *  as PUBLIC_NAME_DISPLAY says while the card is valid, masked once it is not. */
export function holderNameShown (name: string, status: CertificateStatus, display: 'full' | 'masked'): string {
  return publicName(name, isValid(status) ? display : 'masked')
}

/** What a clerk (or a departure, for cancel) can do to a certificate. */
export const CERTIFICATE_ACTIONS = ['suspend', 'reinstate', 'revoke', 'cancel'] as const
export type CertificateAction = typeof CERTIFICATE_ACTIONS[number]

/** Why an officer leaves the post (004 二.1: 调动、辞职、辞退、退休或其他原因). */
export const departureReasons = ['transfer', 'resignation', 'dismissal', 'retirement', 'other'] as const
export type DepartureReason = typeof departureReasons[number]

/** Whether a departure or transfer dated `date` may be recorded on `today`: once it has
 *  happened. Recording it cancels the officer's certificates (rule 2: the moment the officer
 *  leaves, 004 二.1); dated ahead, it would cancel them while the officer still enforces. */
export function moveRecordableOn (date: IsoDate, today: IsoDate): boolean {
  return compareDates(date, today) <= 0
}

export type TransitionResult =
  | { ok: true, status: StoredStatus }
  | { ok: false, code: 'CERTIFICATE_TRANSITION_NOT_ALLOWED' }

// From each status, the actions allowed and where they lead. An expired card accepts only
// cancel: suspending or reinstating a card that no longer verifies changes nothing, and
// revoke is a sanction on a working card; but a departure must still be able to close it
// (rule 2 cancels every active or suspended card, expired or not) so the recall opens.
const TRANSITIONS: Record<CertificateStatus, Partial<Record<CertificateAction, StoredStatus>>> = {
  active: { suspend: 'suspended', revoke: 'revoked', cancel: 'cancelled' },
  suspended: { reinstate: 'active', revoke: 'revoked', cancel: 'cancelled' },
  expired: { cancel: 'cancelled' },
  revoked: {},
  cancelled: {}
}

/**
 * Returns the status an action leads to from `current` (pass the effective status, so an
 * expired card is treated as such), or CERTIFICATE_TRANSITION_NOT_ALLOWED.
 */
export function nextStatus (current: CertificateStatus, action: CertificateAction): TransitionResult {
  const status = TRANSITIONS[current][action]
  return status === undefined ? { ok: false, code: 'CERTIFICATE_TRANSITION_NOT_ALLOWED' } : { ok: true, status }
}

/**
 * Returns the status to show on `today`: an active or suspended card whose last valid day
 * (`validUntil`) is before today is 'expired'; revoked and cancelled stay as they are
 * (their final reason matters more than the date). A null `validUntil` never expires.
 */
export function effectiveStatus (stored: StoredStatus, validUntil: IsoDate | null, today: IsoDate): CertificateStatus {
  if (stored === 'revoked' || stored === 'cancelled') return stored
  if (validUntil !== null && compareDates(validUntil, today) < 0) return 'expired'
  return stored
}

/** Returns true when issuing a new card at the same agency replaces this one (换发, rule 1: one
 *  active card per officer and agency): an active card past its last valid day. A suspended
 *  one is not replaced, expired or not: a new card would lift the suspension (暂扣待查). */
export function replacedByNewCard (stored: StoredStatus, validUntil: IsoDate | null, today: IsoDate): boolean {
  return stored === 'active' && effectiveStatus(stored, validUntil, today) === 'expired'
}

/** Returns true when a suspension set to last until `suspendedUntil` (its last day) has run
 *  out on `today` and the card, otherwise live, is still suspended. It is not lifted by itself:
 *  暂扣 pending an investigation ends by a clerk's decision (reinstate, revoke, or suspend
 *  again), so the nightly check and the certificates report remind them instead. */
export function suspensionOverdue (stored: StoredStatus, validUntil: IsoDate | null, suspendedUntil: IsoDate | null, today: IsoDate): boolean {
  return effectiveStatus(stored, validUntil, today) === 'suspended' && suspendedUntil !== null && compareDates(suspendedUntil, today) < 0
}

/** Returns true only for 'active': the one status under which the holder may enforce. */
export function isValid (effective: CertificateStatus): boolean {
  return effective === 'active'
}

/**
 * Returns why an officer holding an active or suspended card (expired or not) may not become
 * auxiliary or police (rule 1: neither ever holds a certificate; auxiliary staff are not
 * officers, 002 item 10), or null. Only a change to true counts: a flag already set, or cleared,
 * changes nothing about the card. The clerk cancels the card first.
 */
export function roleChangeRefusal (was: { auxiliary: boolean, police: boolean }, change: { auxiliary?: boolean | undefined, police?: boolean | undefined }, holdsCard: boolean): 'OFFICER_AUXILIARY' | 'OFFICER_POLICE' | null {
  if (!holdsCard) return null
  if (change.auxiliary === true && !was.auxiliary) return 'OFFICER_AUXILIARY'
  if (change.police === true && !was.police) return 'OFFICER_POLICE'
  return null
}

export interface EligibilityFacts extends HolderFacts, AgencyStandingFacts {
  /** The officer serves at the issuing agency (a card is issued by the agency one works for). */
  servesAtAgency: boolean
  hasPassedExam: boolean
  /** A card of this person was revoked (吊销) and no exam was passed since (requalificationRequired). */
  requalificationRequired: boolean
  hasActiveCertificateAtAgency: boolean
}

export type EligibilityRefusal = Extract<ErrorCode,
  | 'OFFICER_DEPARTED' | 'OFFICER_NOT_AT_AGENCY' | 'AGENCY_NOT_ACTIVE' | 'AGENCY_NOT_CONFIRMED' | 'OFFICER_AUXILIARY'
  | 'OFFICER_POLICE' | 'EXAM_NOT_PASSED' | 'REQUALIFICATION_REQUIRED' | 'CERTIFICATE_EXISTS'>

/** What holding a live card asks of the person (rule 1), as judged at one instant. */
export interface HolderFacts {
  officerStatus: 'active' | 'departed'
  auxiliary: boolean
  police: boolean
}

/** What holding a live card asks of its agency (rules 1 and 5), as judged at one instant. */
export interface AgencyStandingFacts {
  agencyStatus: 'active' | 'merged' | 'dissolved'
  /** The agency's confirmation stands (confirmationStanding: this year's, or last year's
   *  within the grace period). */
  agencyConfirmed: boolean
}

export type HoldingRefusal = Extract<EligibilityRefusal, 'OFFICER_DEPARTED' | 'AGENCY_NOT_ACTIVE' | 'AGENCY_NOT_CONFIRMED' | 'OFFICER_AUXILIARY' | 'OFFICER_POLICE'>

/**
 * Returns every reason the person, and the agency when given, may not hold a live card (rule 1):
 * the part of certificateEligibility that holds for as long as a card is used, shared by issuing
 * and by the eligibility check of a case step (domain/eligibility.ts). Order: person, agency, role.
 */
export function holdingRefusals (person: HolderFacts, agency: AgencyStandingFacts | null): HoldingRefusal[] {
  const refusals: HoldingRefusal[] = []
  if (person.officerStatus !== 'active') refusals.push('OFFICER_DEPARTED')
  // A merged or dissolved agency issues nothing; its successor reissues (rule 5).
  if (agency !== null && agency.agencyStatus !== 'active') refusals.push('AGENCY_NOT_ACTIVE')
  if (agency !== null && !agency.agencyConfirmed) refusals.push('AGENCY_NOT_CONFIRMED')
  if (person.auxiliary) refusals.push('OFFICER_AUXILIARY')
  if (person.police) refusals.push('OFFICER_POLICE')
  return refusals
}

/**
 * Returns every reason a certificate may not be issued (rule 1), in a fixed order: person,
 * then agency, then role, then exam, then duplicates. Empty means eligible. The caller
 * answers with the first code and may list all of them.
 */
export function certificateEligibility (facts: EligibilityFacts): EligibilityRefusal[] {
  const refusals: EligibilityRefusal[] = holdingRefusals(facts, facts)
  if (facts.officerStatus === 'active' && !facts.servesAtAgency) refusals.unshift('OFFICER_NOT_AT_AGENCY')
  if (!facts.hasPassedExam) refusals.push('EXAM_NOT_PASSED')
  else if (facts.requalificationRequired) refusals.push('REQUALIFICATION_REQUIRED')
  if (facts.hasActiveCertificateAtAgency) refusals.push('CERTIFICATE_EXISTS')
  return refusals
}

/**
 * Returns the enforcement domains (执法领域) a certificate asks for that its agency does not
 * hold, in the order asked: a certificate may cover only what its agency enforces. Empty: fine.
 */
export function domainsNotHeld (asked: readonly string[], held: readonly string[]): string[] {
  return asked.filter((d) => !held.includes(d))
}

/**
 * Returns the last day a certificate issued on `issuedOn` is valid for `validityYears`
 * (a positive integer): the day before the anniversary. Throws RangeError otherwise.
 */
export function validUntilFor (issuedOn: IsoDate, validityYears: number): IsoDate {
  if (!Number.isSafeInteger(validityYears) || validityYears < 1) {
    throw new RangeError(`validityYears must be a whole number >= 1, got ${validityYears}`)
  }
  // A card issued on 29 February has its anniversary on 28 February of a common year
  // (addYears), so its term ends on the 27th: never longer than the years stated.
  return addDays(addYears(issuedOn, validityYears), -1)
}

/**
 * Returns true when a person whose card was last revoked (吊销) on `lastRevokedOn` must pass the
 * qualification exam again before any new card: 吊销 is a sanction (the provincial 执法证件管理
 * 办法; 003 line 223 names the 退出机制), so an exam passed on or before that day no longer
 * qualifies (004 line 43–45: 通过行政执法资格考试…取得行政执法证件后方可上岗). False when no card was
 * revoked, or an exam was passed after the revocation.
 */
export function requalificationRequired (lastRevokedOn: IsoDate | null, lastPassedExamOn: IsoDate | null): boolean {
  if (lastRevokedOn === null) return false
  return lastPassedExamOn === null || compareDates(lastPassedExamOn, lastRevokedOn) <= 0
}

/** What a status change does to the custody of the physical card (暂扣: the card is withheld,
 *  003 line 223 "依法暂扣、收回或注销"): 'open' a custody record on suspension; on reinstatement
 *  the card is 'returned'; revoked or cancelled while held, it is 'retained' (already in the
 *  bureau's hands, so its recall is recovered at once); null: no custody involved. */
export type CustodyChange = 'open' | 'returned' | 'retained' | null

export function custodyChange (from: CertificateStatus, action: CertificateAction, heldSince: IsoDate | null): CustodyChange {
  if (action === 'suspend') return 'open'
  if (heldSince === null || (from !== 'suspended' && from !== 'expired')) return null
  if (action === 'reinstate') return 'returned'
  return action === 'revoke' || action === 'cancel' ? 'retained' : null
}
