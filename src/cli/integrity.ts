// Data-safety commands of the CLI: check the audit hash chain, take an online backup.
// Both open the database read-only: checking evidence must not change it, and a backup must
// not wait for (or block) the server's writers.
import { existsSync, renameSync, rmSync } from 'node:fs'
import Database from 'better-sqlite3'
import { openDatabase } from '../db/open.js'
import { verifyAuditChain } from '../modules/audit/service.js'

export interface Outcome { readonly code: 0 | 1, readonly message: string }

/** `audit verify`: 0 when the whole chain holds, 1 naming the first broken event. */
export function auditVerify (databasePath: string): Outcome {
  const store = openDatabase(databasePath, { readonly: true })
  try {
    const v = verifyAuditChain(store.sqlite, store.db)
    if (!v.ok) return { code: 1, message: `audit chain broken at event ${v.brokenAt}: ${v.reason}` }
    const legacy = v.unchained > 0 ? ` (the first ${v.unchained} written before the chain began)` : ''
    return { code: 0, message: `audit chain ok: ${v.events} events${legacy}; head ${v.head ?? 'none'}` }
  } finally {
    store.close()
  }
}

/** `backup FILE`: an online copy through SQLite's backup API while the server keeps serving.
 *  The copy is written beside FILE, checked with PRAGMA integrity_check, turned into a single
 *  self-contained file (journal_mode DELETE), and only then renamed to FILE. */
export async function backupDatabase (databasePath: string, target: string): Promise<Outcome> {
  const partial = `${target}.partial`
  rmSync(partial, { force: true })
  const source = openDatabase(databasePath, { readonly: true })
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
    return { code: 1, message: `backup failed its integrity check: ${String(check)}` }
  }
  renameSync(partial, target)
  return { code: 0, message: `backup written to ${target} (${String(pages)} pages, integrity ok)` }
}

export const backupTargetExists = (target: string): boolean => existsSync(target)
