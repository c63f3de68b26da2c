// SQL that only SQLite speaks, written once: what a second engine must say its own way.
import { sql, type Column, type SQL } from 'drizzle-orm'

/** `column IN (the ids of a placeholder)`: one prepared statement for a list of any length (the
 *  list is bound as one JSON array; pass it through idList), where drizzle's inArray builds new
 *  SQL, a parameter per id, on every call. */
export const inIdList = (column: Column, name: string): SQL =>
  sql`${column} in (select value from json_each(${sql.placeholder(name)}))`

/** The value of an inIdList placeholder. */
export const idList = (ids: Iterable<number>): string => JSON.stringify(Array.isArray(ids) ? ids : [...ids])
