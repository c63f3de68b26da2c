// db/read-cache: a kept answer is given only while nothing was written since it was read, by
// this connection (through store.write or not) or by another connection or process.
// engine: sqlite-only — the SQLite adapter's read cache, read and written synchronously on its connection
import t from 'tap'
import { join } from 'node:path'
import type { Db } from '../../src/db/sqlite/connection.js'
import { openSqliteStore, type SqliteStore } from '../../src/db/sqlite/store.js'
import { cachedRead, KEPT_ANSWERS } from '../../src/db/sqlite/read-cache.js'
import { queryKeys } from '../../src/db/sqlite/prepared.js'

const { examName: EXAM_NAME, bounded: BOUNDED } = queryKeys('read-cache-test', ['examName', 'bounded'])

function examsStore (file: string): SqliteStore {
  const store = openSqliteStore(file)
  store.sqlite.prepare("insert into exams (id, name, date, pass_mark) values (1, 'first', '2026-01-01', 60) on conflict do nothing").run()
  return store
}

/** Reads exam 1's name through the cache, in a read transaction of the store (or in the
 *  transaction of `db`); `reads` counts the reads that went to SQLite. */
function reader (store: SqliteStore) {
  const counter = { reads: 0 }
  const nameIn = (db: Db) => cachedRead(db, EXAM_NAME, 1, () => {
    counter.reads++
    return (db.$store.sqlite.prepare('select name from exams where id = 1').get() as { name: string } | undefined)?.name
  })
  const name = () => store.read(async (db) => nameIn(db))
  return { name, nameIn, counter }
}

t.test('a read again with nothing written is answered from memory', async (t) => {
  const store = examsStore(':memory:')
  t.teardown(() => store.close())
  const { name, counter } = reader(store)
  t.equal(await name(), 'first')
  t.equal(await name(), 'first')
  t.equal(counter.reads, 1, 'the second read did not go to SQLite')
})

t.test('a write on this connection is seen at once, through store.write or a raw statement', async (t) => {
  const store = examsStore(':memory:')
  t.teardown(() => store.close())
  const { name, counter } = reader(store)
  t.equal(await name(), 'first')
  await store.write(async (db) => db.$store.sqlite.prepare("update exams set name = 'second' where id = 1").run())
  t.equal(await name(), 'second', 'store.write')
  store.sqlite.prepare("update exams set name = 'third' where id = 1").run()
  t.equal(await name(), 'third', 'a statement outside store.write')
  t.equal(counter.reads, 3)
})

t.test('on a file, a write of the store is seen at once by its reader (another connection), with no new request', async (t) => {
  const store = examsStore(join(t.testdir(), 'r.db'))
  t.teardown(() => store.close())
  const { name, counter } = reader(store)
  t.equal(await name(), 'first')
  t.equal(await name(), 'first')
  await store.write(async (db) => db.$store.sqlite.prepare("update exams set name = 'second' where id = 1").run())
  t.equal(await name(), 'second', 'the kept answer was let go at the commit')
  t.equal(counter.reads, 2)
  await t.rejects(store.write(async (db) => {
    db.$store.sqlite.prepare("update exams set name = 'rolled back' where id = 1").run()
    t.equal(await name(), 'second', 'meanwhile the reader sees the database as committed, not the write under way')
    throw new Error('abort')
  }), /abort/)
  t.equal(await name(), 'second')
})

t.test('on a file, a statement of the writer\'s own outside store.write is seen at once by the reader too', async (t) => {
  const store = examsStore(join(t.testdir(), 'r.db'))
  t.teardown(() => store.close())
  const { name } = reader(store)
  t.equal(await name(), 'first')
  store.sqlite.prepare("update exams set name = 'raw' where id = 1").run()
  t.equal(await name(), 'raw')
})

t.test('a read transaction that began before a commit neither keeps what it reads nor takes a newer kept answer', async (t) => {
  const store = examsStore(join(t.testdir(), 'r.db'))
  t.teardown(() => store.close())
  const { name, nameIn, counter } = reader(store)
  t.equal(await name(), 'first')
  await store.read(async (db) => {
    t.equal(nameIn(db), 'first', 'kept from before: the database has not moved')
    t.equal((db.$store.sqlite.prepare('select count(*) from exams').pluck().get()), 1, 'the snapshot is taken')
    await store.write(async (w) => w.$store.sqlite.prepare("update exams set name = 'second' where id = 1").run())
    t.equal(nameIn(db), 'first', 'this read still sees its snapshot, not the kept answer of the new state')
    t.equal(nameIn(db), 'first')
  })
  const reads = counter.reads
  t.equal(await name(), 'second', 'the next read sees the commit: the old snapshot\'s answer was not kept')
  t.equal(counter.reads, reads + 1)
})

t.test('a commit by another connection (another process, the CLI) is seen at once', async (t) => {
  const file = join(t.testdir(), 'r.db')
  const server = examsStore(file)
  const cli = openSqliteStore(file)
  t.teardown(() => { server.close(); cli.close() })
  const { name } = reader(server)
  t.equal(await name(), 'first')
  t.equal(await name(), 'first')
  await cli.write(async (db) => db.$store.sqlite.prepare("update exams set name = 'from the cli' where id = 1").run())
  server.requests.begins() // a read for a request that arrived after the commit (db/changes)
  t.equal(await name(), 'from the cli')
})

t.test('inside a write transaction the cache is neither read nor filled', async (t) => {
  for (const where of [':memory:', join(t.testdir(), 'w.db')]) {
    const store = examsStore(where)
    t.teardown(() => store.close())
    const { name, nameIn, counter } = reader(store)
    t.equal(await name(), 'first')
    await store.write(async (db) => {
      db.$store.sqlite.prepare("update exams set name = 'uncommitted' where id = 1").run()
      t.equal(nameIn(db), 'uncommitted', `${where}: the transaction reads its own write, not the kept answer`)
    })
    await t.rejects(store.write(async (db) => {
      db.$store.sqlite.prepare("update exams set name = 'rolled back' where id = 1").run()
      t.equal(nameIn(db), 'rolled back')
      throw new Error('abort')
    }), /abort/)
    t.equal(await name(), 'uncommitted', `${where}: what a rolled-back transaction read was not kept`)
    t.equal(counter.reads, 4)
  }
})

t.test('not found is not kept; the cache holds at most KEPT_ANSWERS, the oldest going first', async (t) => {
  const store = examsStore(':memory:')
  t.teardown(() => store.close())
  let reads = 0
  await store.read(async (db) => {
    const read = (key: number) => cachedRead(db, BOUNDED, key, () => { reads++; return key === 0 ? undefined : key * 2 })
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
})
