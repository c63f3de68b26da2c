// Which engine a transaction runs on, and repositories written once per engine. A service hands
// repositories the `Db` its store's transaction gave (db/store.ts): a SQLite handle or a
// PostgreSQL one. Each repository with SQL of its own keeps one implementation per engine, the
// SQLite one in `repository.ts` (its statements prepared once per connection, its kept answers)
// and the PostgreSQL one in `pg-repository.ts`, and exports byEngine(sqlite, pg): one object
// whose every function hands the call to the implementation of the engine `db` belongs to.
import type { Db as SqliteDb } from './sqlite/connection.js'
import type { PgDb } from './pg/handle.js'
import type { SQL } from 'drizzle-orm'

export type { SqliteDb, PgDb }

/** What a transaction's callback is given: a handle on one engine or the other. */
export type Db = SqliteDb | PgDb

export const isPg = (db: Db): db is PgDb => (db as { $engine?: string }).$engine === 'pg'

type OnSqlite = Record<string, (db: SqliteDb, ...args: any[]) => Promise<unknown>>

/** `F` taking the handle `D` in place of SQLite's, its other arguments and its answer the same. */
export type Ported<F, D> = F extends (db: SqliteDb, ...args: infer A) => infer R ? (db: D, ...args: A) => R : never

/** The repository of both engines: each function of `sqlite`, called with a PostgreSQL handle,
 *  runs `pg`'s function of the same name instead (which must take the same arguments and give
 *  the same answer). */
export function byEngine<S extends OnSqlite> (sqlite: S, pg: { readonly [K in keyof S]: Ported<S[K], PgDb> }): { readonly [K in keyof S]: Ported<S[K], Db> } {
  const both: Record<string, (db: Db, ...args: unknown[]) => Promise<unknown>> = {}
  for (const name of Object.keys(sqlite)) {
    const onSqlite = sqlite[name] as (db: SqliteDb, ...args: unknown[]) => Promise<unknown>
    const onPg = pg[name] as (db: PgDb, ...args: unknown[]) => Promise<unknown>
    if (typeof onPg !== 'function') throw new Error(`byEngine: PostgreSQL has no ${name}`)
    both[name] = async (db, ...args) => await (isPg(db) ? onPg(db, ...args) : onSqlite(db, ...args))
  }
  return both as { readonly [K in keyof S]: Ported<S[K], Db> }
}

/** The rows of one query written in SQL both engines speak (plain tables, `case when`, no
 *  dialect functions), as objects keyed by the query's column aliases; quote a camelCase alias
 *  ("agencyId") so PostgreSQL keeps its case. */
export async function rowsOf<T> (db: Db, query: SQL): Promise<T[]> {
  return isPg(db) ? (await db.execute(query)).rows as T[] : db.all<T>(query)
}
