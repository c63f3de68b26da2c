// engine: sqlite-only in part — PRAGMAs, the SQLite handle's synchronous write and BEGIN IMMEDIATE locking
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { MIGRATIONS_DIR } from '../../src/db/migrations.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { inScopeWhere, scopeOf } from '../../src/db/scope.js'
import { agencies } from '../../src/db/schema.js'
import { agencyRepository } from '../../src/modules/agencies/repository.js'
import type { Scope } from '../../src/security/roles.js'
import { execute, sqliteOnly } from '../db.js'

t.test('every open sets WAL, foreign keys, busy timeout and synchronous=FULL, also after a reopen', sqliteOnly('PRAGMAs of the SQLite file'), async (t) => {
  const dir = t.testdir()
  const file = join(dir, 'sub', 'registry.db')
  for (const round of ['first open (creates the file)', 'reopen of an existing WAL file']) {
    const store = openSqliteStore(file)
    t.equal(store.sqlite.pragma('journal_mode', { simple: true }), 'wal', `${round}: WAL`)
    t.equal(store.sqlite.pragma('synchronous', { simple: true }), 2, `${round}: synchronous FULL (2)`)
    t.equal(store.sqlite.pragma('foreign_keys', { simple: true }), 1, `${round}: foreign keys on`)
    t.equal(store.sqlite.pragma('busy_timeout', { simple: true }), 5000, `${round}: busy timeout`)
    t.ok(await store.migrationsApplied(), `${round}: migrations applied`)
    store.close()
  }
})

t.test('a write that throws rolls back whole, also after an await; foreign keys are enforced', sqliteOnly('the SQLite handle\'s write transaction'), async (t) => {
  const store = openSqliteStore(':memory:')
  t.teardown(() => store.close())
  await t.rejects(store.write(async (db) => {
    db.$store.sqlite.prepare("insert into exams (name, date, pass_mark) values ('a', '2026-01-01', 60)").run()
    await new Promise((resolve) => setTimeout(resolve, 5))
    db.$store.sqlite.prepare("insert into exams (name, date, pass_mark) values ('b', '2026-01-01', 60)").run()
    throw new Error('half way')
  }), /half way/)
  t.equal((store.sqlite.prepare('select count(*) n from exams').get() as { n: number }).n, 0, 'nothing written')
  t.throws(() => store.sqlite.prepare('insert into exam_results (exam_id, officer_id, score, passed) values (99, 99, 1, 0)').run(), /FOREIGN KEY/)
})

t.test('write transactions begin IMMEDIATE: a second connection waits instead of failing on upgrade', sqliteOnly('SQLite\'s BEGIN IMMEDIATE and SQLITE_BUSY'), async (t) => {
  const file = join(t.testdir(), 'r.db')
  const a = openSqliteStore(file)
  const b = openSqliteStore(file, { busyTimeoutMs: 50 })
  t.teardown(() => { a.close(); b.close() })
  a.sqlite.prepare('begin immediate').run()
  await t.rejects(b.write(async () => 1), /SQLITE_BUSY|database is locked/, 'the lock is taken at BEGIN, not at the first write')
  a.sqlite.prepare('commit').run()
  t.equal(await b.write(async () => 7), 7)
})

t.test('scope: a subtree is its paths, never a sibling sharing a prefix; lists and point reads agree', async (t) => {
  const store = openSqliteStore(':memory:')
  t.teardown(() => store.close())
  // /1/ ─ /1/2/ ─ /1/2/21/, /1/20/ (a sibling whose path starts with /1/2), /3/
  const tree: Array<[number, string]> = [[1, '/1/'], [2, '/1/2/'], [20, '/1/20/'], [21, '/1/2/21/'], [3, '/3/']]
  for (const [id, path] of tree) {
    await execute(store, "insert into agencies (id, name, uscc, kind, level, path, region_code, domains, status) values ($1, $2, $3, 'organ', 'city', $4, '140802', '[]', 'active')",
      id, `机关${id}`, `U${id}`, path)
  }
  const cases: Array<[Scope, number[]]> = [
    // scope → agencies it reaches
    [{ all: true }, [1, 2, 3, 20, 21]],
    [{ all: false, rootAgencyId: 1 }, [1, 2, 20, 21]],
    [{ all: false, rootAgencyId: 2 }, [2, 21]],
    [{ all: false, rootAgencyId: 20 }, [20]],
    [{ all: false, rootAgencyId: 21 }, [21]],
    [{ all: false, rootAgencyId: 3 }, [3]],
    [{ all: false, rootAgencyId: 999 }, []],
    [scopeOf({ sub: 'x', role: 'clerk', agencyId: null, via: 'user' }), []]
  ]
  for (const [scope, want] of cases) {
    const listed = await store.read(async (db) => db.select({ id: agencies.id }).from(agencies).where(inScopeWhere(scope, agencies.id)).orderBy(agencies.id).all().map((r) => r.id))
    t.same(listed, want, `list, ${JSON.stringify(scope)}`)
    const read: number[] = []
    for (const [id] of tree) if (await store.read((db) => agencyRepository.findById(db, scope, id)) !== undefined) read.push(id)
    read.sort((a, b) => a - b)
    t.same(read, want, `point reads, ${JSON.stringify(scope)}`)
  }
  t.same(scopeOf({ sub: 'x', role: 'admin', agencyId: 7, via: 'user' }), { all: true }, 'admin reaches everything')
})

t.test('each engine\'s migrations are journalled in order of their time: drizzle applies one only when it is later than the last applied', async (t) => {
  for (const dir of [MIGRATIONS_DIR, join(MIGRATIONS_DIR, 'pg')]) {
    const { entries } = JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ idx: number, when: number, tag: string }> }
    const late = entries.filter((e, i) => i > 0 && e.when <= (entries[i - 1] as { when: number }).when).map((e) => e.tag)
    t.same(late, [], `${dir}: every migration's "when" after the one before it (a database at the one before would skip it)`)
    t.same(entries.map((e) => e.idx), entries.map((_, i) => i), `${dir}: numbered in order`)
  }
})
