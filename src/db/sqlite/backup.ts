// An online copy of a database through SQLite's backup API, checked before it is kept.
import { renameSync, rmSync } from 'node:fs'
import Database from 'better-sqlite3'
import { openSqliteStore } from './store.js'

export type BackupOutcome = { readonly ok: true, readonly pages: unknown } | { readonly ok: false, readonly check: unknown }

/** Copies the database at `databasePath` (opened read-only: a backup must not wait for, or block,
 *  the server's writers) to `target`: written beside it, checked with PRAGMA integrity_check,
 *  turned into a single self-contained file (journal_mode DELETE), and only then renamed to
 *  `target`. A copy that fails the check is removed. */
export async function backupSqlite (databasePath: string, target: string): Promise<BackupOutcome> {
  const partial = `${target}.partial`
  rmSync(partial, { force: true })
  const source = openSqliteStore(databasePath, { readonly: true })
  try {
    // After the first pages, copy the rest in one step: a step reads one consistent snapshot
    // (WAL readers never block writers), so another connection's commits cannot restart it forever.
    await source.sqlite.backup(partial, { progress: () => 0x7fffffff })
  } finally {
    source.close()
  }
  const copy = new Database(partial)
  let check: unknown
  let pages: unknown
  try {
    copy.pragma('journal_mode = DELETE')
    check = copy.pragma('integrity_check', { simple: true })
    pages = copy.pragma('page_count', { simple: true })
  } finally {
    copy.close()
  }
  if (check !== 'ok') {
    rmSync(partial, { force: true })
    return { ok: false, check }
  }
  renameSync(partial, target)
  return { ok: true, pages }
}
