// The SQLite store: one handle per database, built by openSqliteStore, holding everything a
// connection keeps (the change watch, the kept answers, the prepared queries, the ID-number
// codec, the write gate, the requests' arrivals) as its own fields: two stores in one process
// share none of it. Pragmas on every open, migrations at start, and the one way to write.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { createArrivals, watchChanges, type Arrivals } from './changes.js'
import type { Db, SqliteStore } from './handle.js'
import { createPreparedQueries } from './prepared.js'
import { createReadCache } from './read-cache.js'
import { cachingStatements } from './statement-cache.js'
import { checkIdNumberKey } from './id-numbers.js'
import * as schema from '../schema.js'
import { createWriteGate } from '../write-gate.js'
import { createIdNumberCodec, loadIdNumberKey, type IdNumberCodec } from '../../security/id-numbers.js'

export type { Db, SqliteStore } from './handle.js'

/** Work done between two turns of the event loop in writeInTurns, at most (ms). */
export const TURN_MS = 10

/** The project's migrations/ folder. This module runs from src/db/sqlite/ (source), dist/ (the
 *  server's bundle) or dist/cli/ (the commands'): the project is one, two or three folders up,
 *  the first of them holding both package.json and migrations/. */
export const MIGRATIONS_DIR = projectMigrations(dirname(fileURLToPath(import.meta.url)))

function projectMigrations (here: string): string {
  for (const up of ['..', join('..', '..'), join('..', '..', '..')]) {
    const root = join(here, up)
    if (existsSync(join(root, 'package.json')) && existsSync(join(root, 'migrations', 'meta', '_journal.json'))) return join(root, 'migrations')
  }
  throw new Error(`no migrations/ beside the project's package.json above ${here}`)
}

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
  /** The requests' arrivals to share (the second connection of writeInTurns shares its store's). */
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

/** `sharedCodec`: the codec of the store this one is the second connection of (writeInTurns'),
 *  so both keep one cache of opened numbers and digests (an imported row is checked on the
 *  first connection and applied on the second). */
function openPath (path: string, options: SqliteStoreOptions, sharedCodec?: () => IdNumberCodec): SqliteStore {
  const memory = path === ':memory:'
  const readonly = options.readonly ?? false
  if (!memory && !readonly) mkdirSync(dirname(path), { recursive: true })
  const sqlite = new Database(path, { readonly, fileMustExist: readonly })
  const key = options.idNumberKey
  // A store holding personal data overwrites what is replaced or deleted on disk, not leaving it
  // in free space.
  applyPragmas(sqlite, { busyTimeoutMs: options.busyTimeoutMs ?? 5000, readonly, secureDelete: key !== undefined })
  const drizzled = drizzle(cachingStatements(sqlite), { schema })
  if (options.migrate !== false && !readonly) migrate(drizzled, { migrationsFolder: MIGRATIONS_DIR })
  const requests = options.requests ?? createArrivals()
  const watch = watchChanges(sqlite, requests, options.lookStandsMs)
  const gate = createWriteGate()
  let codec: IdNumberCodec | undefined
  let bulk: SqliteStore | undefined
  /** The connection writeInTurns works on: opened once, when first needed, and kept. */
  const bulkConnection = (): SqliteStore =>
    (bulk ??= openPath(path, { migrate: false, busyTimeoutMs: options.busyTimeoutMs, lookStandsMs: options.lookStandsMs, idNumberKey: key, requests }, () => handle.idNumbers))
  const handle: SqliteStore = {
    sqlite,
    db: undefined as unknown as Db, // set below, once the handle it points to exists
    read: (fn) => sqlite.transaction(() => fn(handle.db)).deferred(),
    write: (fn) => sqlite.transaction(() => fn(handle.db)).immediate(),
    gate,
    requests,
    changes: watch,
    reads: createReadCache(watch.generation, () => sqlite.inTransaction),
    queries: createPreparedQueries(),
    get idNumbers (): IdNumberCodec {
      if (codec !== undefined) return codec
      if (sharedCodec !== undefined) return (codec = sharedCodec())
      if (key === undefined) throw new Error('this store was opened without an ID-number key: open it with openSqliteStore(config) (ID_ENCRYPTION_KEY or the id-encryption.key file), or give idNumberKey')
      const made = createIdNumberCodec(key)
      checkIdNumberKey(handle.db, made)
      return (codec = made)
    },
    writeInTurns: (work) => gate.exclusive(async () => {
      if (memory || readonly) {
        const began = performance.now()
        const value = handle.write(() => drain(work(handle)))
        return { value, heldMs: performance.now() - began }
      }
      return inTurns(bulkConnection(), work)
    }),
    close: () => {
      bulk?.close()
      watch.close()
      if (sqlite.open) sqlite.close()
    }
  }
  ;(handle as { db: Db }).db = Object.defineProperty(drizzled, '$store', { value: handle, enumerable: false }) as unknown as Db
  return handle
}

/** Runs a generator's steps to the end, with no turn between them; its value. */
function drain<T> (steps: Generator<unknown, T, void>): T {
  for (;;) {
    const step = steps.next()
    if (step.done === true) return step.value
  }
}

/** writeInTurns on a connection of its own: BEGIN IMMEDIATE, the steps with a turn of the event
 *  loop every TURN_MS, then COMMIT; ROLLBACK when a step throws. */
async function inTurns<T> (store: SqliteStore, work: (store: SqliteStore) => Generator<unknown, T, void>): Promise<{ value: T, heldMs: number }> {
  store.sqlite.exec('BEGIN IMMEDIATE')
  const began = performance.now()
  try {
    const steps = work(store)
    let turned = began
    for (;;) {
      const step = steps.next()
      if (step.done === true) {
        store.sqlite.exec('COMMIT')
        return { value: step.value, heldMs: performance.now() - began }
      }
      if (performance.now() - turned >= TURN_MS) {
        await nextTurn()
        turned = performance.now()
      }
    }
  } catch (err) {
    if (store.sqlite.inTransaction) store.sqlite.exec('ROLLBACK')
    throw err
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
export function migrationsApplied (sqlite: Database.Database): boolean {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }
  try {
    const row = sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }
    return row.n >= journal.entries.length
  } catch {
    return false
  }
}
