// Which audit events downstream systems hear about, and in what shape: a pure mapping from one
// audit entry to zero or more domain events (CloudEvents types under cn.gov.registry.*), by a
// table keyed by entity and action. It reads nothing: the agencies an event belongs to are the
// audit event's, or (a batch) those the caller told for each officer.
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

type Obj = Record<string, unknown>

/** The audit entries the feed projects, each typed by its entity and action; every other entry
 *  gives no event. `before` and `after` are what the audit trail records (unmasked here: the
 *  feed masks what it shows); the rest is what the feed needs beyond them, told by the caller. */
export type FeedEntry =
  | { readonly entity: 'officer', readonly action: 'create' | 'update' | 'depart' | 'rejoin', readonly before?: Obj, readonly after: Obj }
  /** `movedOn`: the day of the move, the event's `date`. */
  | { readonly entity: 'officer', readonly action: 'transfer', readonly before: Obj, readonly after: Obj, readonly movedOn: string }
  | { readonly entity: 'certificate', readonly action: 'issue' | 'suspend' | 'reinstate' | 'revoke' | 'cancel', readonly before?: Obj, readonly after: Obj }
  /** One event per officer recorded, each in its officer's agency (`officerAgencies`). */
  | { readonly entity: 'training', readonly action: 'record_attendances', readonly after: AttendanceFacts, readonly officerAgencies: ReadonlyMap<number, number> }
  | { readonly entity: 'training_record', readonly action: 'create', readonly after: Obj & { readonly officerId: number } }

export interface AttendanceFacts { readonly year: number, readonly category: string, readonly units: number, readonly officerIds: readonly number[] }

/** An audit event as the feed sees it: its id and time, and the agencies it concerns. */
export interface AuditHead { readonly id: number, readonly at: string, readonly agencyId: number | null, readonly priorAgencyId: number | null }

/** One domain event to store (type without the prefix): in one agency (and the one it left), or
 *  a batch of one event per officer, each `{ officerId, ...data }` in its officer's agency. */
export type EventDraft =
  | { readonly type: string, readonly subject: string, readonly data: Obj, readonly agencyId: number, readonly priorAgencyId: number | null }
  | { readonly type: string, readonly subject: string, readonly data: Obj, readonly officers: ReadonlyArray<readonly [officerId: number, agencyId: number]> }

// Bookkeeping columns that are not a change anyone asked for.
const UNCHANGED_NOISE = new Set(['version', 'updatedAt', 'note'])

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

type Data = Omit<Extract<EventDraft, { agencyId: number }>, 'agencyId' | 'priorAgencyId'>
type OfficerEntry = Extract<FeedEntry, { entity: 'officer' }>
type CertificateEntry = Extract<FeedEntry, { entity: 'certificate' }>

// The events an officer's change gives, by action: the officer as the feed shows it, and what
// the kind of change adds.
function officerEvent (kind: string, e: OfficerEntry, id: string, extra: (before: Obj, after: Obj) => Obj = () => ({})): Data {
  const before = e.before ?? {}
  return { type: `officer.${kind}`, subject: `officers/${id}`, data: { officer: maskedOfficer(e.after), ...extra(before, e.after) } }
}
const moved = (before: Obj, after: Obj): Obj => ({ fromAgencyId: before.agencyId ?? null, toAgencyId: after.agencyId ?? null })

function certificateEvent (kind: string, e: CertificateEntry, id: string): Data {
  const before = e.before ?? {}
  return {
    type: `certificate.${kind}`,
    subject: `certificates/${id}`,
    data: { certificate: e.after, previousStatus: before.status ?? null, reason: kind === 'issued' ? null : e.after.statusReason ?? null }
  }
}

const credit = (units: unknown) => (num(units) === undefined ? {} : { units, hours: unitsToHours(units as number) })

type Projector<E extends FeedEntry> = (e: E, id: string, audit: AuditHead) => EventDraft[]
type Projectors = { [E in FeedEntry as `${E['entity']}.${E['action']}`]: Projector<E> }

// An event in the audit event's agencies; none when the change concerns no agency.
const inAgency = (d: Data, audit: AuditHead): EventDraft[] =>
  audit.agencyId === null ? [] : [{ ...d, agencyId: audit.agencyId, priorAgencyId: audit.priorAgencyId }]

/** What each entity and action gives the feed; entries not listed give nothing. */
const PROJECTORS: Projectors = {
  'officer.create': (e, id, audit) => inAgency(officerEvent('registered', e, id), audit),
  'officer.update': (e, id, audit) => inAgency(officerEvent('updated', e, id, (before, after) => ({ changed: changedFields(before, after) })), audit),
  'officer.depart': (e, id, audit) => inAgency(officerEvent('departed', e, id, (_, after) => ({ reason: after.departureReason ?? null, date: after.departedOn ?? null })), audit),
  'officer.transfer': (e, id, audit) => inAgency(officerEvent('transferred', e, id, (before, after) => ({ ...moved(before, after), date: e.movedOn })), audit),
  'officer.rejoin': (e, id, audit) => inAgency(officerEvent('rejoined', e, id, moved), audit),
  'certificate.issue': (e, id, audit) => inAgency(certificateEvent('issued', e, id), audit),
  'certificate.suspend': (e, id, audit) => inAgency(certificateEvent('suspended', e, id), audit),
  'certificate.reinstate': (e, id, audit) => inAgency(certificateEvent('reinstated', e, id), audit),
  'certificate.revoke': (e, id, audit) => inAgency(certificateEvent('revoked', e, id), audit),
  'certificate.cancel': (e, id, audit) => inAgency(certificateEvent('cancelled', e, id), audit),
  'training.record_attendances': (e, id) => {
    const trainingId = Number(id)
    const officers = e.after.officerIds.flatMap((officerId) => {
      const agencyId = e.officerAgencies.get(officerId)
      return agencyId === undefined ? [] : [[officerId, agencyId] as const]
    })
    return officers.length === 0
      ? []
      : [{
          type: 'training.recorded',
          subject: `trainings/${trainingId}`,
          officers,
          data: { kind: 'attendance', trainingId, category: e.after.category ?? null, year: e.after.year ?? null, ...credit(e.after.units) }
        }]
  },
  // In the officer's agency (the audit event's), never the one an officer left.
  'training_record.create': (e, _id, audit) => {
    const after = e.after
    const officerId = after.officerId
    return audit.agencyId === null
      ? []
      : [{
          type: 'training.recorded',
          subject: `officers/${officerId}`,
          agencyId: audit.agencyId,
          priorAgencyId: null,
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
}

/** Whether an entry is one the feed projects (its entity and action are in the table). */
export function isFeedEntry (e: { entity: string, action: string }): e is FeedEntry {
  return Object.hasOwn(PROJECTORS, `${e.entity}.${e.action}`)
}

/** The domain events one audit event gives, in the agencies it concerns; none for most entities. */
export function projectEvents (e: FeedEntry, entityId: string, audit: AuditHead): EventDraft[] {
  const project = PROJECTORS[`${e.entity}.${e.action}` as keyof Projectors] as Projector<FeedEntry>
  return project(e, entityId, audit)
}
