// The PostgreSQL adapter of the storage port (src/db/pg/store.ts), on a database of its own: two
// stores on one database stand for two app servers. What the spike of issue 22 saw go wrong
// under READ COMMITTED must not happen here: a forked chain, a lost update, a feed id committed
// after a higher one, a subtree missed by its path range, counts as strings.
import t from 'tap'
import type { Test } from 'tap'
import { sql } from 'drizzle-orm'
import { openPgStore, PG_MIGRATIONS_DIR, type PgDb, type PgStore } from '../../src/db/pg/store.js'
import { shippedMigrations } from '../../src/db/migrations.js'
import { freshDatabase } from './database.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function twoServers (t: Test): Promise<[PgStore, PgStore]> {
  const ends: Array<() => Promise<void>> = []
  const url = await freshDatabase(t, ends)
  const a = await openPgStore(url)
  const b = await openPgStore(url)
  ends.push(() => a.end(), () => b.end())
  return [a, b]
}

const rows = async <R>(db: PgDb, query: ReturnType<typeof sql>) => (await db.execute(query)).rows as R[]

t.test('migrations apply once, also when two servers start together, and are reported applied', async (t) => {
  const ends: Array<() => Promise<void>> = []
  const url = await freshDatabase(t, ends)
  const [a, b] = await Promise.all([openPgStore(url), openPgStore(url)])
  ends.push(() => a.end(), () => b.end())
  t.ok(await a.migrationsApplied(), 'applied')
  const applied = await a.read(async (db) => rows<{ n: number }>(db, sql`select count(*) as n from drizzle.__drizzle_migrations`))
  const shipped = shippedMigrations(PG_MIGRATIONS_DIR)
  t.ok(shipped >= 6, `${shipped} migrations shipped`)
  t.strictSame(applied, [{ n: shipped }], 'each migration once, and count(*) is a number')
  const c = await openPgStore(url)
  await c.end()
  t.same(await a.read(async (db) => rows(db, sql`select count(*) as n from drizzle.__drizzle_migrations`)), [{ n: shipped }], 'a third start applies nothing')
})

t.test('writes of two servers are one at a time: no lost update, a linear chain, feed ids committed in order', async (t) => {
  const [a, b] = await twoServers(t)
  await a.write(async (db) => { await db.execute(sql`create table counter (n integer not null); insert into counter values (0); create table chain (id integer primary key, prev integer)`) })
  // Each write reads, waits (another server's write would slip in here under READ COMMITTED
  // alone), then writes what it read plus one.
  const bump = (store: PgStore, i: number) => store.write(async (db) => {
    const [row] = await rows<{ n: number }>(db, sql`select n from counter`)
    const [last] = await rows<{ id: number | null }>(db, sql`select max(id) as id from chain`)
    await sleep(i % 3)
    await db.execute(sql`update counter set n = ${(row?.n ?? 0) + 1}`)
    await db.execute(sql`insert into chain (id, prev) values (${(last?.id ?? 0) + 1}, ${last?.id ?? 0})`)
  })
  await Promise.all(Array.from({ length: 40 }, (_, i) => bump(i % 2 === 0 ? a : b, i)))
  t.same(await b.read(async (db) => rows(db, sql`select n from counter`)), [{ n: 40 }], 'every increment kept')
  const chain = await a.read(async (db) => rows<{ id: number, prev: number }>(db, sql`select id, prev from chain order by id`))
  t.equal(chain.length, 40)
  t.ok(chain.every((r, i) => r.id === i + 1 && r.prev === i), 'each link follows the one committed before it: no fork, no gap')
})

t.test('a read sees one snapshot, never a write before its commit', async (t) => {
  const [a, b] = await twoServers(t)
  await a.write(async (db) => { await db.execute(sql`create table items (n integer)`) })
  let release!: () => void
  const held = new Promise<void>((resolve) => { release = resolve })
  let inserted!: () => void
  const firstInserted = new Promise<void>((resolve) => { inserted = resolve })
  const writing = a.write(async (db) => {
    await db.execute(sql`insert into items values (1)`)
    inserted()
    await held
    await db.execute(sql`insert into items values (2)`)
  })
  await firstInserted
  t.strictSame(await b.read(async (db) => rows(db, sql`select count(*) as n from items`)), [{ n: 0 }], 'nothing of the write under way')
  const seen = b.read(async (db) => {
    const first = await rows<{ n: number }>(db, sql`select count(*) as n from items`)
    release()
    await writing
    const second = await rows<{ n: number }>(db, sql`select count(*) as n from items`)
    return [first[0]?.n, second[0]?.n]
  })
  t.same(await seen, [0, 0], 'a commit during a read does not show in it')
  t.same(await b.read(async (db) => rows(db, sql`select count(*) as n from items`)), [{ n: 2 }], 'the next read sees all of it')
})

t.test('readOne answers one statement without a transaction, and refuses a second (which would read another snapshot)', async (t) => {
  const [a] = await twoServers(t)
  t.same(await a.readOne(async (db) => await rows<{ one: number }>(db, sql`select 1 as one`)), [{ one: 1 }])
  await t.rejects(a.readOne(async (db) => {
    await rows(db, sql`select 1`)
    return await rows(db, sql`select 2`)
  }), /readOne sent 2 statements: a read of more than one statement needs store.read/)
  t.same(await a.readOne(async (db) => await rows<{ two: number }>(db, sql`select 2 as two`)), [{ two: 2 }], 'the connection is lent again as it was')
})

t.test('a write that fails leaves nothing; a savepoint that fails undoes its own writes only', async (t) => {
  const [a] = await twoServers(t)
  await a.write(async (db) => { await db.execute(sql`create table items (n integer)`) })
  await t.rejects(a.write(async (db) => {
    await db.execute(sql`insert into items values (1)`)
    throw new Error('refused')
  }), /refused/)
  await a.write(async (db) => {
    await db.execute(sql`insert into items values (2)`)
    await t.rejects(a.savepoint(db, async () => { await db.execute(sql`insert into items values (3)`); throw new Error('row refused') }), /row refused/)
    t.equal(await a.savepoint(db, async () => { await db.execute(sql`insert into items values (4)`); return 'kept' }), 'kept')
  })
  t.same(await a.read(async (db) => rows(db, sql`select n from items order by n`)), [{ n: 2 }, { n: 4 }])
  const seenMeanwhile: number[] = []
  const { value, heldMs } = await a.writeInTurns(async (db, turn) => {
    for (let i = 10; i < 20; i++) {
      await db.execute(sql`insert into items values (${i})`)
      seenMeanwhile.push(...(await a.read(async (r) => rows<{ n: number }>(r, sql`select count(*) as n from items`))).map((x) => x.n))
      await turn()
    }
    await sleep(15)
    return 'bulk'
  })
  t.equal(value, 'bulk')
  t.ok(heldMs >= 15, `the lock was held for the work (${heldMs.toFixed(1)} ms)`)
  t.strictSame([...new Set(seenMeanwhile)], [2], 'reads meanwhile saw none of it')
  t.same(await a.read(async (db) => rows(db, sql`select count(*) as n from items`)), [{ n: 12 }])
})

t.test('the registry schema: append-only events, agency subtrees by path in byte order, RFC 3339 timestamps', async (t) => {
  const [a] = await twoServers(t)
  const paths: Array<[number, string]> = [[1, '/1/'], [7, '/1/7/'], [23, '/1/7/23/'], [70, '/1/70/'], [3, '/3/']]
  await a.write(async (db) => {
    for (const [id, path] of paths) {
      await db.execute(sql`insert into agencies (id, name, uscc, kind, level, path, region_code, domains) values (${id}, ${`机关${id}`}, ${`U${id}`}, 'organ', 'city', ${path}, '140802', '[]'::jsonb)`)
    }
    await db.execute(sql`insert into audit_events (at, actor, role, entity, entity_id, action) values ('2026-12-06T10:00:00.000Z', 'a', 'admin', 'agency', '1', 'create')`)
  })
  const subtree = await a.read(async (db) => rows<{ id: number }>(db, sql`select s.id from agencies s join agencies r on r.id = 7
    where s.path >= r.path and s.path < substr(r.path, 1, length(r.path) - 1) || '0' order by s.id`))
  t.same(subtree.map((r) => r.id), [7, 23], "'/1/7/' reaches '/1/7/23/' and not '/1/70/', whatever the database's locale")
  await t.rejects(a.write(async (db) => { await db.execute(sql`update audit_events set actor = 'b'`) }), { cause: { message: /audit_events is append-only/ } }, 'an audit event cannot change')
  await t.rejects(a.write(async (db) => { await db.execute(sql`delete from audit_events`) }), { cause: { message: /audit_events is append-only/ } }, 'nor be removed')
  const [created] = await a.read(async (db) => rows<{ created_at: string }>(db, sql`select created_at from agencies where id = 1`))
  t.match(created?.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'created_at as SQLite writes it')
})

t.test('writes waiting for their turn hold no connection: reads go on; without its lock row a write is refused', async (t) => {
  const ends: Array<() => Promise<void>> = []
  const url = await freshDatabase(t, ends)
  const store = await openPgStore(url, { poolSize: 2 })
  ends.push(() => store.end())
  await store.write(async (db) => { await db.execute(sql`create table items (n integer)`) })
  // The first write holds the lock until the read is answered; seven more wait behind it.
  let release!: () => void
  const held = new Promise<void>((resolve) => { release = resolve })
  let began!: () => void
  const firstBegan = new Promise<void>((resolve) => { began = resolve })
  let committed = 0
  const writes = Array.from({ length: 8 }, (_, i) => store.write(async (db) => {
    await db.execute(sql`insert into items values (${i})`)
    if (i === 0) { began(); await held }
  }).then(() => { committed++ }))
  await firstBegan
  const read = await store.read(async (db) => rows<{ n: number }>(db, sql`select count(*) as n from items`))
  t.strictSame(read, [{ n: 0 }], 'a read was answered while eight writes were under way or waiting (pool of 2)')
  t.equal(committed, 0, 'none of them had committed then')
  release()
  await Promise.all(writes)
  t.strictSame(await store.read(async (db) => rows(db, sql`select count(*) as n from items`)), [{ n: 8 }])
  await store.pool.query('delete from write_lock')
  await t.rejects(store.write(async () => 'unlocked'), /write_lock row is missing/, 'refused, not written unserialised')
})
