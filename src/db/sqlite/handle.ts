// The shape of a SQLite store (built by openSqliteStore in store.ts): the handle and what it
// owns, as types only, so the parts it is built from can name it without importing the builder.
import type Database from 'better-sqlite3'
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import type { Arrivals, ChangeWatch } from './changes.js'
import type * as schema from '../schema.js'
import type { WriteGate } from '../write-gate.js'
import type { IdNumberCodec } from '../../security/id-numbers.js'

/** The key of one prepared query. */
export type QueryKey = symbol

/** The queries a connection has built (a field of its store). */
export interface PreparedQueries {
  /** The query `build` makes, built on the first call for this key and kept. */
  once<Q> (key: QueryKey, build: () => Q): Q
  /** Whether the query of `key` was built (tests). */
  has (key: QueryKey): boolean
}

/** The kept answers of one connection (a field of its store). */
export interface ReadCache {
  /** What `read` answers for `key` in the cache `name` (see cachedRead). */
  read<V> (name: string, key: string | number, read: () => V): V
}

/** drizzle over one connection of a store; `$store` is that store (what repositories keep per
 *  connection: prepared queries, kept answers, the ID-number codec). */
export type Db = BetterSQLite3Database<typeof schema> & { readonly $store: SqliteStore }

export interface SqliteStore {
  readonly sqlite: Database.Database
  readonly db: Db
  /** Runs `fn` in a read transaction (BEGIN DEFERRED): everything it reads is one snapshot of the
   *  database. `fn` must be synchronous, as for write. */
  read<T>(fn: (db: Db) => T): T
  /** Runs `fn` in a write transaction begun IMMEDIATE (the write lock is taken up front, so two
   *  writers never deadlock on a lock upgrade). `fn` must be synchronous: better-sqlite3 cannot
   *  roll back work done after an `await`. */
  write<T>(fn: (db: Db) => T): T
  /**
   * Runs `work` as ONE write transaction: everything it writes is committed together, or (when
   * a step throws) nothing, and the error is thrown. `work` is a generator whose steps are
   * synchronous; at each `yield` the event loop may take a turn (one every TURN_MS of work), so
   * other requests are answered while a large import applies. On a database file the work runs
   * on a connection of its own: the others keep reading the database as it stood before, never
   * a part of the work, and requests that write wait at the gate until it has committed. A
   * database in memory has no second connection: the steps then run in one go.
   * `heldMs` is how long the write lock was held (from BEGIN to COMMIT or ROLLBACK).
   */
  writeInTurns<T>(work: (store: SqliteStore) => Generator<unknown, T, void>): Promise<{ value: T, heldMs: number }>
  /** Requests that may write hold a pass of this gate; writeInTurns shuts it (db/write-gate). */
  readonly gate: WriteGate
  /** When requests begin (the server's first hook) and go on together (the auth plugin). */
  readonly requests: Arrivals
  /** Whether the database may have changed (db/sqlite/changes). */
  readonly changes: Pick<ChangeWatch, 'generation' | 'looks' | 'via'>
  /** Answers kept while the database stands still (db/sqlite/read-cache). */
  readonly reads: ReadCache
  /** Queries built once for this connection (db/sqlite/prepared). */
  readonly queries: PreparedQueries
  /** The codec of the key the store was opened with; throws when it was opened without one, or
   *  (checked on first use) when the ID numbers already stored were sealed with another key. */
  readonly idNumbers: IdNumberCodec
  close(): void
}
