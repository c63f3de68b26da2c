// engine: sqlite-only in part — one test turns on better-sqlite3's safeIntegers to get a bigint
// test/db.ts, the one way tests read and write the database: $n parameters, numbers as numbers,
// a snapshot that tells a change, and the marks that let a run on another engine skip a test.
import t, { type Test } from 'tap'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { ENGINE, engineOfFile, execute, queryColumn, queryRow, queryRows, queryValue, sqliteOnly, tableContents, tableNames } from '../db.js'
import { testStore } from '../helper.js'

const memoryStore = (t: Test) => {
  const store = openSqliteStore(':memory:')
  t.teardown(() => store.close())
  return store
}

t.test('reads and writes with $n parameters, counts as numbers, an id through returning', async (t) => {
  const store = await testStore(t)
  const id = await queryValue<number>(store, 'insert into exams (name, date, pass_mark) values ($1, $2, 60) returning id', '甲', '2026-01-01')
  t.type(id, 'number')
  t.equal(await execute(store, 'insert into exams (name, date, pass_mark) values ($2, $1, $3)', '2026-02-01', '乙', 70), 1, 'one row changed, the parameters by their number')
  t.equal(await queryValue(store, 'select count(*) from exams'), 2, 'count(*) is a number')
  t.strictSame(await queryRow(store, 'select name, pass_mark as "passMark" from exams where id = $1', id), { name: '甲', passMark: 60 })
  t.equal(await queryRow(store, 'select name from exams where id = $1', -1), undefined, 'no row')
  t.equal(await queryValue(store, 'select name from exams where id = $1', -1), undefined, 'no value')
  t.same(await queryRows(store, 'select name from exams order by id'), [{ name: '甲' }, { name: '乙' }])
  t.same(await queryColumn(store, 'select name from exams where pass_mark >= $1 order by id', 60), ['甲', '乙'])
  t.equal(await execute(store, 'update exams set pass_mark = pass_mark + 1'), 2)
  t.equal(await queryValue(store, 'select $1 = true', true), 1, 'a boolean parameter is bound as SQLite\'s 1 (on PostgreSQL, a flag read is 1)')
  t.equal(await queryValue(store, 'select sum(pass_mark) from exams'), 132, 'a sum is a number')
})

t.test('a parameter given but not used, or used but not given, is refused before the query runs', async (t) => {
  const store = await testStore(t)
  await t.rejects(queryValue(store, 'select count(*) from exams where id = $1'), /0 parameter\(s\) given for \$1/)
  await t.rejects(queryValue(store, 'select count(*) from exams', 1), /1 parameter\(s\) given for \$ in/)
  await t.rejects(queryValue(store, 'select count(*) from exams where id = $2', 1, 2), /2 parameter\(s\) given for \$2/)
  await t.rejects(execute(store, 'delete from exams where id = ?', 1), /1 parameter\(s\) given/, 'a ? is not a parameter here')
})

t.test('tableNames lists the schema\'s tables, not the engine\'s; tableContents tells any change', async (t) => {
  const store = await testStore(t)
  const names = await tableNames(store)
  t.ok(names.includes('officers') && names.includes('exams') && names.includes('__drizzle_migrations'), `${names.length} tables`)
  t.notOk(names.some((n) => n.startsWith('sqlite_') || n.startsWith('pg_')), 'no table of the engine\'s own')
  const before = await tableContents(store)
  t.same(await tableContents(store), before, 'read twice, the same')
  await execute(store, "insert into exams (name, date, pass_mark) values ('甲', '2026-01-01', 60)")
  const after = await tableContents(store)
  t.not(after.get('exams'), before.get('exams'), 'a row written shows')
  await execute(store, "update exams set name = '乙'")
  t.not((await tableContents(store)).get('exams'), after.get('exams'), 'a value changed shows')
})

t.test('the marks: sqliteOnly skips nothing on SQLite; a file\'s mark is read from its first lines', async (t) => {
  t.same(sqliteOnly('a trigger'), { skip: ENGINE === 'sqlite' ? false : 'sqlite-only: a trigger' })
  t.equal(engineOfFile('// x\n// engine: sqlite-only — the WAL watch\nimport t from \'tap\'\n'), 'sqlite-only')
  t.equal(engineOfFile('// engine: sqlite-only in part — a trigger\n'), 'sqlite-only in part')
  t.equal(engineOfFile('// engine: sqlite-only\n'), 'any', 'a mark says why')
  t.equal(engineOfFile(`${'\n'.repeat(20)}// engine: sqlite-only — late\n`), 'any', 'in the header only')
})

t.test('a bigint read comes back a number', sqliteOnly('turns on better-sqlite3\'s safeIntegers'), async (t) => {
  const store = memoryStore(t)
  store.sqlite.defaultSafeIntegers(true)
  t.equal(await queryValue(store, 'select count(*) from exams'), 0)
  t.strictSame(await queryRow(store, 'select 1 as one, 2 as two'), { one: 1, two: 2 })
})
