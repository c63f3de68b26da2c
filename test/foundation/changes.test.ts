// db/changes: the number moves on with every committed write, this connection's or another's,
// whichever way other connections' commits are watched; it stands still otherwise. Other
// connections' commits are looked at once per request: the checks below that follow one begin
// a request (requestBegins), as the server's first hook does for a request sent after the commit.
// engine: sqlite-only — SQLite's freshness watch (total_changes, the WAL index header), on better-sqlite3 connections
import t from 'tap'
import { copyFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createArrivals } from '../../src/db/arrivals.js'
import { watchChanges } from '../../src/db/sqlite/changes.js'

const requests = createArrivals()
const { begins: requestBegins, afterArrivals } = requests

const nextRequest = async () => { requestBegins() }

type Via = 'wal-index' | 'data_version'
const JOURNAL: Record<Via, string> = { 'wal-index': 'wal', data_version: 'delete' }

for (const via of ['wal-index', 'data_version'] as const) {
  t.test(`a file in journal mode ${JOURNAL[via]}: seen through ${via}`, async (t) => {
    const file = join(t.testdir(), 'c.db')
    const server = new Database(file)
    server.pragma(`journal_mode = ${JOURNAL[via]}`)
    server.exec('create table t (x)')
    const other = new Database(file)
    const watch = watchChanges(server, requests)
    t.teardown(() => { watch.close(); server.close(); other.close() })
    t.equal(watch.via, via)
    let seen = watch.generation()
    const moved = () => { const now = watch.generation(); const m = now !== seen; seen = now; return m }
    t.notOk(moved(), 'nothing written: stands still')
    other.prepare('insert into t values (1)').run()
    await nextRequest()
    t.ok(moved(), 'another connection committed')
    t.notOk(moved())
    server.prepare('insert into t values (2)').run()
    t.ok(moved(), 'this connection wrote')
    await nextRequest()
    moved() // own commits rewrite the header too: the next look may count the write again (the safe side)
    other.prepare('select * from t').all()
    server.prepare('select * from t').all()
    await nextRequest()
    t.notOk(moved(), 'reads move nothing')
    other.prepare('begin').run()
    other.prepare('insert into t values (3)').run()
    await nextRequest()
    moved() // may move already (a writer starting over a checkpointed WAL rewrites the header): the safe side
    other.prepare('commit').run()
    await nextRequest()
    t.ok(moved(), 'and is once committed')
    t.throws(() => other.transaction(() => { other.prepare('insert into t values (4)').run(); throw new Error('abort') })(), /abort/)
    await nextRequest()
    t.notOk(moved(), 'a rolled-back write changes nothing')
    other.prepare('update t set x = 0 where x = 99').run()
    await nextRequest()
    t.notOk(moved(), 'a statement writing no row changes nothing')
  })

  t.test(`${via}: a look stands until the next request begins (every request in flight arrived before it), and no longer than it is allowed`, async (t) => {
    const file = join(t.testdir(), 'c.db')
    const server = new Database(file)
    server.pragma(`journal_mode = ${JOURNAL[via]}`)
    server.exec('create table t (x)')
    const other = new Database(file)
    const watch = watchChanges(server, requests, 60_000)
    const young = watchChanges(server, requests, 5)
    t.teardown(() => { watch.close(); young.close(); server.close(); other.close() })
    let seen = watch.generation()
    const moved = () => { const now = watch.generation(); const m = now !== seen; seen = now; return m }
    await nextRequest()
    moved()
    other.prepare('insert into t values (5)').run()
    t.notOk(moved(), 'a commit by another connection after the look, no request begun since')
    server.prepare('insert into t values (6)').run()
    t.ok(moved(), 'an own write is seen at once')
    other.prepare('insert into t values (7)').run()
    await nextRequest()
    t.ok(moved(), 'the next request looks again')

    await nextRequest()
    const before = young.generation()
    other.prepare('insert into t values (8)').run()
    await new Promise((resolve) => setTimeout(resolve, 20))
    t.not(young.generation(), before, 'a look older than allowed is made again, request or not')
  })
}

t.test('a database in memory has only this connection: its writes move the number', async (t) => {
  const sqlite = new Database(':memory:')
  const watch = watchChanges(sqlite, requests)
  t.teardown(() => { watch.close(); sqlite.close() })
  t.equal(watch.via, 'memory')
  sqlite.exec('create table t (x)')
  const before = watch.generation()
  t.equal(watch.generation(), before)
  sqlite.prepare('insert into t values (1)').run()
  t.not(watch.generation(), before)
})

t.test('a database opened through a symlink is watched through the files SQLite uses, beside the target', async (t) => {
  const dir = t.testdir({ real: {}, link: {} })
  const real = join(dir, 'real', 'r.db')
  const link = join(dir, 'link', 'r.db')
  const setup = new Database(real)
  setup.pragma('journal_mode = wal')
  setup.exec('create table t (x)')
  symlinkSync(real, link)
  copyFileSync(`${real}-shm`, `${link}-shm`) // a stale copy beside the link (a folder copied, a file moved)
  setup.close()
  const server = new Database(link)
  const other = new Database(real)
  const watch = watchChanges(server, requests)
  t.teardown(() => { watch.close(); server.close(); other.close() })
  t.equal(watch.via, 'wal-index')
  const before = watch.generation()
  other.prepare('insert into t values (1)').run()
  requestBegins()
  t.not(watch.generation(), before, 'the commit is seen')
})

t.test('requests that arrive together go on together once the turn has taken them all in, in order, and share one look', async (t) => {
  const file = join(t.testdir(), 'c.db')
  const server = new Database(file)
  server.pragma('journal_mode = wal')
  server.exec('create table t (x)')
  const other = new Database(file)
  const watch = watchChanges(server, requests, 60_000)
  t.teardown(() => { watch.close(); server.close(); other.close() })
  const ran: string[] = []
  const generations: number[] = []
  const arrive = (name: string) => {
    requestBegins()
    afterArrivals(() => {
      ran.push(name)
      generations.push(watch.generation())
      if (name === 'b') afterArrivals(() => ran.push('c, arrived while the others went on'))
    })
  }
  const before = watch.generation()
  arrive('a')
  other.prepare('insert into t values (1)').run() // committed after a arrived, before it goes on: a sees it too (the safe side)
  arrive('b')
  t.same(ran, [], 'nothing goes on in the turn they arrive in')
  const looks = watch.looks()
  await new Promise((resolve) => setImmediate(resolve))
  t.same(ran, ['a', 'b'], 'then all, in order of arrival')
  t.equal(watch.looks() - looks, 1, 'one look for both')
  t.not(generations[0], before, 'which saw the commit made before b was sent')
  t.equal(generations[1], generations[0])
  await new Promise((resolve) => setImmediate(resolve))
  t.same(ran, ['a', 'b', 'c, arrived while the others went on'], 'one that arrives meanwhile waits for the next turn')
})

t.test('one that throws (a defect: a continuation answers its own failures) strands none after it and reaches no one as an uncaught exception, only as a process warning', async (t) => {
  const listening = process.rawListeners('uncaughtException')
  process.removeAllListeners('uncaughtException')
  const uncaught: unknown[] = []
  const take = (error: unknown) => { uncaught.push(error) }
  process.on('uncaughtException', take)
  t.teardown(() => {
    process.removeListener('uncaughtException', take)
    for (const l of listening) process.on('uncaughtException', l as (error: Error) => void)
  })
  const warned = new Promise<Error>((resolve) => process.once('warning', resolve))
  const ran: string[] = []
  afterArrivals(() => { ran.push('a'); throw new Error('boom') })
  afterArrivals(() => { ran.push('b') })
  await new Promise((resolve) => setImmediate(resolve))
  t.same(ran, ['a', 'b'])
  t.same(uncaught, [], 'nothing thrown to the event loop')
  t.match(await Promise.race([warned, new Promise((resolve) => setTimeout(resolve, 1000, 'no warning'))]), { message: 'boom' }, 'a process warning tells of it')
})
