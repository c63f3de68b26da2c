// How tests read and write the database behind the service: through these helpers only, so
// the same tests can run on another engine (PostgreSQL, issue 22) by changing this one file.
//
//   await queryValue(app, 'select count(*) from officers where agency_id = $1', agencyId)  // 3
//   await queryRow(app, 'select status, version from officers where id = $1', id)          // { … } | undefined
//   await queryRows(app, 'select id, path from agencies order by id')                      // [{ … }, …]
//   await queryColumn(app, 'select key from idempotency_keys order by key')                // ['a', 'b']
//   await execute(app, 'update officers set status = $1 where id = $2', 'departed', id)    // rows changed
//   await tableContents(app)            // every table's rows: a snapshot to compare after a request
//
// - Each takes an app (its `store`) or a store, and returns a promise: node-postgres is
//   asynchronous, so call sites already await what the PostgreSQL implementation will return.
// - A query (select, with) reads through the store's port (store.read): what is committed, never
//   a part of a write under way. `execute`, and `insert … returning` through queryValue, write on
//   the store's writer connection directly (outside its write queue: not inside a callback of
//   store.write of a store in memory, whose one connection it shares).
// - Parameters are positional, written `$1`, `$2`, … as PostgreSQL takes them; SQLite takes the
//   same text (`$1` is a parameter it binds by name, given here as { 1: …, 2: … }). Each
//   parameter given must be used and each used given. A boolean is bound as SQLite's 1 or 0.
// - Numbers come back as numbers: SQLite gives them so (a bigint, should a connection ever read
//   with safeIntegers, is made a number). node-postgres gives `count(*)`, `sum` and other int8
//   and numeric values as strings: the store's type parsers make them numbers; a flag (boolean)
//   comes back as SQLite's 1 or 0 and a json or jsonb value as JSON text (as SQLite stores it),
//   by the type the driver reports for the column, never by the look of a value, so that an
//   assertion on a row holds on both.
// - Write SQL both engines read: standard SQL, `true` and `false` for flags (SQLite reads them
//   as 1 and 0), quoted aliases for camelCase names (`as "officerId"`: PostgreSQL folds an
//   unquoted one to lower case), no SQLite-only function.
//
// A test that needs SQLite itself (a JavaScript function registered on the connection, a
// trigger in SQLite's dialect, PRAGMAs, sqlite_master or sqlite_sequence, the WAL freshness
// watch, backup, a crashed or SIGKILLed process's file) keeps its better-sqlite3 calls, and says
// so, for a run on another engine to skip exactly it:
// - a file all of whose tests need SQLite carries, in its first lines, the line
//     // engine: sqlite-only — <why>
// - a file where only some do carries
//     // engine: sqlite-only in part — <why>
//   and each of those tests is declared with `sqliteOnly(why)` as its options:
//     t.test('a change by another process shows at once', sqliteOnly('the WAL freshness watch'), async (t) => { … })
// test/foundation/engine-marks.test.ts fails when a test file reaches SQLite (store.sqlite,
// better-sqlite3) without its mark, or, in a file marked "in part", outside a sqliteOnly test.
// A run on another engine sets TEST_ENGINE (e.g. TEST_ENGINE=pg): sqliteOnly() then skips the
// test, and engineOfFile() tells the runner which files to leave out.
// This file's own tests: test/foundation/test-db.test.ts.
import type Database from 'better-sqlite3'
import type pg from 'pg'
import type { Store } from '../src/db/store.js'
import type { SqliteStore } from '../src/db/sqlite/store.js'
import type { PgStore } from '../src/db/pg/store.js'

/** A store (the app's `store`, or one a test opened) or anything that holds one (the app). */
export type Queryable = { readonly store: Store } | Store

/** The engine this run tests: TEST_ENGINE, or SQLite. */
export const ENGINE: string = process.env.TEST_ENGINE ?? 'sqlite'

/** The first column of the first row, or undefined when there is none. */
export async function queryValue<T = unknown> (on: Queryable, sql: string, ...params: unknown[]): Promise<T> {
  const [first] = await run(on, sql, params, 'array')
  return (first as unknown[] | undefined)?.[0] as T
}

/** The first row, or undefined when there is none. */
export async function queryRow<T = Record<string, unknown>> (on: Queryable, sql: string, ...params: unknown[]): Promise<T | undefined> {
  const [first] = await run(on, sql, params, 'object')
  return first as T | undefined
}

/** Every row, in the order the query gives. */
export async function queryRows<T = Record<string, unknown>> (on: Queryable, sql: string, ...params: unknown[]): Promise<T[]> {
  return await run(on, sql, params, 'object') as T[]
}

/** The first column of every row. */
export async function queryColumn<T = unknown> (on: Queryable, sql: string, ...params: unknown[]): Promise<T[]> {
  return (await run(on, sql, params, 'array') as unknown[][]).map((r) => r[0]) as T[]
}

/** Runs one statement that returns no rows (insert, update, delete); the number of rows changed.
 *  (For an id written, `insert … returning id` through queryValue.) */
export async function execute (on: Queryable, sql: string, ...params: unknown[]): Promise<number> {
  checkParams(sql, params)
  const store = storeOf(on)
  if (store.engine === 'pg') return (await (store as PgStore).pool.query(sql, params)).rowCount ?? 0
  return (store as SqliteStore).sqlite.prepare(sql).run(bound(params)).changes
}

/** The names of the tables, in order: the schema's and the migrations' own (__drizzle_migrations),
 *  not the engine's (SQLite's sqlite_sequence and the like), nor PostgreSQL's shared login
 *  back-off and rate limits (what a SQLite server keeps in memory: every request counts there). */
export async function tableNames (on: Queryable): Promise<string[]> {
  return storeOf(on).engine === 'pg'
    ? queryColumn<string>(on, `select table_name from information_schema.tables where (table_schema = 'public' and table_name not in ('login_guard', 'rate_limit_hits'))
        or (table_schema = 'drizzle' and table_name = '__drizzle_migrations') order by table_name`)
    : queryColumn<string>(on, "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
}

/** Every table (tableNames) with its rows, as JSON, each row's values in column order and the rows
 *  sorted: a snapshot to tell that nothing changed. */
export async function tableContents (on: Queryable): Promise<Map<string, string>> {
  const pgStore = storeOf(on).engine === 'pg'
  const contents = new Map<string, string>()
  for (const name of await tableNames(on)) {
    const table = pgStore && name === '__drizzle_migrations' ? `drizzle."${name}"` : `"${name}"`
    const rows = await run(on, `select * from ${table}`, [], 'array')
    contents.set(name, JSON.stringify(rows.map((r) => JSON.stringify(r)).sort()))
  }
  return contents
}

/** The options of a test that needs SQLite itself: skipped when this run tests another engine.
 *  `why` names what it needs (the WAL freshness watch, a trigger in SQLite's dialect…). */
export function sqliteOnly (why: string): { skip: string | false } {
  return { skip: ENGINE === 'sqlite' ? false : `sqlite-only: ${why}` }
}

/** A test file's mark, read from its text: 'sqlite-only' (skip the file on another engine),
 *  'sqlite-only in part' (run it; its sqliteOnly tests skip themselves) or 'any'. */
export function engineOfFile (text: string): 'sqlite-only' | 'sqlite-only in part' | 'any' {
  const mark = FILE_MARK.exec(text.split('\n').slice(0, MARK_WITHIN_LINES).join('\n'))
  return mark === null ? 'any' : mark[1] === undefined ? 'sqlite-only' : 'sqlite-only in part'
}

/** The file mark: `// engine: sqlite-only — why` or `// engine: sqlite-only in part — why`. */
export const FILE_MARK = /^\/\/ engine: sqlite-only( in part)? — \S/m
/** The mark is looked for in a file's first lines (its header comment). */
export const MARK_WITHIN_LINES = 15

function storeOf (on: Queryable): Store {
  return 'engine' in on ? on : on.store
}

type Shape = 'object' | 'array'

/** Runs `sql` with `params`: a query (select, with) in a read transaction of the store (what is
 *  committed, as the service's reads see it: on a SQLite file the reader connection, never a
 *  write under way); anything else (`insert … returning id`) outside the store's transactions, on
 *  SQLite's writer connection or PostgreSQL's pool. Rows as objects or arrays, numbers as numbers
 *  and flags as 1 or 0. */
async function run (on: Queryable, sql: string, params: unknown[], shape: Shape): Promise<unknown[]> {
  checkParams(sql, params)
  const store = storeOf(on)
  const query = /^\s*(select|with)\b/i.test(sql)
  if (store.engine === 'pg') {
    const config: pg.QueryConfig = { text: sql, values: params, ...(shape === 'array' ? { rowMode: 'array' } : {}) }
    const result = query
      ? await store.read(async (db) => await (db as { $client: pg.PoolClient }).$client.query(config))
      : await (store as PgStore).pool.query(config)
    return result.rows.map((row: unknown) => pgRow(row as Record<string, unknown> | unknown[], result.fields))
  }
  const statement = (sqlite: Database.Database) => {
    const s = sqlite.prepare(sql)
    return (shape === 'array' ? s.raw() : s).all(bound(params)) as Array<Record<string, unknown> | unknown[]>
  }
  const rows = query
    ? await store.read(async (db) => statement((db as { $store: { sqlite: Database.Database } }).$store.sqlite))
    : statement((store as SqliteStore).sqlite)
  return rows.map(sqliteRow)
}

/** Every parameter used given and every one given used. */
function checkParams (sql: string, params: unknown[]): void {
  const used = new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))
  const given = params.map((_, i) => i + 1)
  if (used.size !== given.length || !given.every((n) => used.has(n))) {
    throw new Error(`test/db: ${params.length} parameter(s) given for $${[...used].sort((a, b) => a - b).join(', $')} in: ${sql}`)
  }
}

/** `$1`… bound by name as SQLite takes them, a boolean as 1 or 0. */
function bound (params: unknown[]): Record<string, unknown> {
  return Object.fromEntries(params.map((p, i) => [String(i + 1), typeof p === 'boolean' ? Number(p) : p]))
}

const number = (v: unknown): unknown => typeof v === 'bigint' ? Number(v) : v

function sqliteRow (r: Record<string, unknown> | unknown[]): Record<string, unknown> | unknown[] {
  if (Array.isArray(r)) return r.map(number)
  for (const [k, v] of Object.entries(r)) r[k] = number(v)
  return r
}

const BOOL_OID = 16
const JSON_OIDS = new Set([114, 3802]) // json, jsonb

/** By the column's type, never by the look of a value: a flag as SQLite's 1 or 0, JSON as the
 *  text SQLite stores (compact); int8 and numeric are numbers already (the store's type parsers). */
function pgRow (r: Record<string, unknown> | unknown[], fields: pg.FieldDef[]): Record<string, unknown> | unknown[] {
  const asSqlite = (v: unknown, type: number | undefined) =>
    type === BOOL_OID && typeof v === 'boolean' ? Number(v) : type !== undefined && JSON_OIDS.has(type) && v !== null ? JSON.stringify(v) : v
  if (Array.isArray(r)) return r.map((v, i) => asSqlite(v, fields[i]?.dataTypeID))
  for (const f of fields) r[f.name] = asSqlite(r[f.name], f.dataTypeID)
  return r
}
