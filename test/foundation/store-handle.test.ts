// engine: sqlite-only — the SQLite store handle itself (issue 21.1): what it holds is its own.
// One store handle holds its connection's state (issue 21.1): two stores in one process share no
// arrivals, prepared queries or kept answers; a store opened without an ID-number key refuses to
// seal or open one instead of looking for a key file; a query name given twice is refused.
import t from 'tap'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { queryKeys } from '../../src/db/sqlite/prepared.js'
import { idNumber } from '../fixtures.js'

t.test('two stores in one process share none of their state', async (t) => {
  const a = openSqliteStore({ DATABASE_PATH: ':memory:' })
  const b = openSqliteStore({ DATABASE_PATH: ':memory:' })
  t.teardown(() => { a.close(); b.close() })
  const before = b.requests.begun()
  a.requests.begins()
  a.requests.begins()
  t.equal(a.requests.begun() - before, 2, "a's requests counted on a")
  t.equal(b.requests.begun(), before, 'and not on b')
  const key = queryKeys('store-handle-test', ['one'])
  let built = 0
  const build = () => ({ n: ++built })
  t.equal(a.queries.once(key.one, build), a.queries.once(key.one, build), 'a query is built once per store')
  t.not(b.queries.once(key.one, build), a.queries.once(key.one, build), 'and again for another store')
  t.equal(built, 2)
  let reads = 0
  const read = () => ++reads
  const cache = Symbol('store-handle-test.kept')
  const kept = (store: typeof a) => store.read(async (db) => db.$store.reads.read(cache, 1, read))
  t.equal(await kept(a), await kept(a), 'an answer kept by a is given again by a')
  t.equal(await kept(b), 2, 'b reads for itself')
})

t.test('the port: writes one at a time in order of arrival, reads beside them seeing only what was committed', async (t) => {
  const store = openSqliteStore(join(t.testdir(), 'r.db'))
  t.teardown(() => store.close())
  const exam = (db: { $store: { sqlite: typeof store.sqlite } }, name: string) =>
    db.$store.sqlite.prepare("insert into exams (name, date, pass_mark) values (?, '2026-01-01', 60)").run(name)
  const names = () => store.read(async (db) => (db.$store.sqlite.prepare('select name from exams order by id').all() as Array<{ name: string }>).map((r) => r.name))
  const order: string[] = []
  let release!: () => void
  const held = new Promise<void>((resolve) => { release = resolve })
  const first = store.write(async (db) => {
    order.push('first begins')
    exam(db, 'one')
    await held
    exam(db, 'two')
    order.push('first ends')
  })
  const second = store.write(async (db) => { order.push('second begins'); exam(db, 'three') })
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.same(await names(), [], 'a read while the first write is under way sees none of it')
  t.same(order, ['first begins'], 'the second write waits for the first')
  release()
  await Promise.all([first, second])
  t.same(order, ['first begins', 'first ends', 'second begins'])
  t.same(await names(), ['one', 'two', 'three'], 'both committed, in order')

  await t.rejects(store.write(async (db) => {
    exam(db, 'kept')
    await t.rejects(store.savepoint(db, async () => { exam(db, 'undone'); throw new Error('refused') }), /refused/)
    t.equal(await store.savepoint(db, async () => { exam(db, 'saved'); return 7 }), 7)
    throw new Error('then the whole write fails')
  }), /whole write fails/)
  t.same(await names(), ['one', 'two', 'three'], 'a failed write leaves nothing, its savepoints included')
  await store.write(async (db) => {
    exam(db, 'kept')
    await t.rejects(store.savepoint(db, async () => { exam(db, 'undone'); throw new Error('refused') }), /refused/)
  })
  t.same(await names(), ['one', 'two', 'three', 'kept'], 'a savepoint that failed undoes its own writes only')
  await t.rejects(store.read(async () => { throw new Error('read failed') }), /read failed/)
  t.same(await names(), ['one', 'two', 'three', 'kept'], 'a read that throws leaves the reader usable')
})

t.test('a store opened without an ID-number key refuses ID numbers, and makes no key file', async (t) => {
  const dir = t.testdir({ keyed: {}, bare: {} })
  const withKey = openSqliteStore({ DATABASE_PATH: join(dir, 'keyed', 'registry.db') })
  t.teardown(() => withKey.close())
  t.equal(withKey.idNumbers.open(withKey.idNumbers.seal(idNumber(1))), idNumber(1), 'opened from settings: a key (the file beside it)')
  t.ok(readdirSync(join(dir, 'keyed')).some((f) => f.endsWith('.key')), 'there, the key file')
  const bare = openSqliteStore(join(dir, 'bare', 'registry.db'))
  t.teardown(() => bare.close())
  t.throws(() => bare.idNumbers.seal(idNumber(2)), /opened without an ID-number key/, 'a store opened by its path alone has no key: sealing throws, naming it')
  t.same(readdirSync(join(dir, 'bare')).filter((f) => !f.startsWith('registry.db')), [], 'and no key file appears beside it')
})

t.test('a prepared query name given twice by one owner is refused when declared', async (t) => {
  t.throws(() => queryKeys('store-handle-test', ['a', 'b', 'a']), /the name a is given twice/)
  const x = queryKeys('same-owner', ['q'])
  const y = queryKeys('same-owner', ['q'])
  t.not(x.q, y.q, 'keys are symbols: two modules cannot collide by a name')
})

t.test('closing waits for the transactions under way or waiting, then refuses new ones', async (t) => {
  const store = openSqliteStore(join(t.testdir(), 'r.db'))
  const exam = (name: string) => store.write(async (db) => {
    await new Promise((resolve) => setTimeout(resolve, 20))
    db.$store.sqlite.prepare("insert into exams (name, date, pass_mark) values (?, '2026-01-01', 60)").run(name)
    return name
  })
  const first = exam('under way')
  const second = exam('waiting')
  store.close()
  t.ok(store.sqlite.open, 'still open while they run')
  t.same(await Promise.all([first, second]), ['under way', 'waiting'], 'both end as they would have')
  t.notOk(store.sqlite.open, 'then the connections close')
  await t.rejects(store.read(async () => 1), /the store is closed/, 'and nothing begins after')
})
