// The audit chain on PostgreSQL: `audit verify` holds after a write that appended an event and
// then failed (the id it took is given again: ids follow the write lock's row, not a sequence,
// which is not rolled back), and still finds events deleted from the end (against the high-water
// mark kept on the write lock's row); appends chain to the head kept there, and a savepoint that
// fails takes its appends, and their change-feed events, back from it.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { openPgStore } from '../../src/db/pg/store.js'
import { appendAudit, systemActor } from '../../src/modules/audit/repository.js'
import { verifyAuditChain } from '../../src/modules/audit/service.js'
import { testClock } from '../clock.js'
import { migratedDatabase } from './database.js'

t.test('a failed write leaves no gap to report; events deleted from the end are found', async (t) => {
  const ends: Array<() => Promise<void>> = []
  const url = await migratedDatabase(t, ends)
  const store = await openPgStore(url, { migrate: false, idNumberKey: randomBytes(32) })
  ends.push(() => store.end())
  const clock = testClock()
  const actor = systemActor('test')
  const append = async (n: number) => await store.write(async (db) => {
    await appendAudit(db, actor, clock(), { entity: 'exam', action: 'create', entityId: n, agencyId: null, after: { n } })
  })
  for (let n = 1; n <= 3; n++) await append(n)
  t.match(await verifyAuditChain(store), { ok: true, events: 3 })

  await t.rejects(store.write(async (db) => {
    await appendAudit(db, actor, clock(), { entity: 'exam', action: 'create', entityId: 4, agencyId: null, after: { n: 4 } })
    throw new Error('the change it recorded failed')
  }), /the change it recorded failed/)
  t.match(await verifyAuditChain(store), { ok: true, events: 3 }, 'the rolled-back event is not missing: it never was')
  await append(5)
  t.match(await verifyAuditChain(store), { ok: true, events: 4 }, 'the next event chains to the last committed one, past the id the failed write took')
  // Several appends in one transaction chain each to the one before (the head the lock's row
  // gave, moved on by each append), and the row keeps the newest hash for the next writer.
  await store.write(async (db) => {
    for (let n = 6; n <= 8; n++) await appendAudit(db, actor, clock(), { entity: 'exam', action: 'create', entityId: n, agencyId: null, after: { n } })
  })
  t.match(await verifyAuditChain(store), { ok: true, events: 7 }, 'three appends in one write, chained')
  const kept = async () => (await store.pool.query('select audit_last_id as "lastId", audit_last_hash as head, (select hash from audit_events order by id desc limit 1) as tail, (select max(id) from audit_events) as "maxId" from write_lock')).rows[0]
  const after = await kept()
  t.ok(after.head !== null && after.head === after.tail && after.lastId === after.maxId, 'the lock\'s row holds the newest event\'s id and hash')

  // An append in a savepoint that fails is undone with it: the next append of the transaction
  // chains to the one before the savepoint, and takes the id it would have taken.
  await store.write(async (db) => {
    await appendAudit(db, actor, clock(), { entity: 'exam', action: 'create', entityId: 9, agencyId: null, after: { n: 9 } })
    await t.rejects(store.savepoint(db, async () => {
      await appendAudit(db, actor, clock(), { entity: 'officer', action: 'create', entityId: 10, agencyId: 1, after: { name: '十' } })
      throw new Error('the row failed')
    }), /the row failed/)
    await appendAudit(db, actor, clock(), { entity: 'officer', action: 'create', entityId: 11, agencyId: 1, after: { name: '十一' } })
  })
  t.match(await verifyAuditChain(store), { ok: true, events: 9 }, 'the event of the failed savepoint is not in the chain, and nothing is missing')
  const { rows: ids } = await store.pool.query('select entity_id as "entityId" from audit_events where id > $1 order by id', [after.lastId])
  t.same(ids.map((r) => r.entityId), ['9', '11'])
  const last = await kept()
  t.ok(last.head === last.tail && last.lastId === last.maxId, 'the lock\'s row holds the head written with the COMMIT')
  const { rows: feed } = await store.pool.query('select id, subject, (select feed_last_id from write_lock) as "feedId" from domain_events order by id')
  t.strictSame(feed, [{ id: 1, subject: 'officers/11', feedId: 1 }], 'the failed savepoint\'s feed event is undone too: the next takes its id, and the row holds it')

  // What only a superuser can do, triggers off: delete the newest event.
  await store.pool.query('set session_replication_role = replica; delete from audit_events where id = (select max(id) from audit_events); set session_replication_role = origin')
  t.match(await verifyAuditChain(store), { ok: false, reason: /missing|deleted/ }, 'the event deleted from the end is found')
})
