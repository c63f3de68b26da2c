// The audit trail on PostgreSQL (the SQLite one: repository.ts). Appends run in the store's write
// transaction, which holds the write lock first: the tail read here is the newest committed event
// and no other append can come between it and the insert, so the chain stays linear. The chain is
// read back in keyset batches, within the read transaction's snapshot, and checked against the
// highest id ever committed (kept on the write lock's row), so events deleted from the end show.
import { and, asc, eq, gt, gte, lt, or, type SQL } from 'drizzle-orm'
import type { PgDb } from '../../db/pg/store.js'
import { auditEvents } from '../../db/pg/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'
import { eventHash, GENESIS, verifyEventBatches, type ChainedFields, type ChainVerdict, type StoredEvent } from './chain.js'
import type { AuditFilter, AuditRow } from './rows.js'

const BATCH = 2000

/** Appends one event chained to the newest; its id. Call it in the write transaction. */
export async function pgAppendChained (db: PgDb, f: ChainedFields): Promise<number> {
  const client = db.$client
  // Named: prepared once per connection (parsed and planned once, as SQLite's statements are).
  const { rows: [tail] } = await client.query<{ hash: string | null }>({ name: 'audit-tail', text: 'select hash from audit_events order by id desc limit 1' })
  const prevHash = tail?.hash ?? GENESIS
  // The insert and the high-water mark on the write lock's row (migrations/pg/0005), in one
  // statement: both commit, or roll back, with the change they record.
  const { rows: [row] } = await client.query<{ id: number }>({
    name: 'audit-append',
    text: `with appended as (insert into audit_events (at, actor, role, request_id, entity, entity_id, action, before, after, agency_id, prior_agency_id, prev_hash, hash)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning id)
    update write_lock set audit_last_id = (select id from appended) where id = 1 returning audit_last_id as id`,
    values: [f.at, f.actor, f.role, f.requestId, f.entity, f.entityId, f.action, f.before, f.after, f.agencyId, f.priorAgencyId, prevHash, eventHash(f, prevHash)]
  })
  return (row as { id: number }).id
}

export const pgAuditRepository = {
  async list (db: PgDb, scope: Scope, f: AuditFilter, afterId: number, limit: number): Promise<AuditRow[]> {
    const where: Array<SQL | undefined> = [gt(auditEvents.id, afterId)]
    if (!scope.all) where.push(or(inScopeWhere(scope, auditEvents.agencyId), inScopeWhere(scope, auditEvents.priorAgencyId)))
    if (f.entity) where.push(eq(auditEvents.entity, f.entity))
    if (f.entityId) where.push(eq(auditEvents.entityId, f.entityId))
    if (f.actor) where.push(eq(auditEvents.actor, f.actor))
    if (f.from) where.push(gte(auditEvents.at, f.from))
    if (f.to) where.push(lt(auditEvents.at, f.to))
    return await db.select().from(auditEvents).where(and(...where)).orderBy(asc(auditEvents.id)).limit(limit)
  },

  /** Every event in id order, batch by batch (keyset), as the transaction of `db` sees them. */
  async iterateAll (db: PgDb): Promise<AsyncIterable<readonly StoredEvent[]>> {
    const client = db.$client
    async function * batches (): AsyncGenerator<StoredEvent[]> {
      for (let after = 0; ;) {
        const { rows } = await client.query<StoredEvent>(`select id, at, actor, role, request_id as "requestId", entity, entity_id as "entityId", action, before, after,
          agency_id as "agencyId", prior_agency_id as "priorAgencyId", prev_hash as "prevHash", hash from audit_events where id > $1 order by id limit ${BATCH}`, [after])
        if (rows.length === 0) return
        yield rows
        after = (rows[rows.length - 1] as StoredEvent).id
      }
    }
    return batches()
  },

  /** The highest id an append ever committed (kept on the write lock's row with each append,
   *  so, unlike the table's sequence, not moved by an append rolled back or still under way),
   *  0 when none. */
  async lastAssignedId (db: PgDb): Promise<number> {
    const { rows: [state] } = await db.$client.query<{ last: number }>('select audit_last_id as last from write_lock where id = 1')
    return state?.last ?? 0
  }
}

/** The verdict on the chain as the transaction of `db` sees it. */
export async function verifyPgAuditChain (db: PgDb): Promise<ChainVerdict> {
  const lastAssignedId = await pgAuditRepository.lastAssignedId(db)
  return await verifyEventBatches(await pgAuditRepository.iterateAll(db), lastAssignedId)
}
