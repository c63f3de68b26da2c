// The audit trail: append-only in the database, hash-chained, readable by admins and auditors,
// and checked end to end by `npm run cli -- audit verify`.
// engine: sqlite-only in part — the command's test edits the database file past its triggers with better-sqlite3
// machine date: not read — audit verify checks the hash chain of rows already written: nothing it does reads the day
import t from 'tap'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { GENESIS, eventHash, type ChainedFields } from '../../src/modules/audit/chain.js'
import { assertProblem, buildTestApp } from '../helper.js'
import { createAgency, idNumber, post } from '../fixtures.js'
import { registry } from '../core/setup.js'
import { cli } from './cli.js'
import { queryRows, execute, sqliteOnly } from '../db.js'

interface Row { id: number, prev_hash: string, hash: string }

/** The hashed fields of a stored row, as the chain reads them. */
function chainedFields (r: Record<string, unknown>): ChainedFields {
  const text = (k: string) => r[k] as string
  return {
    at: text('at'),
    actor: text('actor'),
    role: text('role'),
    requestId: r.request_id as string | null,
    entity: text('entity'),
    entityId: text('entity_id'),
    action: text('action'),
    before: r.before as string | null,
    after: r.after as string | null,
    agencyId: r.agency_id as number | null,
    priorAgencyId: r.prior_agency_id as number | null
  }
}

t.test('every change is chained to the one before it, and the database refuses edits', async (t) => {
  const { app, admin, countyB, certified } = await registry(t)
  const { officer } = await certified(countyB.id)
  await post(app, admin, `/v1/officers/${officer.id}/departure`, { reason: 'retirement', date: '2026-01-05' })
  const rows = await queryRows(app, 'select * from audit_events order by id') as Array<Row & Record<string, unknown>>
  t.ok(rows.length > 10, `${rows.length} events`)
  rows.forEach((r, i) => {
    t.equal(r.prev_hash, i === 0 ? GENESIS : rows[i - 1]?.hash, `event ${r.id} points at the one before`)
    t.equal(r.hash, eventHash(chainedFields(r), r.prev_hash), `event ${r.id} hash covers its fields`)
  })
  await t.rejects(execute(app, "update audit_events set actor = 'someone-else' where id = 1"), /append-only/)
  await t.rejects(execute(app, 'delete from audit_events where id = 1'), /append-only/)
  await t.rejects(execute(app, 'delete from domain_events'), /append-only/)
  t.same(await app.services.audit.verify(), { ok: true, events: rows.length, unchained: 0, head: rows[rows.length - 1]?.hash })
})

t.test('audit verify, run as a command, finds an edited or a deleted event', sqliteOnly('edits the file past its triggers with better-sqlite3 (SQLite dialect, backup)'), async (t) => {
  const dir = t.testdir()
  const file = join(dir, 'registry.db')
  const ctx = await buildTestApp(t, { DATABASE_PATH: file })
  const admin = await ctx.as('admin')
  const agency = await createAgency(ctx.app, admin)
  for (let i = 0; i < 5; i++) await post(ctx.app, admin, '/v1/officers', { name: `人员${i}`, idNumber: idNumber(300 + i), agencyId: agency.id })
  await ctx.app.close()
  const peek = <T>(sql: string, ...args: unknown[]): T => {
    const db = new Database(file, { readonly: true })
    try { return db.prepare(sql).get(...args) as T } finally { db.close() }
  }
  const total = peek<{ n: number }>('select count(*) as n from audit_events').n

  const ok = cli(file, 'audit', 'verify')
  t.equal(ok.status, 0, ok.stderr)
  t.match(ok.stdout, new RegExp(`audit chain ok: ${total} events; head [0-9a-f]{64}`))

  const usage = cli(file, 'audit', 'frobnicate')
  t.equal(usage.status, 2, 'bad usage is exit 2')
  const missing = cli(join(dir, 'nope.db'), 'audit', 'verify')
  t.equal(missing.status, 1, 'no database: the command failed, exit 1')
  t.match(missing.stderr, /no database at/)

  // An attacker with the file: drop the guard, then edit one event quietly.
  const tamper = (sql: string, ...args: unknown[]) => {
    const db = new Database(file)
    db.pragma('foreign_keys = OFF')
    db.exec('drop trigger if exists audit_events_no_update; drop trigger if exists audit_events_no_delete')
    db.prepare(sql).run(...args)
    db.close()
  }
  tamper("update audit_events set after = replace(after, '人员2', '人员X') where entity = 'officer' and after like '%人员2%'")
  const edited = peek<{ id: number }>("select id from audit_events where after like '%人员X%'").id
  const afterEdit = cli(file, 'audit', 'verify')
  t.equal(afterEdit.status, 1, 'an edit is exit 1')
  t.match(afterEdit.stderr, `audit chain broken at event ${edited}: content does not match its hash`)

  // Recomputing the edited event's own hash does not help: the next one no longer follows it.
  const row = peek<Record<string, unknown>>('select * from audit_events where id = ?', edited)
  const rehash = eventHash(chainedFields(row), row.prev_hash as string)
  tamper('update audit_events set hash = ? where id = ?', rehash, edited)
  const rehashed = cli(file, 'audit', 'verify')
  t.equal(rehashed.status, 1)
  t.match(rehashed.stderr, `audit chain broken at event ${edited + 1}: prev_hash does not match event ${edited}`)

  tamper('update audit_events set hash = ? where id = ?', row.hash, edited)
  tamper("update audit_events set after = replace(after, '人员X', '人员2') where id = ?", edited)
  t.equal(cli(file, 'audit', 'verify').status, 0, 'restored, the chain holds again')

  tamper('delete from audit_events where id = ?', 3)
  const deleted = cli(file, 'audit', 'verify')
  t.equal(deleted.status, 1, 'a deletion is exit 1')
  t.match(deleted.stderr, 'audit chain broken at event 3: event 3 is missing (deleted)')

  const copy = join(dir, 'tail.db')
  const src = new Database(file, { readonly: true })
  await src.backup(copy)
  src.close()
  const db = new Database(copy)
  db.pragma('foreign_keys = OFF')
  db.exec('drop trigger if exists audit_events_no_delete')
  db.prepare('delete from audit_events where id = (select max(id) from audit_events)').run()
  db.prepare('delete from audit_events where id < 3').run()
  db.close()
  const truncated = cli(copy, 'audit', 'verify')
  t.equal(truncated.status, 1, 'removing the first and the newest events shows too')
  t.match(truncated.stderr, /audit chain broken at event \d+: /)
})

t.test('GET /v1/audit-events: filters, pages, and an auditor sees only their scope, ID numbers masked', async (t) => {
  const { app, admin, as, countyB, countyC, officer } = await registry(t)
  const b = await officer(countyB.id)
  const c = await officer(countyC.id)
  await app.inject({ method: 'PATCH', url: `/v1/officers/${b.id}`, headers: { ...admin, 'if-match': `"${b.version}"` }, payload: { employeeNo: 'B-1' } })

  const all = await app.inject({ method: 'GET', url: `/v1/audit-events?entity=officer&entityId=${b.id}`, headers: admin })
  t.equal(all.statusCode, 200)
  const items = all.json().items as Array<{ action: string, after: { idNumber: string }, before: unknown, hash: string, actor: string }>
  t.same(items.map((e) => e.action), ['create', 'update'])
  t.equal(items[0]?.after.idNumber.slice(-4), b.idNumber.slice(-4), 'the officer as registered')
  t.equal(items[0]?.before, null)
  t.match(items[1], { before: { employeeNo: null }, after: { employeeNo: 'B-1' } })

  const paged = await app.inject({ method: 'GET', url: '/v1/audit-events?limit=2', headers: admin })
  const next = paged.json().nextCursor as string
  t.equal(paged.json().items.length, 2)
  const page2 = await app.inject({ method: 'GET', url: `/v1/audit-events?limit=2&cursor=${next}`, headers: admin })
  t.ok(page2.json().items[0].id > paged.json().items[1].id, 'the next page goes on after the first')

  const future = await app.inject({ method: 'GET', url: '/v1/audit-events?from=2999-01-01T00:00:00%2B08:00', headers: admin })
  t.same(future.json().items, [])
  const past = await app.inject({ method: 'GET', url: '/v1/audit-events?to=2000-01-01T08:00:00%2B08:00', headers: admin })
  t.same(past.json().items, [])
  const byActor = await app.inject({ method: 'GET', url: `/v1/audit-events?actor=${encodeURIComponent(items[0]?.actor ?? '')}&entity=officer`, headers: admin })
  t.ok(byActor.json().items.length >= 3, 'filtered by actor')
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/audit-events?from=yesterday', headers: admin }), 400, 'VALIDATION_FAILED')
  t.match(assertProblem(t, await app.inject({ method: 'GET', url: '/v1/audit-events?to=2016-12-31T23:59:60Z', headers: admin }), 400, 'VALIDATION_FAILED').errors, [{ pointer: '/to' }], 'a leap second (the format allows it; a date cannot hold it): 400 naming the parameter, not 500')

  const auditor = await as('auditor', countyB.id)
  const seen = (await app.inject({ method: 'GET', url: '/v1/audit-events?entity=officer&limit=500', headers: auditor })).json().items as Array<{ entityId: string, after: { idNumber: string } }>
  t.ok(seen.some((e) => e.entityId === String(b.id)), 'the auditor sees their county\'s officer')
  t.notOk(seen.some((e) => e.entityId === String(c.id)), 'not the other county\'s')
  t.ok(seen.every((e) => e.after.idNumber.includes('*')), 'ID numbers masked for the auditor')

  const phoned = await app.inject({ method: 'PATCH', url: `/v1/officers/${b.id}`, headers: { ...admin, 'if-match': `"${b.version + 1}"` }, payload: { phone: '13987654321' } })
  t.equal(phoned.statusCode, 200, phoned.body)
  const change = ((await app.inject({ method: 'GET', url: `/v1/audit-events?entity=officer&entityId=${b.id}`, headers: admin })).json().items as Array<{ before: { phone: string }, after: { phone: string } }>).at(-1)
  t.match(change, { before: { phone: '138****5678' }, after: { phone: '139****4321' } }, 'phones masked in the trail, for an admin too: it shows that and roughly how the number changed')
  t.notMatch(JSON.stringify(await queryRows(app, 'select before, after from audit_events')), /13987654321|13812345678/, 'and stored masked: the trail can never be edited')
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/audit-events', headers: await as('hr', countyB.id) }), 403, 'FORBIDDEN')
})
