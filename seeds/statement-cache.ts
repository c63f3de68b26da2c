// A handle over the same connection whose drizzle instance reuses prepared statements.
// drizzle prepares every query anew (better-sqlite3 prepare is about a third of a simple
// query's cost on this class of machine); the seed runs tens of thousands of service calls,
// so it hands the services this handle instead. Same connection, same transactions, same
// code paths in the services: only statement preparation is cached.
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import type { DatabaseHandle } from '../src/db/open.js'
import * as schema from '../src/db/schema.js'
import { bindIdNumberCodec, idNumberCodec } from '../src/security/id-number-store.js'

export function withStatementCache (store: DatabaseHandle): DatabaseHandle {
  const cache = new Map<string, Database.Statement>()
  const client = new Proxy(store.sqlite, {
    get (target, prop) {
      if (prop === 'prepare') {
        return (source: string) => {
          let stmt = cache.get(source)
          if (stmt === undefined) {
            stmt = target.prepare(source)
            cache.set(source, stmt)
          } else if (stmt.reader) {
            // drizzle switches a statement to raw (array) rows where it maps them itself, and
            // expects objects elsewhere: hand it back in the default mode every time.
            stmt.raw(false)
          }
          return stmt
        }
      }
      const value: unknown = Reflect.get(target, prop, target)
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    }
  })
  const db = drizzle(client, { schema })
  // ID numbers are sealed with the key bound to the original handle (see prepareIdNumbers).
  bindIdNumberCodec(db, idNumberCodec(store.db))
  return {
    sqlite: store.sqlite,
    db,
    write: (fn) => store.sqlite.transaction(() => fn(db)).immediate(),
    close: () => store.close()
  }
}
