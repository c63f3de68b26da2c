// The audit trail's statements on better-sqlite3 itself: appendAudit runs on every change
// (50,000 times in a large import), so its two statements are plain SQL with positional values,
// prepared once per connection; through the query builder (values bound by name, the row mapped
// back) the read of the tail cost 11 µs and the insert twice its own time.
import { insertedId } from './dialect.js'
import type { Db } from './handle.js'
import { once, queryKeys } from './prepared.js'

const Q = queryKeys('audit-sql', ['statements'])

/** An event's columns, in the order of the insert: at, actor, role, request id, entity, entity
 *  id, action, before, after, agency, prior agency, previous hash, hash. */
export type AuditColumns = readonly [string, string, string, string, string, string, string, string | null, string | null, number | null, number | null, string, string]

export interface AuditStatements {
  /** The hash of the newest event, or undefined when there is none. */
  tailHash (): string | null | undefined
  /** Inserts an event; its id (the rowid: RETURNING costs more than the insert). */
  insert (...columns: AuditColumns): number
}

export function auditStatements (db: Db): AuditStatements {
  return once(db, Q.statements, () => {
    const tail = db.$store.sqlite.prepare('select hash from audit_events order by id desc limit 1').pluck()
    const insert = db.$store.sqlite.prepare(`insert into audit_events (at, actor, role, request_id, entity, entity_id, action, before, after, agency_id, prior_agency_id, prev_hash, hash)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    return {
      tailHash: () => tail.get() as string | null | undefined,
      insert: (...columns) => insertedId(insert.run(...columns))
    }
  })
}

/** Every event's row in id order, streamed (the chain can be millions of rows), in the shape the
 *  chain check reads (audit/chain StoredEvent). */
export function iterateAuditRows (db: Db): IterableIterator<unknown> {
  return db.$store.sqlite.prepare(`select id, at, actor, role, request_id as requestId, entity, entity_id as entityId, action, before, after,
      agency_id as agencyId, prior_agency_id as priorAgencyId, prev_hash as prevHash, hash from audit_events order by id`).iterate()
}
