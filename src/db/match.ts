// Text search in SQL.
import { sql, type Column, type SQL } from 'drizzle-orm'

/** `column` contains `text` literally: LIKE with %, _ and \ in the text escaped (and the ESCAPE
 *  clause that makes the backslash mean so; without it a name with % or _ never matched). */
export function contains (column: Column, text: string): SQL {
  return sql`${column} like ${`%${text.replace(/[%_\\]/g, (c) => `\\${c}`)}%`} escape '\\'`
}
