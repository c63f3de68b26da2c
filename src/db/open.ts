// The names the tests and tools imported before the store moved to db/sqlite (issue 21): kept so
// that they need not change while the tests are rewritten to read through the store; new code
// imports db/sqlite/store. Remove once nothing imports this file.
import type { Db } from './sqlite/store.js'

export { openSqliteStore as openDatabase, migrationsApplied, TURN_MS, type Db, type SqliteStore as DatabaseHandle, type SqliteStoreOptions as OpenOptions } from './sqlite/store.js'

/** The change watch of the store `db` belongs to (db/sqlite/changes). */
export const changesOf = (db: Db) => db.$store.changes
