// The SQLite store: one handle per database, built by openSqliteStore, holding everything a
// connection keeps (the change watch, the kept answers, the prepared queries, the ID-number
// codec, the write queue, the requests' arrivals) as its own fields: two stores in one process
// share none of it. Pragmas on every open, migrations at start, and the one way to write.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { createArrivals, type Arrivals } from '../arrivals.js'
import { watchChanges } from './changes.js'
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import type { Connection, Db, SqliteStore } from './handle.js'
import { createMutex } from '../mutex.js'
import { createPreparedQueries } from './prepared.js'
import { createReadCache } from './read-cache.js'
import { cachingStatements } from './statement-cache.js'
import { checkIdNumberKey } from './id-numbers.js'
import * as schema from '../schema.js'
import { MIGRATIONS_DIR, shippedMigrations, TURN_MS, turnTaker } from '../migrations.js'
import { createIdNumberCodec, loadIdNumberKey, type IdNumberCodec } from '../../security/id-numbers.js'

export type { Db, SqliteStore } from './handle.js'

export { TURN_MS }

export interface SqliteStoreOptions {
  readonly readonly?: boolean
  readonly migrate?: boolean
  readonly busyTimeoutMs?: number
  /** How long a look at other connections' commits stands at most (db/sqlite/changes; tests). */
  readonly lookStandsMs?: number
  /** The 32-byte master key ID numbers are sealed with (security/id-numbers). Without it the
   *  store holds no personal data: sealing or opening an ID number throws. Given a config,
   *  openSqliteStore reads it from there. */
  readonly idNumberKey?: Buffer
  /** The requests' arrivals to share (tests). */
  readonly requests?: Arrivals
}

/** What opening by configuration reads: the file, and the ID-number key (ID_ENCRYPTION_KEY, else
 *  the id-encryption.key file beside the database, made on first start). */
export interface StoreSettings {
  readonly DATABASE_PATH: string
  readonly ID_ENCRYPTION_KEY?: string | undefined
}

/**
 * Opens (creating the folder and file if needed) and configures the database: given a path, with
 * the ID-number key of `options` (or none); given the settings, with the key they name (creating
 * its file beside the database on first start, as the server always has).
 */
export function openSqliteStore (where: string | StoreSettings, options: SqliteStoreOptions = {}): SqliteStore {
  if (typeof where === 'string') return openPath(where, options)
  const path = where.DATABASE_PATH
  // The key file lies beside the database: its folder is made first.
  if (path !== ':memory:' && !(options.readonly ?? false)) mkdirSync(dirname(path), { recursive: true })
  return openPath(path, { ...options, idNumberKey: options.idNumberKey ?? loadIdNumberKey(where) })
}

function openPath (path: string, options: SqliteStoreOptions): SqliteStore {
  const memory = path === ':memory:'
  const readonly = options.readonly ?? false
  if (!memory && !readonly) mkdirSync(dirname(path), { recursive: true })
  const key = options.idNumberKey
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000
  const writer = new Database(path, { readonly, fileMustExist: readonly })
  // A store holding personal data overwrites what is replaced or deleted on disk, not leaving it
  // in free space.
  applyPragmas(writer, { busyTimeoutMs, readonly, secureDelete: key !== undefined })
  const writerDrizzle = drizzle(cachingStatements(writer), { schema })
  if (options.migrate !== false && !readonly) migrate(writerDrizzle, { migrationsFolder: MIGRATIONS_DIR })
  // A file written to has a reader of its own: reads never wait for a write transaction, nor see
  // one before it commits. A database in memory is one connection (a second would be another
  // database), and so is a store opened read-only: reads and writes then take turns on it.
  const single = memory || readonly
  const reader = single ? writer : new Database(path, { fileMustExist: true })
  if (!single) {
    applyPragmas(reader, { busyTimeoutMs, readonly: false, secureDelete: false })
    reader.pragma('query_only = ON')
  }
  const requests = options.requests ?? createArrivals()
  // The reader's count moves with every change the writer makes (the same process: seen at once,
  // through store.write or a statement of its own); other processes' commits are seen through
  // the WAL index (db/sqlite/changes).
  const writerChanges = single ? () => 0 : (() => { const stmt = writer.prepare('select total_changes()').pluck(); return () => stmt.get() as number })()
  const watch = watchChanges(reader, requests, options.lookStandsMs, writerChanges)
  const writeLock = createMutex()
  const readLock = single ? writeLock : createMutex()
  let writing = false
  let codec: IdNumberCodec | undefined
  const idNumbers = (): IdNumberCodec => {
    if (codec !== undefined) return codec
    if (key === undefined) throw new Error('this store was opened without an ID-number key: open it with openSqliteStore(config) (ID_ENCRYPTION_KEY or the id-encryption.key file), or give idNumberKey')
    const made = createIdNumberCodec(key)
    checkIdNumberKey(readerDb, made)
    return (codec = made)
  }
  const connection = (sqlite: Database.Database, inWrite: () => boolean, stale: (now: number) => boolean): Connection => ({
    sqlite,
    queries: createPreparedQueries(),
    reads: createReadCache(watch.generation, inWrite, stale),
    get idNumbers () { return idNumbers() }
  })
  const withConnection = (drizzled: BetterSQLite3Database<typeof schema>, conn: Connection): Db =>
    Object.defineProperty(drizzled, '$store', { value: conn, enumerable: false }) as unknown as Db
  // Inside a write transaction the kept answers are neither read nor filled: the transaction may
  // have changed the rows, and what it reads may yet be rolled back. Nor inside a read
  // transaction once something was committed since it began: its snapshot may be older than
  // the database, and what it read would be kept as the database's now (or a kept answer newer
  // than its snapshot given to it).
  let readBeganAt = -1
  const committedSinceReadBegan = (now: number) => now !== readBeganAt
  const writerDb = withConnection(writerDrizzle, connection(writer, single ? () => writing : () => true, committedSinceReadBegan))
  const readerDb = single ? writerDb : withConnection(drizzle(cachingStatements(reader), { schema }), connection(reader, () => false, committedSinceReadBegan))
  const begin = reader.prepare('BEGIN')
  const commitRead = reader.prepare('COMMIT')
  const beginImmediate = readonly ? undefined : writer.prepare('BEGIN IMMEDIATE')
  const commitWrite = readonly ? undefined : writer.prepare('COMMIT')

  /** `work` in a write transaction on the writer; with `turns`, turn() takes a turn of the event
   *  loop once TURN_MS of work has gone by (never on a single connection: readers wait there). */
  const inWriteTransaction = <T>(work: (db: Db, turn: () => Promise<void>) => Promise<T>, turns: boolean) => writeLock.lock(async () => {
    if (beginImmediate === undefined) throw new Error('this store was opened read-only')
    beginImmediate.run()
    writing = true
    const began = performance.now()
    const turn = turns && !single ? turnTaker() : async () => {}
    try {
      const value = await work(writerDb, turn)
      commitWrite?.run()
      return { value, heldMs: performance.now() - began }
    } catch (err) {
      rollback(writer, err)
      throw err
    } finally {
      writing = false
    }
  })
  let savepoints = 0

  // Closing waits for the transactions begun or waiting (a late write of a request, a report's
  // next batch): they end as they would have, then the connections close. None begins after.
  let closing = false
  let inFlight = 0
  const closeNow = (): void => {
    watch.close()
    if (reader !== writer && reader.open) reader.close()
    if (writer.open) writer.close()
  }
  const inUse = async <T>(work: () => Promise<T>): Promise<T> => {
    if (closing) throw new Error('the store is closed')
    inFlight++
    try {
      return await work()
    } finally {
      if (--inFlight === 0 && closing) closeNow()
    }
  }

  const handle: SqliteStore = {
    sqlite: writer,
    read: (fn) => inUse(() => readLock.lock(async () => {
      begin.run()
      readBeganAt = watch.generation()
      try {
        const value = await fn(readerDb)
        commitRead.run()
        return value
      } catch (err) {
        rollback(reader, err)
        throw err
      }
    })),
    readOne: (fn) => handle.read(fn),
    write: (fn) => inUse(async () => (await inWriteTransaction((db) => fn(db), false)).value),
    writeInTurns: (work) => inUse(() => inWriteTransaction(work, true)),
    async savepoint (db, fn) {
      const sqlite = db.$store.sqlite
      const name = `sp${++savepoints}`
      sqlite.exec(`SAVEPOINT ${name}`)
      try {
        const value = await fn()
        sqlite.exec(`RELEASE ${name}`)
        return value
      } catch (err) {
        if (sqlite.inTransaction) sqlite.exec(`ROLLBACK TO ${name}; RELEASE ${name}`)
        throw err
      }
    },
    migrationsApplied: () => handle.read(async () => migrationsApplied(reader)),
    engine: 'sqlite',
    requests,
    changes: watch,
    queries: readerDb.$store.queries,
    get idNumbers (): IdNumberCodec { return idNumbers() },
    close: () => {
      closing = true
      if (inFlight === 0) closeNow()
    }
  }
  return handle
}

/** Ends the transaction of a connection whose work failed with `cause`. A ROLLBACK that fails
 *  too (a statement still running) must not hide the cause, nor leave the connection inside a
 *  transaction every later BEGIN would fail on: it is tried once more, then the connection is
 *  closed (the store then answers every call with an error, and /readyz with 503). */
function rollback (sqlite: Database.Database, cause: unknown): void {
  if (!sqlite.inTransaction) return
  try {
    sqlite.exec('ROLLBACK')
  } catch (again) {
    process.emitWarning(`ROLLBACK failed after ${String(cause)}: ${String(again)}`)
    try { sqlite.exec('ROLLBACK') } catch {}
    if (sqlite.inTransaction) sqlite.close()
  }
}

function applyPragmas (sqlite: Database.Database, o: { busyTimeoutMs: number, readonly: boolean, secureDelete: boolean }): void {
  sqlite.pragma(`busy_timeout = ${Math.trunc(o.busyTimeoutMs)}`)
  sqlite.pragma('foreign_keys = ON')
  if (!o.readonly) sqlite.pragma('journal_mode = WAL')
  // After journal_mode: a reopened WAL file otherwise reads back NORMAL. FULL syncs the WAL on
  // every commit, so a committed change survives a power cut, not only a process crash.
  sqlite.pragma('synchronous = FULL')
  if (o.secureDelete) sqlite.pragma('secure_delete = ON')
}

/** Migrations the code ships, and whether the database has applied them all (for /readyz). */
function migrationsApplied (sqlite: Database.Database): boolean {
  try {
    const row = sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }
    return row.n >= shippedMigrations(MIGRATIONS_DIR)
  } catch {
    return false
  }
}
