// A city's SQLite registry (the demo seed at a twentieth, with demo accounts and a stored
// idempotent answer) moved into PostgreSQL: every row, the same audit-chain head and feed end,
// booleans, JSON, bytes and ids as they were, the ids going on from the highest; refused into a
// database that holds data; the URL's password never shown.
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { testConfig } from '../../src/config.js'
import { copySqliteToPg, shownUrl, tablesInOrder } from '../../src/db/pg/copy.js'
import { openPgStore } from '../../src/db/pg/store.js'
import { verifyPgAuditChain } from '../../src/modules/audit/pg-repository.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { seed } from '../../seeds/seed.js'
import { execute, queryRows, queryValue } from '../db.js'
import { freshDatabase, migratedDatabase } from './database.js'

const dir = mkdtempSync(join(tmpdir(), 'copy-test-'))
t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
const file = join(dir, 'registry.db')

t.test('the seeded city, copied whole and checked', async (t) => {
  const config = testConfig({ DATABASE_PATH: file })
  const lite = openSqliteStore(config)
  await seed(lite, config, { today: '2025-11-20', scale: 0.05, demoAccounts: true })
  const body = Buffer.from([0, 1, 2, 250, 255])
  // Two import jobs, the later one purged since (as jobs past their time are): its id is not given again.
  for (const id of [1, 2]) await execute(lite, "insert into import_jobs (id, principal, kind, status, holder, created_at) values ($1, 'user:1', 'officers', 'done', 'gone', '2025-11-20T00:00:00.000Z')", id)
  await execute(lite, 'delete from import_jobs where id = 2')
  await execute(lite, `insert into idempotency_keys (principal, key, request_hash, state, token, lease_until, status_code, headers, body, created_at, expires_at)
    values ('user:1', 'k-1', 'h', 'done', 't', '2025-11-20T00:00:00.000Z', 201, '{"etag":"\\"1\\""}', $1, '2025-11-20T00:00:00.000Z', '2025-11-21T00:00:00.000Z')`, body)
  const counts: Record<string, number> = {}
  for (const table of tablesInOrder()) counts[table.name] = await queryValue<number>(lite, `select count(*) from "${table.name}"`)
  const head = await queryValue<string>(lite, 'select hash from audit_events order by id desc limit 1')
  const auxiliary = await queryValue<number>(lite, 'select count(*) from officers where auxiliary = 1')
  const maxAgency = await queryValue<number>(lite, 'select max(id) from agencies')
  lite.close()
  t.ok(counts.officers !== undefined && counts.officers > 20 && (counts.audit_events ?? 0) > 100, `a city: ${JSON.stringify(counts)}`)

  const ends: Array<() => Promise<void>> = []
  const url = await freshDatabase(t, ends)
  const pg = await openPgStore(url)
  ends.push(() => pg.end())
  const seen: string[] = []
  let verdict: Awaited<ReturnType<typeof verifyPgAuditChain>> | undefined
  const report = await copySqliteToPg(file, pg, { progress: (table) => seen.push(table), check: async (db) => { verdict = await verifyPgAuditChain(db); return null } })
  t.same(report.tables, counts, 'every row of every table')
  t.equal(report.auditHead, head, 'the same audit-chain head')
  t.match(verdict, { ok: true, events: counts.audit_events, head }, 'the chain walked on PostgreSQL: every hash recomputed from what it holds')
  t.same(seen, tablesInOrder().map((x) => x.name), 'progress told table by table')
  const at = (name: string) => seen.indexOf(name)
  t.ok(at('agencies') >= 0 && at('agencies') < at('officers') && at('officers') < at('training_records'), 'a table after those it refers to')
  // The copy sets each table's foreign keys and indexes aside while it loads it: all made again.
  const migrated = await openPgStore(await migratedDatabase(t, ends))
  ends.push(() => migrated.end())
  t.strictSame(await schemaOf(pg), await schemaOf(migrated), 'every index and constraint as the migrations made them')

  const one = async <R>(query: ReturnType<typeof sql>) => (await pg.read(async (db) => (await db.execute(query)).rows))[0] as R
  t.strictSame(await one(sql`select count(*) as n, bool_and(auxiliary) as aux from officers where auxiliary`), { n: auxiliary, aux: auxiliary > 0 ? true : null }, 'booleans as booleans')
  t.strictSame(await one(sql`select jsonb_typeof(domains) as kind from agencies where id = 1`), { kind: 'array' }, 'JSON as jsonb')
  t.strictSame(await one(sql`select body, headers->>'etag' as etag from idempotency_keys`), { body, etag: '"1"' }, 'bytes and stored answers as they were')
  t.strictSame(await one(sql`select hash from audit_events order by id desc limit 1`), { hash: head })
  const added = await pg.write(async (db) => (await db.execute(sql`insert into agencies (name, uscc, kind, level, path, region_code, domains) values ('新', 'U-new', 'organ', 'city', '', '140802', '[]') returning id`)).rows[0])
  t.strictSame(added, { id: maxAgency + 1 }, 'ids go on after the highest copied')
  const job = await pg.write(async (db) => (await db.execute(sql`insert into import_jobs (principal, kind, status, holder, created_at) values ('user:1', 'officers', 'queued', 'x', '2026-01-01T00:00:00.000Z') returning id`)).rows[0])
  t.strictSame(job, { id: 3 }, 'and after the highest SQLite ever gave, a purged row\'s included')

  await t.rejects(copySqliteToPg(file, pg), { name: 'CopyRefused', message: /already holds rows in agencies/ }, 'a database that holds data is refused')
  // What the walk finds when an event was edited (in a transaction rolled back after: the table
  // is append-only, its trigger set aside for the test only).
  await t.rejects(pg.write(async (db) => {
    await db.$client.query('alter table audit_events disable trigger audit_events_no_update')
    await db.$client.query("update audit_events set actor = 'someone else' where id = 5")
    t.match(await verifyPgAuditChain(db), { ok: false, brokenAt: 5, reason: /edited/ }, 'an edited event is found on PostgreSQL too')
    throw new Error('rolled back')
  }), /rolled back/)
  t.match(await pg.read(async (db) => await verifyPgAuditChain(db)), { ok: true }, 'and the chain as copied still verifies')
  t.strictSame(await one(sql`select count(*) as n from officers`), { n: counts.officers }, 'and nothing was added to it')
})

t.test('a copy that fails half way leaves nothing behind', async (t) => {
  const half = join(dir, 'half.db')
  const config = testConfig({ DATABASE_PATH: half })
  const lite = openSqliteStore(config)
  await seed(lite, config, { today: '2025-11-20', scale: 0.02 })
  // A text PostgreSQL cannot hold (a NUL character), in a table copied after most others.
  await execute(lite, "insert into import_jobs (principal, kind, status, holder, created_at) values ($1, 'officers', 'done', 'gone', '2025-11-20T00:00:00.000Z')", 'user:1\u0000x')
  lite.close()
  const ends: Array<() => Promise<void>> = []
  const pg = await openPgStore(await freshDatabase(t, ends))
  ends.push(() => pg.end())
  await t.rejects(copySqliteToPg(half, pg), /0x00|null character/i)
  const left = await pg.read(async (db) => (await db.execute(sql`select (select count(*) from agencies) + (select count(*) from officers) + (select count(*) from audit_events) as n`)).rows)
  t.strictSame(left, [{ n: 0 }], 'the tables copied before it were rolled back with it')
})

t.test('a reference to nothing fails the copy, as it did row by row', async (t) => {
  const file = join(dir, 'dangling.db')
  const lite = openSqliteStore(testConfig({ DATABASE_PATH: file }))
  // Written as a file whose foreign keys were never enforced might hold it.
  await execute(lite, 'pragma foreign_keys = off')
  await execute(lite, "insert into agency_confirmations (agency_id, year, announcement_no, date) values (999, 2025, '公告', '2025-01-06')")
  lite.close()
  const ends: Array<() => Promise<void>> = []
  const pg = await openPgStore(await freshDatabase(t, ends))
  ends.push(() => pg.end())
  await t.rejects(copySqliteToPg(file, pg), /foreign key/)
  t.strictSame(await queryRows(pg, 'select count(*) as n from agency_confirmations'), [{ n: 0 }], 'nothing committed')
  const migrated = await openPgStore(await migratedDatabase(t, ends))
  ends.push(() => migrated.end())
  t.strictSame(await schemaOf(pg), await schemaOf(migrated), 'and the keys set aside are back with the rollback')
})

t.test('awkward text arrives exactly as it was', async (t) => {
  // What COPY's text format gives a meaning to (tab, newline, carriage return, backslash, \N,
  // \.), quotes, characters beyond ASCII and beyond the BMP, controls, and the empty string
  // beside null. A NUL cannot be held in PostgreSQL's text at all (the half-way test above).
  const awkward = ['tab\there', 'line\nbreak', 'cr\r\nlf', '\r', 'back\\slash', 'ends in \\', '\\N', '\\.', '\\t is not a tab', '\\\\x00',
    'quotes " \' `', '中文：行政执法人员 （全角）', '😀 beyond the BMP', '\b\f\v\u0001\u007f controls', '  spaces  ', '\u2028', '']
  const file = join(dir, 'awkward.db')
  const config = testConfig({ DATABASE_PATH: file })
  const lite = openSqliteStore(config)
  for (const [i, text] of awkward.entries()) {
    await execute(lite, `insert into import_jobs (principal, kind, status, holder, request_id, result, created_at)
      values ($1, 'officers', 'done', $2, $3, $4, '2025-11-20T00:00:00.000Z')`, text, `${i}:${text}`, text, JSON.stringify({ text, list: [text, i] }))
  }
  await execute(lite, "insert into import_jobs (principal, kind, status, holder, request_id, created_at) values ('', 'officers', 'done', '', null, '2025-11-20T00:00:00.000Z')")
  const read = 'select id, principal, holder, request_id as "requestId", result from import_jobs order by id'
  const parsed = (rows: Array<Record<string, unknown>>) => rows.map((r): Record<string, unknown> => ({ ...r, result: r.result === null ? null : JSON.parse(r.result as string) as unknown }))
  const before = parsed(await queryRows(lite, read))
  lite.close()
  t.equal(before.length, awkward.length + 1)

  const ends: Array<() => Promise<void>> = []
  const pg = await openPgStore(await freshDatabase(t, ends))
  ends.push(() => pg.end())
  await copySqliteToPg(file, pg)
  const after = parsed(await queryRows(pg, read))
  t.strictSame(after, before, 'every value, text and JSON, character for character; the empty string is not null')
  t.strictSame(after.map((r) => r.principal), [...awkward, ''], 'as written')
  t.equal(after.at(-1)?.requestId, null, 'and null stays null')
})

t.test('a URL is shown without its password', async (t) => {
  t.equal(shownUrl('postgres://registry:s3cret@db.example:5432/registry'), 'postgres://registry:***@db.example:5432/registry')
  t.equal(shownUrl('postgres://postgres@127.0.0.1:5432/test'), 'postgres://postgres@127.0.0.1:5432/test')
  t.equal(shownUrl('postgres://registry@db.example/registry?password=s3cret&sslmode=require'), 'postgres://registry@db.example/registry', 'nor one given as a parameter')
  t.equal(shownUrl('not a url'), '(an unreadable URL)')
})

/** The indexes and constraints of the public schema, by name. */
async function schemaOf (store: Awaited<ReturnType<typeof openPgStore>>): Promise<unknown[]> {
  return [
    ...await queryRows(store, "select indexname as name, indexdef as def from pg_indexes where schemaname = 'public' order by indexname"),
    ...await queryRows(store, "select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where connamespace = 'public'::regnamespace order by conname")
  ]
}
