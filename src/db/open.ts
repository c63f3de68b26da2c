// Opening the database: pragmas on every open, migrations at start, and the one way to write.
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from './schema.js'

export type Db = BetterSQLite3Database<typeof schema>

export interface DatabaseHandle {
  readonly sqlite: Database.Database
  readonly db: Db
  /** Runs `fn` in a write transaction begun IMMEDIATE (the write lock is taken up front, so two
   *  writers never deadlock on a lock upgrade). `fn` must be synchronous: better-sqlite3 cannot
   *  roll back work done after an `await`. */
  write<T>(fn: (db: Db) => T): T
  close(): void
}

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations')

export interface OpenOptions {
  readonly readonly?: boolean
  readonly migrate?: boolean
  readonly busyTimeoutMs?: number
}

/** Opens (creating the folder and file if needed) and configures the database. */
export function openDatabase (path: string, options: OpenOptions = {}): DatabaseHandle {
  const memory = path === ':memory:'
  if (!memory && !options.readonly) mkdirSync(dirname(path), { recursive: true })
  const sqlite = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false })
  applyPragmas(sqlite, { busyTimeoutMs: options.busyTimeoutMs ?? 5000, readonly: options.readonly ?? false })
  const db = drizzle(sqlite, { schema })
  if (options.migrate !== false && !options.readonly) migrate(db, { migrationsFolder: MIGRATIONS_DIR })
  return {
    sqlite,
    db,
    write: (fn) => sqlite.transaction(() => fn(db)).immediate(),
    close: () => { if (sqlite.open) sqlite.close() }
  }
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
