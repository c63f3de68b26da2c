// What a PostgreSQL statement answers, in the shape the SQLite repositories' callers read.

/** better-sqlite3's run result (`changes`) from node-postgres' rowCount: callers count rows changed. */
export const ran = (rowCount: number | null): { changes: number, lastInsertRowid: number } => ({ changes: rowCount ?? 0, lastInsertRowid: 0 })
