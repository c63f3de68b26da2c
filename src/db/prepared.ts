// Queries built once per connection. drizzle turns a query builder into SQL on every call, and
// on the hot paths (a point read per request, a few statements per imported row) that building
// costs several times what SQLite takes to run the statement. A repository keeps such a query
// prepared, with placeholders for its values, under a name: once(db, name, build).
import { sql, type Column, type SQL } from 'drizzle-orm'
import type Database from 'better-sqlite3'
import { clientOf, type Db } from './open.js'

const built = new WeakMap<Db, Map<string, unknown>>()

/** The query `build` makes, built on the first call for this connection and kept. */
export function once<Q> (db: Db, name: string, build: () => Q): Q {
  let queries = built.get(db)
  if (queries === undefined) built.set(db, queries = new Map())
  let query = queries.get(name) as Q | undefined
  if (query === undefined) queries.set(name, query = build())
  return query
}

/** A placeholder per column, named after it: the values of a prepared insert into `table`,
 *  filled by name when it runs. Typed as the table's insert values (drizzle types values, not
 *  placeholders): this is the one place that cast is made. */
export function insertPlaceholders<T extends { $inferInsert: object }, K extends keyof T['$inferInsert'] & string> (_table: T, columns: readonly K[]): T['$inferInsert'] {
  return Object.fromEntries(columns.map((c) => [c, sql.placeholder(c)])) as unknown as T['$inferInsert']
}

/** The same for the `set` of a prepared update (drizzle takes SQL there). */
export function setPlaceholders<K extends string> (columns: readonly K[]): Record<K, SQL> {
  return Object.fromEntries(columns.map((c) => [c, sql`${sql.placeholder(c)}`])) as Record<K, SQL>
}

/** `column IN (the ids of a placeholder)`: one prepared statement for a list of any length (the
 *  list is bound as one JSON array; pass it through idList), where drizzle's inArray builds new
 *  SQL, a parameter per id, on every call. */
export const inIdList = (column: Column, name: string): SQL =>
  sql`${column} in (select value from json_each(${sql.placeholder(name)}))`

/** The value of an inIdList placeholder. */
export const idList = (ids: Iterable<number>): string => JSON.stringify(Array.isArray(ids) ? ids : [...ids])

/** SQL text prepared once per connection on better-sqlite3 itself, its values bound by :name:
 *  no per-call work by drizzle, for statements run per imported row or over a whole batch. */
export function onceStatement (db: Db, name: string, text: string): Database.Statement {
  return once(db, name, () => clientOf(db).prepare(text))
}
