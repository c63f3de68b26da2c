// Queries built once per connection. drizzle turns a query builder into SQL on every call, and
// on the hot paths (a point read per request, a few statements per imported row) that building
// costs several times what SQLite takes to run the statement. A repository keeps such a query
// prepared, with placeholders for its values, under a key of its own: once(db, key, build).
// Keys are symbols made by queryKeys, so two repositories cannot share one by accident (a name
// written twice in one repository's list is refused when the module loads).
import { sql, type SQL } from 'drizzle-orm'
import type Database from 'better-sqlite3'
import type { Db, PreparedQueries, QueryKey } from './handle.js'

export type { QueryKey } from './handle.js'

/** One key per name, each a fresh symbol described as `<owner>.<name>`; throws on a name given twice. */
export function queryKeys<const N extends string> (owner: string, names: readonly N[]): Readonly<Record<N, QueryKey>> {
  const keys: Partial<Record<N, QueryKey>> = {}
  for (const name of names) {
    if (keys[name] !== undefined) throw new Error(`queryKeys(${owner}): the name ${name} is given twice`)
    keys[name] = Symbol(`${owner}.${name}`)
  }
  return keys as Record<N, QueryKey>
}

export function createPreparedQueries (): PreparedQueries {
  const built = new Map<QueryKey, unknown>()
  return {
    once<Q> (key: QueryKey, build: () => Q): Q {
      let query = built.get(key) as Q | undefined
      if (query === undefined) built.set(key, query = build())
      return query
    },
    has: (key) => built.has(key)
  }
}

/** The query `build` makes, built on the first call for the connection under `db` and kept. */
export const once = <Q> (db: Db, key: QueryKey, build: () => Q): Q => db.$store.queries.once(key, build)

/** SQL text prepared once per connection on better-sqlite3 itself, its values bound by :name:
 *  no per-call work by drizzle, for statements run per imported row or over a whole batch. */
export function onceStatement (db: Db, key: QueryKey, text: string): Database.Statement {
  return once(db, key, () => db.$store.sqlite.prepare(text))
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
