// db/changes: the number moves on with every committed write, this connection's or another's,
// whichever way other connections' commits are watched; it stands still otherwise. Other
// connections' commits are looked at once per task: the checks below that follow one run in a
// new task, as a request coming after the commit would.
import t from 'tap'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { watchChanges } from '../../src/db/changes.js'

const nextTask = () => new Promise((resolve) => setImmediate(resolve))

type Via = 'wal-index' | 'data_version'
const JOURNAL: Record<Via, string> = { 'wal-index': 'wal', data_version: 'delete' }

for (const via of ['wal-index', 'data_version'] as const) {
  t.test(`a file in journal mode ${JOURNAL[via]}: seen through ${via}`, async (t) => {
    const file = join(t.testdir(), 'c.db')
    const server = new Database(file)
    server.pragma(`journal_mode = ${JOURNAL[via]}`)
    server.exec('create table t (x)')
    const other = new Database(file)
    const watch = watchChanges(server)
    t.teardown(() => { watch.close(); server.close(); other.close() })
    t.equal(watch.via, via)
    let seen = watch.generation()
    const moved = () => { const now = watch.generation(); const m = now !== seen; seen = now; return m }
    t.notOk(moved(), 'nothing written: stands still')
    other.prepare('insert into t values (1)').run()
    await nextTask()
    t.ok(moved(), 'another connection committed')
    t.notOk(moved())
    server.prepare('insert into t values (2)').run()
    t.ok(moved(), 'this connection wrote')
    other.prepare('select * from t').all()
    server.prepare('select * from t').all()
    t.notOk(moved(), 'reads move nothing')
    other.prepare('begin').run()
    other.prepare('insert into t values (3)').run()
    await nextTask()
    moved() // may move already (a writer starting over a checkpointed WAL rewrites the header): the safe side
    other.prepare('commit').run()
    await nextTask()
    t.ok(moved(), 'and is once committed')
    t.throws(() => other.transaction(() => { other.prepare('insert into t values (4)').run(); throw new Error('abort') })(), /abort/)
    await nextTask()
    t.notOk(moved(), 'a rolled-back write changes nothing')
    other.prepare('update t set x = 0 where x = 99').run()
    await nextTask()
    t.notOk(moved(), 'a statement writing no row changes nothing')

    // Within one task the first look stands for other connections (what runs in it was set off
    // before the look); this connection's own writes are seen at once even then.
    await nextTask()
    moved()
    other.prepare('insert into t values (5)').run()
    t.notOk(moved(), 'a commit by another connection after the look, in the same task')
    server.prepare('insert into t values (6)').run()
    t.ok(moved(), 'an own write in the same task')
    await nextTask()
    other.prepare('insert into t values (7)').run()
    await Promise.resolve()
    t.ok(moved(), 'the next task (microtasks drained) looks again')
  })
}

t.test('a database in memory has only this connection: its writes move the number', async (t) => {
  const sqlite = new Database(':memory:')
  const watch = watchChanges(sqlite)
  t.teardown(() => { watch.close(); sqlite.close() })
  t.equal(watch.via, 'memory')
  sqlite.exec('create table t (x)')
  const before = watch.generation()
  t.equal(watch.generation(), before)
  sqlite.prepare('insert into t values (1)').run()
  t.not(watch.generation(), before)
})
