// What one connection of a SQLite store keeps, as types only: the transaction handle (`Db`)
// that the port (db/store.ts) hands to repositories, and the parts of it they reach.
import type Database from 'better-sqlite3'
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import type * as schema from '../schema.js'
import type { IdNumberCodec } from '../../security/id-numbers.js'

/** The key of one prepared query. */
export type QueryKey = symbol

/** The queries a connection has built (a field of its connection). */
export interface PreparedQueries {
  /** The query `build` makes, built on the first call for this key and kept. */
  once<Q> (key: QueryKey, build: () => Q): Q
  /** Whether the query of `key` was built (tests). */
  has (key: QueryKey): boolean
}

/** The kept answers of one connection (a field of its connection). */
export interface ReadCache {
  /** What `read` answers for `key` in the cache `name` (see cachedRead). */
  read<V> (name: QueryKey, key: string | number, read: () => V): V
}

/** What one connection of a store keeps for the repositories working on it: the connection, the
 *  queries built on it, its kept answers, and the store's ID-number codec. */
export interface Connection {
  readonly sqlite: Database.Database
  readonly queries: PreparedQueries
  readonly reads: ReadCache
  readonly idNumbers: IdNumberCodec
}

/** drizzle over one connection of a store, inside one of the store's transactions; `$store` is
 *  what that connection keeps (prepared queries, kept answers, the ID-number codec). */
export type Db = BetterSQLite3Database<typeof schema> & { readonly $store: Connection }
