// Reading the audit trail and checking its hash chain.
import type Database from 'better-sqlite3'
import { maskIdNumber } from '../../domain/identity.js'
import type { Actor } from '../../security/roles.js'
import type { ServiceContext } from '../context.js'
import { verifyEvents, type ChainVerdict } from './chain.js'
import { auditRepository, type AuditFilter, type AuditRow } from './repository.js'

/** ID numbers inside before/after, masked wherever they sit (only admins see them whole). */
function maskDeep (v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskDeep)
  if (v === null || typeof v !== 'object') return v
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'idNumber' && typeof x === 'string' ? maskIdNumber(x) : maskDeep(x)]))
}

export function presentAuditEvent (row: AuditRow, reveal: boolean) {
  const parse = (s: string | null) => {
    const v: unknown = s === null ? null : JSON.parse(s)
    return reveal ? v : maskDeep(v)
  }
  return { ...row, before: parse(row.before), after: parse(row.after) }
}

/** RFC 3339 with any offset → the stored form (UTC, milliseconds), so text order is time order. */
const stored = (t: string | undefined) => (t === undefined ? undefined : new Date(t).toISOString())

/** Checks the whole chain of a database (streamed): the first broken event, or the head hash. */
export function verifyAuditChain (sqlite: Database.Database, db: ServiceContext['store']['db']): ChainVerdict {
  // The high-water mark first: events appended meanwhile by another connection are then only
  // more rows than it promises, never a false alarm.
  const lastAssignedId = auditRepository.lastAssignedId(db)
  return verifyEvents(auditRepository.iterateAll(sqlite), lastAssignedId)
}

export function auditService ({ store }: ServiceContext) {
  return {
    /** Events in order; admins see all, auditors those concerning an agency in their scope
     *  (events with no agency — exam sessions, admin accounts — are for admins only). */
    list (actor: Actor, filter: AuditFilter, afterId: number, limit: number) {
      const rows = auditRepository.list(store.db, actor.scope, { ...filter, from: stored(filter.from), to: stored(filter.to) }, afterId, limit + 1)
      return rows.map((r) => presentAuditEvent(r, actor.principal.role === 'admin'))
    },

    verify: () => verifyAuditChain(store.sqlite, store.db)
  }
}

export type AuditService = ReturnType<typeof auditService>
