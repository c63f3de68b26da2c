// better-sqlite3 statements kept for drizzle to run again.
import type Database from 'better-sqlite3'
import { setBounded } from '../../bounded-map.js'

/** The connection as drizzle sees it: the same connection, but `prepare` hands back the
 *  statement prepared before for the same SQL text (the most recently used STATEMENT_CACHE
 *  texts). drizzle prepares every query anew, and preparing costs as much as running a simple
 *  indexed read; with the cache a service call pays it once per distinct query. */
const STATEMENT_CACHE = 500

export function cachingStatements (sqlite: Database.Database): Database.Database {
  const cache = new Map<string, Database.Statement>()
  const prepare = (source: string): Database.Statement => {
    const cached = cache.get(source)
    cache.delete(source)
    // A statement still being iterated cannot run again: prepare another one.
    if (cached !== undefined && !cached.busy) {
      cache.set(source, cached) // now the most recently used
      // drizzle switches a statement to array rows where it maps rows itself and expects
      // objects elsewhere: hand it back in the default mode every time.
      if (cached.reader) cached.raw(false)
      return cached
    }
    const stmt = sqlite.prepare(source)
    setBounded(cache, source, stmt, STATEMENT_CACHE)
    return stmt
  }
  return new Proxy(sqlite, {
    get (target, prop) {
      if (prop === 'prepare') return prepare
      const value: unknown = Reflect.get(target, prop, target)
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    }
  })
}
