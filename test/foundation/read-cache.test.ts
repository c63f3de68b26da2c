// db/read-cache: a kept answer is given only while nothing was written since it was read, by
// this connection (through store.write or not) or by another connection or process.
// engine: sqlite-only — the SQLite adapter's read cache, read and written synchronously on its connection
import t from 'tap'
import { join } from 'node:path'
import { openSqliteStore, type SqliteStore } from '../../src/db/sqlite/store.js'
import { cachedRead, KEPT_ANSWERS } from '../../src/db/sqlite/read-cache.js'

function examsStore (file: string): SqliteStore {
  const store = openSqliteStore(file)
  store.sqlite.prepare("insert into exams (id, name, date, pass_mark) values (1, 'first', '2026-01-01', 60) on conflict do nothing").run()
  return store
}

/** Reads exam 1's name through the cache; `reads` counts the reads that went to SQLite. */
function reader (store: SqliteStore) {
  const counter = { reads: 0 }
  const name = () => cachedRead(store.db, 'test.examName', 1, () => {
    counter.reads++
    return (store.sqlite.prepare('select name from exams where id = 1').get() as { name: string } | undefined)?.name
  })
  return { name, counter }
}

t.test('a read again with nothing written is answered from memory', async (t) => {
  const store = examsStore(':memory:')
  t.teardown(() => store.close())
  const { name, counter } = reader(store)
  t.equal(name(), 'first')
  t.equal(name(), 'first')
  t.equal(counter.reads, 1, 'the second read did not go to SQLite')
})

t.test('a write on this connection is seen at once, through store.write or a raw statement', async (t) => {
  const store = examsStore(':memory:')
  t.teardown(() => store.close())
  const { name, counter } = reader(store)
  t.equal(name(), 'first')
  store.write(() => store.sqlite.prepare("update exams set name = 'second' where id = 1").run())
  t.equal(name(), 'second', 'store.write')
  store.sqlite.prepare("update exams set name = 'third' where id = 1").run()
  t.equal(name(), 'third', 'a statement outside store.write')
  t.equal(counter.reads, 3)
})

t.test('a commit by another connection (another process, the CLI) is seen at once', async (t) => {
  const file = join(t.testdir(), 'r.db')
  const server = examsStore(file)
  const cli = openSqliteStore(file)
  t.teardown(() => { server.close(); cli.close() })
  const { name } = reader(server)
  t.equal(name(), 'first')
  t.equal(name(), 'first')
  cli.write(() => cli.sqlite.prepare("update exams set name = 'from the cli' where id = 1").run())
  server.requests.begins() // a read for a request that arrived after the commit (db/changes)
  t.equal(name(), 'from the cli')
})

t.test('inside a transaction the cache is neither read nor filled', async (t) => {
  const store = examsStore(':memory:')
  t.teardown(() => store.close())
  const { name, counter } = reader(store)
  t.equal(name(), 'first')
  store.write(() => {
    store.sqlite.prepare("update exams set name = 'uncommitted' where id = 1").run()
    t.equal(name(), 'uncommitted', 'the transaction reads its own write, not the kept answer')
  })
  t.throws(() => store.write(() => {
    store.sqlite.prepare("update exams set name = 'rolled back' where id = 1").run()
    t.equal(name(), 'rolled back')
    throw new Error('abort')
  }), /abort/)
  t.equal(name(), 'uncommitted', 'what a rolled-back transaction read was not kept')
  t.equal(counter.reads, 4)
})

t.test('not found is not kept; the cache holds at most KEPT_ANSWERS, the oldest going first', async (t) => {
  const store = examsStore(':memory:')
  t.teardown(() => store.close())
  let reads = 0
  const read = (key: number) => cachedRead(store.db, 'test.bounded', key, () => { reads++; return key === 0 ? undefined : key * 2 })
  t.equal(read(0), undefined)
  t.equal(read(0), undefined)
  t.equal(reads, 2, 'a miss is read again')
  for (let key = 1; key <= KEPT_ANSWERS + 1; key++) read(key)
  reads = 0
  t.equal(read(KEPT_ANSWERS + 1), (KEPT_ANSWERS + 1) * 2)
  t.equal(read(2), 4)
  t.equal(reads, 0, 'the newest answers are kept')
  t.equal(read(1), 2)
  t.equal(reads, 1, 'the oldest was let go')
})
