// Data-safety commands of the CLI: check the audit hash chain, take an online backup.
// Both read: on SQLite they open the file read-only: checking evidence must not change it, and a backup must
// not wait for (or block) the server's writers.
import { existsSync } from 'node:fs'
import { backupSqlite } from '../db/sqlite/backup.js'
import type { Store } from '../db/store.js'
import { verifyAuditChain } from '../modules/audit/service.js'

export interface Outcome { readonly code: 0 | 1, readonly message: string }

/** `audit verify`: 0 when the whole chain holds, 1 naming the first broken event. */
export async function auditVerify (store: Store): Promise<Outcome> {
  const v = await verifyAuditChain(store)
  if (!v.ok) return { code: 1, message: `audit chain broken at event ${v.brokenAt}: ${v.reason}` }
  const legacy = v.unchained > 0 ? ` (the first ${v.unchained} written before the chain began)` : ''
  return { code: 0, message: `audit chain ok: ${v.events} events${legacy}; head ${v.head ?? 'none'}` }
}

/** `backup FILE`: an online copy through SQLite's backup API while the server keeps serving,
 *  checked with PRAGMA integrity_check before it is renamed to FILE (db/sqlite/backup). */
export async function backupDatabase (databasePath: string, target: string): Promise<Outcome> {
  const copied = await backupSqlite(databasePath, target)
  if (!copied.ok) return { code: 1, message: `backup failed its integrity check: ${String(copied.check)}` }
  return { code: 0, message: `backup written to ${target} (${String(copied.pages)} pages, integrity ok)` }
}

export const backupTargetExists = (target: string): boolean => existsSync(target)
