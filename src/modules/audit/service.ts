// Reading the audit trail and checking its hash chain.
import { maskPersonalData } from '../../security/personal-data.js'
import type { Actor } from '../../security/roles.js'
import type { ServiceContext } from '../context.js'
import { verifyEventBatches, type ChainVerdict } from './chain.js'
import { auditRepository, type AuditFilter, type AuditRow } from './repository.js'

/** An event as listed: ID numbers and phones inside before/after masked for everyone (new events
 *  are stored masked; this also covers those written before the trail masked phones). */
export function presentAuditEvent (row: AuditRow) {
  const parse = (s: string | null) => (s === null ? null : maskPersonalData(JSON.parse(s) as unknown))
  return { ...row, before: parse(row.before), after: parse(row.after) }
}

/** RFC 3339 with any offset → the stored form (UTC, milliseconds), so text order is time order. */
const stored = (t: string | undefined) => (t === undefined ? undefined : new Date(t).toISOString())

/** Checks the whole chain of a database (streamed): the first broken event, or the head hash. */
export async function verifyAuditChain (store: ServiceContext['store']): Promise<ChainVerdict> {
  return await store.read(async (db) => {
    // The high-water mark first: events appended meanwhile by another connection are then only
    // more rows than it promises, never a false alarm.
    const lastAssignedId = await auditRepository.lastAssignedId(db)
    return await verifyEventBatches(await auditRepository.iterateAll(db), lastAssignedId)
  })
}

export function auditService ({ store }: ServiceContext) {
  return {
    /** Events in order; admins see all, auditors those concerning an agency in their scope
     *  (events with no agency — exam sessions, admin accounts — are for admins only). */
    async list (actor: Actor, filter: AuditFilter, afterId: number, limit: number) {
      const rows = await store.read(async (db) => await auditRepository.list(db, actor.scope, { ...filter, from: stored(filter.from), to: stored(filter.to) }, afterId, limit))
      return rows.map(presentAuditEvent)
    },

    verify: async () => await verifyAuditChain(store)
  }
}

export type AuditService = ReturnType<typeof auditService>
