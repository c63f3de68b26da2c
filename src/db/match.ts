// Text search in SQL.
import { sql, type Column, type SQL } from 'drizzle-orm'

/** `text` as a pattern matching it anywhere in a value: %, _ and \ in it escaped, for the ESCAPE
 *  clause that makes the backslash mean so (without it a name with % or _ never matched). */
const anywhere = (text: string): string => `%${text.replace(/[%_\\]/g, (c) => `\\${c}`)}%`

/** `column` contains `text` literally, on SQLite: LIKE, whose ASCII letters match in any case. */
export function contains (column: Column, text: string): SQL {
  return sql`${column} like ${anywhere(text)} escape '\\'`
}

/** `column` contains `text` literally, on PostgreSQL, letters in any case as contains() on SQLite:
 *  ILIKE, as PostgreSQL's LIKE tells cases apart. The PostgreSQL repositories search text with it. */
export function pgContains (column: Column, text: string): SQL {
  return sql`${column} ilike ${anywhere(text)} escape '\\'`
}
