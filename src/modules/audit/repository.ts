// The audit trail: every change appends who, when, what, before and after, inside the same
// transaction as the change itself (a rolled-back change leaves no audit event either).
import type { Db } from '../../db/open.js'
import { auditEvents } from '../../db/schema.js'
import type { Actor } from '../../security/roles.js'

export interface AuditEntry {
  readonly entity: string
  readonly entityId: number | string
  readonly action: string
  readonly before?: unknown
  readonly after?: unknown
}

/** Appends one audit event; call it inside the write transaction of the change. */
export function appendAudit (db: Db, actor: Actor | SystemActor, at: Date, entry: AuditEntry): void {
  db.insert(auditEvents).values({
    at: at.toISOString(),
    actor: actor.principal.sub,
    role: actor.principal.role,
    requestId: actor.requestId,
    entity: entry.entity,
    entityId: String(entry.entityId),
    action: entry.action,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after)
  }).run()
}

/** The service itself (first start, CLI), acting as admin with no request. */
export interface SystemActor {
  readonly principal: { readonly sub: string, readonly role: 'admin' }
  readonly requestId: string
}

export function systemActor (what: string): SystemActor {
  return { principal: { sub: `system:${what}`, role: 'admin' }, requestId: what }
}
