// The store a configuration names: PostgreSQL when DATABASE_URL is set, else the SQLite file of
// DATABASE_PATH (the embedded default). Both seal ID numbers with the configured key
// (ID_ENCRYPTION_KEY, else the id-encryption.key file beside DATABASE_PATH).
import type { Store } from './store.js'
import { openSqliteStore, type StoreSettings } from './sqlite/store.js'
import { openPgStore } from './pg/store.js'
import { loadIdNumberKey } from '../security/id-numbers.js'

export interface EngineSettings extends StoreSettings {
  readonly DATABASE_URL?: string | undefined
}

/** Opens the configured store (on PostgreSQL, applying the migrations not yet applied). */
export async function openStore (settings: EngineSettings): Promise<Store> {
  if (settings.DATABASE_URL === undefined) return openSqliteStore(settings)
  return await openPgStore(settings.DATABASE_URL, { idNumberKey: loadIdNumberKey(settings) })
}
