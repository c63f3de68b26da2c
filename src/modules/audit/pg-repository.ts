// The audit trail on PostgreSQL (the SQLite one: repository.ts). Appends run in the store's write
// transaction, which holds the write lock first: the head its row gives is the newest committed
// event and no other append can come between it and the insert, so the chain stays linear. The
// chain is read back in keyset batches, within the read transaction's snapshot, and checked
// against the highest id ever committed (kept on the write lock's row), so events deleted from
// the end show.
import { and, asc, eq, gt, gte, lt, or, type SQL } from 'drizzle-orm'
import type { PgDb } from '../../db/pg/store.js'
import { auditEvents } from '../../db/pg/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'
import { EVENT_TYPE_PREFIX, type AuditHead, type EventDraft } from '../events/projection.js'
import { eventHash, GENESIS, verifyEventBatches, type ChainedFields, type ChainVerdict, type StoredEvent } from './chain.js'
import type { AuditFilter, AuditRow } from './rows.js'

const BATCH = 2000

// The event; with the change feed's first event of it, when there is one (its id follows the
// feed's highest, as INSERT_EVENT's), in the same statement. The chain's new head and
// high-water mark reach the write lock's row with the transaction's COMMIT (db/pg/store.ts).
const APPEND = `insert into audit_events (id, at, actor, role, request_id, entity, entity_id, action, before, after, agency_id, prior_agency_id, prev_hash, hash)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`
const APPEND_WITH_EVENT = `with appended as (${APPEND})
  insert into domain_events (id, audit_event_id, type, subject, agency_id, prior_agency_id, time, data)
    values ($15, $1, $16, $17, $18, $19, $2, $20::json)`

// The statistics of the two tables, taken again once a transaction has appended RESTATE_AFTER
// events (a large import). The foreign key of domain_events checks each feed event's audit event
// with a query of PostgreSQL's own, planned once per connection: planned while the tables were
// small (an empty trail, analysed so), it scans audit_events whole, and every event of a large
// import scanned the ones it had appended before (quadratic: at 50,000 events, most of the
// import's time). ANALYZE counts the transaction's own rows and makes the plans that read these
// tables planned again: the check reads the primary key. Without the right to analyse them,
// PostgreSQL warns and goes on; should ANALYZE fail (a lock another session holds past the
// lock_timeout), its savepoint is rolled back and the transaction goes on: slower, not refused.
const RESTATE_AFTER = 1000

async function restate (db: PgDb): Promise<void> {
  try {
    await db.$client.query('SAVEPOINT restate; ANALYZE audit_events, domain_events; RELEASE SAVEPOINT restate')
  } catch {
    await db.$client.query('ROLLBACK TO SAVEPOINT restate; RELEASE SAVEPOINT restate')
  }
}

/** Appends one event chained to the newest, and the first of the change-feed events `project`
 *  gives for it when that is a single event (the rest, and a batch, are the caller's to append
 *  after it: `rest`). Call it in the write transaction: its lock's row tells the new event's id
 *  (the highest ever committed, plus one) and the hash it chains to, so nothing is read first. */
export async function pgAppendChained (db: PgDb, f: ChainedFields, project: (audit: AuditHead) => readonly EventDraft[]): Promise<{ audit: AuditHead, rest: readonly EventDraft[] }> {
  const heads = db.$heads
  if (heads === undefined) throw new Error('an audit event is appended in a write transaction (store.write), which holds the write lock')
  const id = heads.auditId + 1
  const prevHash = heads.auditHash ?? GENESIS
  const hash = eventHash(f, prevHash)
  const audit = { id, at: f.at, agencyId: f.agencyId, priorAgencyId: f.priorAgencyId }
  const drafts = project(audit)
  const first = drafts[0]
  const single = first !== undefined && !('officers' in first) ? first : undefined
  const values = [id, f.at, f.actor, f.role, f.requestId, f.entity, f.entityId, f.action, f.before, f.after, f.agencyId, f.priorAgencyId, prevHash, hash]
  // Named: prepared once per connection (parsed and planned once, as SQLite's statements are).
  if (single === undefined) {
    await db.$client.query({ name: 'audit-append', text: APPEND, values })
  } else {
    await db.$client.query({
      name: 'audit-append-event',
      text: APPEND_WITH_EVENT,
      values: [...values, heads.feedId + 1, EVENT_TYPE_PREFIX + single.type, single.subject, single.agencyId, single.priorAgencyId, JSON.stringify(single.data)]
    })
    heads.feedId++
  }
  heads.auditId = id
  heads.auditHash = hash
  if (id - heads.locked.auditId === RESTATE_AFTER) await restate(db)
  return { audit, rest: single === undefined ? drafts : drafts.slice(1) }
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
