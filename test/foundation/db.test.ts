import t from 'tap'
import { join } from 'node:path'
import { openDatabase, migrationsApplied } from '../../src/db/open.js'

t.test('every open sets WAL, foreign keys, busy timeout and synchronous=FULL, also after a reopen', async (t) => {
  const dir = t.testdir()
  const file = join(dir, 'sub', 'registry.db')
  for (const round of ['first open (creates the file)', 'reopen of an existing WAL file']) {
    const store = openDatabase(file)
    t.equal(store.sqlite.pragma('journal_mode', { simple: true }), 'wal', `${round}: WAL`)
    t.equal(store.sqlite.pragma('synchronous', { simple: true }), 2, `${round}: synchronous FULL (2)`)
    t.equal(store.sqlite.pragma('foreign_keys', { simple: true }), 1, `${round}: foreign keys on`)
    t.equal(store.sqlite.pragma('busy_timeout', { simple: true }), 5000, `${round}: busy timeout`)
    t.ok(migrationsApplied(store.sqlite), `${round}: migrations applied`)
    store.close()
  }
})

t.test('a write that throws rolls back whole; foreign keys are enforced', async (t) => {
  const store = openDatabase(':memory:')
  t.teardown(() => store.close())
  t.throws(() => store.write(() => {
    store.sqlite.prepare("insert into exams (name, date, pass_mark) values ('a', '2026-01-01', 60)").run()
    throw new Error('half way')
  }), /half way/)
  t.equal((store.sqlite.prepare('select count(*) n from exams').get() as { n: number }).n, 0, 'nothing written')
  t.throws(() => store.sqlite.prepare('insert into exam_results (exam_id, officer_id, score, passed) values (99, 99, 1, 0)').run(), /FOREIGN KEY/)
})

t.test('write transactions begin IMMEDIATE: a second connection waits instead of failing on upgrade', async (t) => {
  const file = join(t.testdir(), 'r.db')
  const a = openDatabase(file)
  const b = openDatabase(file, { busyTimeoutMs: 50 })
  t.teardown(() => { a.close(); b.close() })
  a.sqlite.prepare('begin immediate').run()
  t.throws(() => b.write(() => 1), /SQLITE_BUSY|database is locked/, 'the lock is taken at BEGIN, not at the first write')
  a.sqlite.prepare('commit').run()
  t.equal(b.write(() => 7), 7)
})
