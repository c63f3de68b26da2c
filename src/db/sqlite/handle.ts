// The shape of a SQLite store (built by openSqliteStore in store.ts): the handle and what it
// owns, as types only, so the parts it is built from can name it without importing the builder.
import type Database from 'better-sqlite3'
import type { ChangeWatch } from './changes.js'
import type { Db, PreparedQueries } from './connection.js'
import type { Store } from '../store.js'

export type { Connection, Db, PreparedQueries, QueryKey, ReadCache } from './connection.js'

export interface SqliteStore extends Store<Db> {
  /** The writer connection, for what only SQLite does and is not a transaction of the port's
   *  (pragmas, VACUUM, a backup's source, the tests marked sqlite-only). */
  readonly sqlite: Database.Database
  /** Whether the database may have changed, as the reader sees it (db/sqlite/changes). */
  readonly changes: Pick<ChangeWatch, 'generation' | 'looks' | 'via'>
  /** The reader's prepared queries (tests: whether a query was built). */
  readonly queries: PreparedQueries
}
