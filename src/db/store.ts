// The storage port: all that services, plugins and commands know of the database. Work runs in
// transactions given as async callbacks; what a callback gets (`Db`) is handed to repositories,
// the only code that builds queries. The SQLite adapter (db/sqlite/store.ts, openSqliteStore)
// is the one the service runs on today: one writer (BEGIN IMMEDIATE behind an in-process mutex), a
// reader on a connection of its own (never seeing a write before it commits), the freshness
// watch and the kept answers, all inside it.
import type { Arrivals } from './arrivals.js'
import type { Db } from './engine.js'
import type { IdNumberCodec } from '../security/id-numbers.js'
import type { SharedLimits } from './shared-limits.js'

export type { Db, SqliteDb, PgDb } from './engine.js'
export type { Arrivals } from './arrivals.js'

/** `D`: what a transaction's callback is given (the engine's drizzle handle); services take
 *  either (db/engine.ts). */
export interface Store<D = Db> {
  /** The engine behind it: SQLite (embedded, one file) or PostgreSQL (DATABASE_URL). */
  readonly engine: 'sqlite' | 'pg'
  /** Runs `fn` in a read transaction: everything it reads is one snapshot of the database, as
   *  committed when its first read ran. Transactions of one store are not nested: `fn` must not
   *  call read or write of the same store (it would wait for itself); pass `db` on instead. */
  read<T> (fn: (db: D) => Promise<T>): Promise<T>
  /** Runs `fn`, which reads with ONE statement (its single snapshot is its own), without a
   *  transaction around it: on PostgreSQL read's BEGIN and COMMIT would be two more round trips
   *  for nothing; on SQLite it is read. For the check every authenticated request makes. */
  readOne<T> (fn: (db: D) => Promise<T>): Promise<T>
  /** Runs `fn` in a write transaction, one at a time in order of arrival, the write lock taken
   *  up front: committed when `fn` resolves, rolled back when it rejects (the error is thrown). */
  write<T> (fn: (db: D) => Promise<T>): Promise<T>
  /**
   * Runs `work` as ONE write transaction, like write, for work too large to hold the event loop:
   * `work` awaits `turn()` between steps, and a turn of the event loop is taken there once
   * TURN_MS of work has gone by, so other requests are answered meanwhile; readers keep reading
   * the database as it stood before, never a part of the work, and writes wait, in order, until
   * it has committed. A database in memory has no second connection: there
   * `turn()` takes no turn and the work runs in one go. `heldMs`: how long the write lock was
   * held (BEGIN to COMMIT or ROLLBACK).
   */
  writeInTurns<T> (work: (db: D, turn: () => Promise<void>) => Promise<T>): Promise<{ value: T, heldMs: number }>
  /** Runs `fn` inside the write transaction `db` belongs to, in a savepoint of its own: what it
   *  wrote is undone when it rejects (the error is thrown), and the transaction goes on. */
  savepoint<T> (db: D, fn: () => Promise<T>): Promise<T>
  /** Whether every migration the code ships has been applied (for /readyz). */
  migrationsApplied (): Promise<boolean>
  /** When requests begin (the server's first hook) and go on together (the auth plugin). */
  readonly requests: Arrivals
  /** The codec of the key the store was opened with; throws when it was opened without one, or
   *  (checked on first use) when the ID numbers already stored were sealed with another key. */
  readonly idNumbers: IdNumberCodec
  /** What several app servers on one database must share (the sign-in back-off, the rate
   *  limits); absent where one process serves the database (SQLite). */
  readonly shared?: SharedLimits
  /** Claims `keyId` as the key every app server on this database signs its tokens with (the
   *  first claim stands) and answers the key claimed; absent where one process serves the
   *  database (SQLite). */
  claimSigningKey? (keyId: string): Promise<string>
  close (): void
}

export type { IdNumberCodec }
