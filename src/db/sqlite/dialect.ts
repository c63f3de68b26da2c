// SQL that only SQLite speaks, written once: what a second engine must say its own way (JSON
// arrays through json_each, the rowid SQLite assigned, its sequence table). Whole statements in
// that dialect live beside it, one file per repository (training-sql.ts, events-sql.ts).
import { sql, type Column, type SQL } from 'drizzle-orm'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import type { Db } from './handle.js'

/** `column IN (the ids of a placeholder)`: one prepared statement for a list of any length (the
 *  list is bound as one JSON array; pass it through idList), where drizzle's inArray builds new
 *  SQL, a parameter per id, on every call. */
export const inIdList = (column: Column, name: string): SQL =>
  sql`${column} in (select value from json_each(${sql.placeholder(name)}))`

/** The value of an inIdList placeholder (and of the JSON-array parameters of the statements
 *  beside this file). */
export const idList = (ids: Iterable<number>): string => JSON.stringify(Array.isArray(ids) ? ids : [...ids])

/** `column` (a JSON array of text) holds `value`. */
export const jsonArrayHas = (column: Column, value: string): SQL =>
  sql`exists (select 1 from json_each(${column}) where value = ${value})`

/** The id SQLite gave the row an insert added (of several, the last). */
export const insertedId = (result: { lastInsertRowid: number | bigint }): number => Number(result.lastInsertRowid)

/** The highest id SQLite ever assigned in `table` (an AUTOINCREMENT table: it never reuses one),
 *  0 when none. */
export const lastAssignedId = (db: Db, table: string): number =>
  db.get<{ seq: number } | undefined>(sql`select seq from sqlite_sequence where name = ${table}`)?.seq ?? 0

const sqliteDialect = new SQLiteSyncDialect()

/** `query` prepared once on the connection, its values bound, and run with `named` (the :name
 *  parameters written into its text) each time; rows as arrays of the selected columns in order
 *  (better-sqlite3 building an object per row costs more than the arrays and a caller's mapping
 *  together, over a whole registry). */
export function arrayRows (db: Db, query: SQL): (named: Record<string, unknown>) => unknown[][] {
  const { sql: text, params } = sqliteDialect.sqlToQuery(query)
  const stmt = db.$store.sqlite.prepare(text).raw()
  return (named) => stmt.all(...params, named) as unknown[][]
}
