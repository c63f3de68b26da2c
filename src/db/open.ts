// Opening the database: pragmas on every open, migrations at start, and the one way to write.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { setBounded } from '../bounded-map.js'
import { watchChanges, type ChangeWatch } from './changes.js'
import * as schema from './schema.js'
import { createWriteGate, type WriteGate } from './write-gate.js'

export type Db = BetterSQLite3Database<typeof schema>

export interface DatabaseHandle {
  readonly sqlite: Database.Database
  readonly db: Db
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
  writeInTurns<T>(work: (store: DatabaseHandle) => Generator<unknown, T, void>): Promise<{ value: T, heldMs: number }>
  /** Requests that may write hold a pass of this gate; writeInTurns shuts it (db/write-gate). */
  readonly gate: WriteGate
  /** `init` is called for every further connection this handle opens (writeInTurns' own), to
   *  give it what the first was given at start (the ID-number key). */
  onConnection(init: (db: Db) => void): void
  close(): void
}

/** Work done between two turns of the event loop in writeInTurns, at most (ms). */
export const TURN_MS = 10

/** The better-sqlite3 connection under a drizzle database (drizzle keeps it as $client). */
export const clientOf = (db: Db): Database.Database => (db as Db & { $client: Database.Database }).$client

/** The project's migrations/ folder. This module runs from src/db/ (source), dist/ (the
 *  server's bundle) or dist/cli/ (the commands'): the project is one or two folders up, the
 *  first of them holding both package.json and migrations/. */
export const MIGRATIONS_DIR = projectMigrations(dirname(fileURLToPath(import.meta.url)))

function projectMigrations (here: string): string {
  for (const up of ['..', join('..', '..')]) {
    const root = join(here, up)
    if (existsSync(join(root, 'package.json')) && existsSync(join(root, 'migrations', 'meta', '_journal.json'))) return join(root, 'migrations')
  }
  throw new Error(`no migrations/ beside the project's package.json above ${here}`)
}

export interface OpenOptions {
  readonly readonly?: boolean
  readonly migrate?: boolean
  readonly busyTimeoutMs?: number
  /** How long a look at other connections' commits stands at most (db/changes; tests). */
  readonly lookStandsMs?: number
}

/** Opens (creating the folder and file if needed) and configures the database. */
export function openDatabase (path: string, options: OpenOptions = {}): DatabaseHandle {
  const memory = path === ':memory:'
  if (!memory && !options.readonly) mkdirSync(dirname(path), { recursive: true })
  const sqlite = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false })
  applyPragmas(sqlite, { busyTimeoutMs: options.busyTimeoutMs ?? 5000, readonly: options.readonly ?? false })
  const db = drizzle(cachingStatements(sqlite), { schema })
  if (options.migrate !== false && !options.readonly) migrate(db, { migrationsFolder: MIGRATIONS_DIR })
  const watch = watchChanges(sqlite, options.lookStandsMs)
  watches.set(db, watch)
  const gate = createWriteGate()
  const inits: Array<(db: Db) => void> = []
  let bulk: DatabaseHandle | undefined
  /** The connection writeInTurns works on: opened once, when first needed, and kept. */
  const bulkConnection = (): DatabaseHandle => {
    if (bulk !== undefined) return bulk
    const opened = openDatabase(path, { migrate: false, busyTimeoutMs: options.busyTimeoutMs, lookStandsMs: options.lookStandsMs })
    try {
      for (const init of inits) init(opened.db)
    } catch (err) {
      opened.close()
      throw err
    }
    return (bulk = opened)
  }
  const handle: DatabaseHandle = {
    sqlite,
    db,
    write: (fn) => sqlite.transaction(() => fn(db)).immediate(),
    gate,
    onConnection: (init) => {
      inits.push(init)
      if (bulk !== undefined) init(bulk.db)
    },
    writeInTurns: (work) => gate.exclusive(async () => {
      if (memory || options.readonly) {
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
async function inTurns<T> (store: DatabaseHandle, work: (store: DatabaseHandle) => Generator<unknown, T, void>): Promise<{ value: T, heldMs: number }> {
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

const watches = new WeakMap<Db, ChangeWatch>()

/** The change watch of the connection under `db` (db/changes): its generation moves on whenever
 *  a write was committed since it was last asked, by this connection or any other. */
export function changesOf (db: Db): Pick<ChangeWatch, 'generation' | 'looks'> {
  const watch = watches.get(db)
  if (watch === undefined) throw new Error('changesOf: a database not opened with openDatabase')
  return watch
}

/** The connection as drizzle sees it: the same connection, but `prepare` hands back the
 *  statement prepared before for the same SQL text (the most recently used STATEMENT_CACHE
 *  texts). drizzle prepares every query anew, and preparing costs as much as running a simple
 *  indexed read; with the cache a service call pays it once per distinct query. */
const STATEMENT_CACHE = 500

function cachingStatements (sqlite: Database.Database): Database.Database {
  const cache = new Map<string, Database.Statement>()
  const prepare = (source: string): Database.Statement => {
    const cached = cache.get(source)
    cache.delete(source)
    // A statement still being iterated cannot run again: prepare another one.
    if (cached !== undefined && !cached.busy) {
      cache.set(source, cached) // now the most recently used
      // drizzle switches a statement to array rows where it maps rows itself and expects
      // objects elsewhere: hand it back in the default mode every time.
      if (cached.reader) cached.raw(false)
      return cached
    }
    const stmt = sqlite.prepare(source)
    setBounded(cache, source, stmt, STATEMENT_CACHE)
    return stmt
  }
  return new Proxy(sqlite, {
    get (target, prop) {
      if (prop === 'prepare') return prepare
      const value: unknown = Reflect.get(target, prop, target)
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    }
  })
}

function applyPragmas (sqlite: Database.Database, o: { busyTimeoutMs: number, readonly: boolean }): void {
  sqlite.pragma(`busy_timeout = ${Math.trunc(o.busyTimeoutMs)}`)
  sqlite.pragma('foreign_keys = ON')
  if (!o.readonly) sqlite.pragma('journal_mode = WAL')
  // After journal_mode: a reopened WAL file otherwise reads back NORMAL. FULL syncs the WAL on
  // every commit, so a committed change survives a power cut, not only a process crash.
  sqlite.pragma('synchronous = FULL')
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
