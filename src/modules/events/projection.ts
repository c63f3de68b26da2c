// Which audit events downstream systems hear about, and in what shape: a pure mapping from one
// audit entry to zero or more domain events (CloudEvents types under cn.gov.registry.*).
// Personal data is masked as in lists: the feed is readable by every role in scope.
import { unitsToHours } from '../../domain/hours.js'
import { maskIdNumber, maskPhone } from '../../domain/identity.js'

export const EVENT_TYPE_PREFIX = 'cn.gov.registry.'

/** Every type the feed can carry (documented in the OpenAPI description). */
export const EVENT_TYPES = [
  'officer.registered', 'officer.updated', 'officer.departed', 'officer.transferred', 'officer.rejoined',
  'certificate.issued', 'certificate.suspended', 'certificate.reinstated', 'certificate.revoked', 'certificate.cancelled',
  'training.recorded'
] as const

export interface AuditFacts {
  readonly entity: string
  readonly entityId: string
  readonly action: string
  readonly before: unknown
  readonly after: unknown
}

export interface EventDraft {
  readonly type: string
  readonly subject: string
  readonly data: Record<string, unknown>
  /** Set when the event belongs to this officer's agency rather than the audit event's. */
  readonly officerId?: number
  /** Set for one event per officer alike but for the officer (a batch): each is
   *  `{ officerId, ...data }` about `officers/{officerId}`, in its officer's agency. */
  readonly officerIds?: readonly number[]
}

const OFFICER_TYPES: Record<string, string> = { create: 'registered', update: 'updated', depart: 'departed', transfer: 'transferred', rejoin: 'rejoined' }
const CERTIFICATE_TYPES: Record<string, string> = { issue: 'issued', suspend: 'suspended', reinstate: 'reinstated', revoke: 'revoked', cancel: 'cancelled' }
// Bookkeeping columns that are not a change anyone asked for.
const UNCHANGED_NOISE = new Set(['version', 'updatedAt', 'note'])

type Obj = Record<string, unknown>
const asObj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Obj : {})
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined)

/** The officer as the feed shows it: ID number and phone masked, no free-text note. */
export function maskedOfficer (row: Obj): Obj {
  const { note: _note, ...rest } = row
  return {
    ...rest,
    idNumber: typeof row.idNumber === 'string' ? maskIdNumber(row.idNumber) : row.idNumber,
    phone: typeof row.phone === 'string' ? maskPhone(row.phone) : row.phone ?? null
  }
}

function changedFields (before: Obj, after: Obj): string[] {
  return Object.keys(after).filter((k) => !UNCHANGED_NOISE.has(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k]))
}

function officerEvent (e: AuditFacts): EventDraft[] {
  const kind = OFFICER_TYPES[e.action]
  if (!kind) return []
  const before = asObj(e.before)
  const after = asObj(e.after)
  const data: Obj = { officer: maskedOfficer(after) }
  if (kind === 'updated') data.changed = changedFields(before, after)
  if (kind === 'departed') Object.assign(data, { reason: after.departureReason ?? null, date: after.departedOn ?? null })
  if (kind === 'transferred' || kind === 'rejoined') Object.assign(data, { fromAgencyId: before.agencyId ?? null, toAgencyId: after.agencyId ?? null })
  return [{ type: `officer.${kind}`, subject: `officers/${e.entityId}`, data }]
}

function certificateEvent (e: AuditFacts): EventDraft[] {
  const kind = CERTIFICATE_TYPES[e.action]
  if (!kind) return []
  const after = asObj(e.after)
  const before = asObj(e.before)
  return [{
    type: `certificate.${kind}`,
    subject: `certificates/${e.entityId}`,
    data: { certificate: after, previousStatus: before.status ?? null, reason: kind === 'issued' ? null : after.statusReason ?? null }
  }]
}

const credit = (units: unknown) => (num(units) === undefined ? {} : { units, hours: unitsToHours(units as number) })

function trainingEvents (e: AuditFacts): EventDraft[] {
  const after = asObj(e.after)
  if (e.entity === 'training' && e.action === 'record_attendances' && Array.isArray(after.officerIds)) {
    const trainingId = Number(e.entityId)
    const officerIds = after.officerIds.filter((id): id is number => num(id) !== undefined)
    return officerIds.length === 0
      ? []
      : [{
          type: 'training.recorded',
          subject: `trainings/${trainingId}`,
          officerIds,
          data: { kind: 'attendance', trainingId, category: after.category ?? null, year: after.year ?? null, ...credit(after.units) }
        }]
  }
  if (e.entity === 'training_record' && e.action === 'create' && num(after.officerId) !== undefined) {
    const officerId = after.officerId as number
    return [{
      type: 'training.recorded',
      subject: `officers/${officerId}`,
      officerId,
      data: {
        officerId,
        kind: after.trainingId ? 'attendance' : 'external',
        recordId: after.id ?? null,
        trainingId: after.trainingId ?? null,
        category: after.category ?? null,
        date: after.date ?? null,
        year: after.year ?? null,
        title: after.title ?? null,
        ...credit(after.units)
      }
    }]
  }
  return []
}

/** The domain events one audit entry gives (type without the prefix); none for most entities. */
export function projectEvents (e: AuditFacts): EventDraft[] {
  if (e.entity === 'officer') return officerEvent(e)
  if (e.entity === 'certificate') return certificateEvent(e)
  return trainingEvents(e)
}
