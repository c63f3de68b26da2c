// May this officer act in this domain at this instant? What a case-handling system (执法办案系统)
// asks before a case step: 行政处罚法 art. 42 wants at least two enforcement officers holding a
// certificate, and a certificate covers some domains (执法领域) only. The rules are issuing's and
// verification's own (certificates.ts holdingRefusals, effectiveStatus, isValid, domainsNotHeld;
// confirmation.ts confirmationStanding): a card that verifies as invalid, or that could not be
// issued today for who holds it or who issued it, does not let its holder act.
import { domainsNotHeld, effectiveStatus, holdingRefusals, isValid, type CertificateStatus, type HoldingRefusal, type StoredStatus } from './certificates.js'
import { confirmationStanding } from './confirmation.js'
import { compareDates, shanghaiDate, type IsoDate, type MonthDay } from './dates.js'

/** Every reason an officer may not act, in the order they are listed. Stable: clients branch on them. */
export const ELIGIBILITY_REASONS = [
  'OFFICER_NOT_FOUND', 'OFFICER_DEPARTED', 'AGENCY_ENDED', 'AGENCY_NOT_CONFIRMED', 'OFFICER_AUXILIARY', 'OFFICER_POLICE',
  'NO_CERTIFICATE', 'CERTIFICATE_SUSPENDED', 'CERTIFICATE_EXPIRED', 'CERTIFICATE_REVOKED', 'CERTIFICATE_CANCELLED',
  'DOMAIN_NOT_COVERED', 'WRONG_AGENCY'
] as const
export type EligibilityReason = typeof ELIGIBILITY_REASONS[number]

/** The instant judged, as the rules need it. `current`: the instant is now or ahead, so what is
 *  stored now decides (a departure recorded at 10:00 stops a check at 10:01, whatever day it is
 *  dated); false: a past instant, judged by the recorded dates and the cards' history. */
export interface Instant { readonly day: IsoDate, readonly current: boolean }

/** How far ahead an instant may be judged: a step planned for later today or tomorrow morning. */
export const JUDGED_AHEAD_MS = 24 * 60 * 60 * 1000

/** The instant `at` as the rules judge it on `now`, or null when it is more than a day ahead:
 *  its Shanghai day, and whether what is stored now decides (now or ahead) or the recorded dates
 *  and the cards' history do (a past instant). */
export function judgedInstant (at: Date, now: Date): Instant | null {
  if (at.getTime() - now.getTime() > JUDGED_AHEAD_MS) return null
  return { day: shanghaiDate(at), current: at.getTime() >= now.getTime() }
}

export interface AgencyFacts {
  readonly status: 'active' | 'merged' | 'dissolved'
  /** The day it was merged or dissolved (null while active). */
  readonly endedOn: IsoDate | null
  readonly domains: readonly string[]
  readonly confirmedYears: readonly number[]
}

export interface CardFacts {
  readonly id: number
  readonly number: string
  readonly agencyId: number
  /** The stored status at the instant (now: as stored; a past instant: statusAt of its history). */
  readonly status: StoredStatus
  readonly issuedOn: IsoDate
  readonly validUntil: IsoDate
  readonly domains: readonly string[]
  readonly agency: AgencyFacts
}

export interface OfficerFacts {
  readonly status: 'active' | 'departed'
  /** The day of the departure recorded (null when none). */
  readonly departedOn: IsoDate | null
  readonly auxiliary: boolean
  readonly police: boolean
  /** The cards that existed at the instant (statusAt not null), any agency. */
  readonly cards: readonly CardFacts[]
}

export interface EligibilityQuestion {
  readonly domain: string
  /** The agency in whose name the step is taken, when the case system says. */
  readonly agencyId?: number | undefined
  readonly at: Instant
  readonly graceUntil: MonthDay
}

export interface EligibilityVerdict {
  readonly eligible: boolean
  readonly reasons: EligibilityReason[]
  /** The card judged: the valid one covering the domain, else the most relevant one; null: none. */
  readonly card: (CardFacts & { readonly effective: CertificateStatus }) | null
}

/** Returns true when the officer has left the post at the instant: now, as stored (the departure
 *  is committed, so it counts whatever day it is dated); for a past instant, from the departure's
 *  day on (a departure dated D means gone on D: 004 二.1 cancels the card the moment one leaves). */
export function departedAt (status: 'active' | 'departed', departedOn: IsoDate | null, at: Instant): boolean {
  if (status !== 'departed') return false
  return at.current || departedOn === null || compareDates(departedOn, at.day) <= 0
}

/** Returns the stored status a card had at `instant` (RFC 3339, UTC; `day` its Shanghai day) from
 *  its status events (any order): the last event's `toStatus` at or before it, or null when the
 *  card was issued later. A card with no event at all (loaded in bulk) counts as stored from its
 *  issue day. */
export function statusAt (card: { status: StoredStatus, issuedOn: IsoDate }, events: ReadonlyArray<{ toStatus: string, at: string }>, instant: string, day: IsoDate): StoredStatus | null {
  if (events.length === 0) return compareDates(card.issuedOn, day) <= 0 ? card.status : null
  let last: { toStatus: string, at: string } | null = null
  for (const e of events) if (e.at <= instant && (last === null || e.at >= last.at)) last = e
  return last === null ? null : last.toStatus as StoredStatus
}

const STATUS_REASON: Partial<Record<CertificateStatus, EligibilityReason>> = {
  suspended: 'CERTIFICATE_SUSPENDED', expired: 'CERTIFICATE_EXPIRED', revoked: 'CERTIFICATE_REVOKED', cancelled: 'CERTIFICATE_CANCELLED'
}
const HOLDING_REASON: Record<HoldingRefusal, EligibilityReason> = {
  OFFICER_DEPARTED: 'OFFICER_DEPARTED', AGENCY_NOT_ACTIVE: 'AGENCY_ENDED', AGENCY_NOT_CONFIRMED: 'AGENCY_NOT_CONFIRMED', OFFICER_AUXILIARY: 'OFFICER_AUXILIARY', OFFICER_POLICE: 'OFFICER_POLICE'
}
// Among cards that do not let the officer act, the one to report: the fewest reasons, then the
// livelier status, then the latest.
const STATUS_RANK: Record<CertificateStatus, number> = { active: 0, suspended: 1, expired: 2, revoked: 3, cancelled: 3 }

function ordered (reasons: Iterable<EligibilityReason>): EligibilityReason[] {
  const set = new Set(reasons)
  return ELIGIBILITY_REASONS.filter((r) => set.has(r))
}

/**
 * Returns whether an officer (null: unknown or out of the caller's scope) may act in
 * `q.domain` at `q.at`, every reason not (ELIGIBILITY_REASONS order), and the card judged. A card
 * lets its holder act when it is valid on the day (effectiveStatus, isValid), lists the domain and
 * its agency still enforces in it (domainsNotHeld), its agency is active and confirmed
 * (confirmationStanding) and is `q.agencyId` when given; and the holder is in post, neither
 * auxiliary nor police (holdingRefusals, as issuing asks).
 */
export function officerEligibility (officer: OfficerFacts | null, q: EligibilityQuestion): EligibilityVerdict {
  if (officer === null) return { eligible: false, reasons: ['OFFICER_NOT_FOUND'], card: null }
  const person = { officerStatus: departedAt(officer.status, officer.departedOn, q.at) ? 'departed' as const : 'active' as const, auxiliary: officer.auxiliary, police: officer.police }
  const judged = officer.cards.map((card) => {
    const effective = effectiveStatus(card.status, card.validUntil, q.at.day)
    const ended = card.agency.status !== 'active' && (q.at.current || card.agency.endedOn === null || compareDates(card.agency.endedOn, q.at.day) <= 0)
    const agencyStanding = { agencyStatus: ended ? card.agency.status : 'active' as const, agencyConfirmed: confirmationStanding(card.agency.confirmedYears, q.at.day, q.graceUntil).confirmed }
    const own: EligibilityReason[] = holdingRefusals({ officerStatus: 'active', auxiliary: false, police: false }, agencyStanding).map((r) => HOLDING_REASON[r])
    if (!isValid(effective)) own.push(STATUS_REASON[effective] ?? 'CERTIFICATE_CANCELLED')
    if (domainsNotHeld([q.domain], card.domains).length > 0 || domainsNotHeld([q.domain], card.agency.domains).length > 0) own.push('DOMAIN_NOT_COVERED')
    if (q.agencyId !== undefined && card.agencyId !== q.agencyId) own.push('WRONG_AGENCY')
    return { card: { ...card, effective }, own }
  })
  judged.sort((a, b) => a.own.length - b.own.length || STATUS_RANK[a.card.effective] - STATUS_RANK[b.card.effective] ||
    compareDates(b.card.issuedOn, a.card.issuedOn) || b.card.id - a.card.id)
  const best = judged[0]
  const reasons = holdingRefusals(person, null).map((r) => HOLDING_REASON[r])
  if (best === undefined) reasons.push('NO_CERTIFICATE')
  else reasons.push(...best.own)
  const all = ordered(reasons)
  return { eligible: all.length === 0, reasons: all, card: best?.card ?? null }
}

/** Returns the team's standing (行政处罚法 art. 42: at least two officers): how many distinct
 *  officers may act, and whether that reaches `minimum`. */
export function teamSufficiency (eligibleOfficerIds: ReadonlyArray<number | null>, minimum: number): { eligibleCount: number, minimum: number, sufficient: boolean } {
  const eligibleCount = new Set(eligibleOfficerIds.filter((id): id is number => id !== null)).size
  return { eligibleCount, minimum, sufficient: eligibleCount >= minimum }
}
