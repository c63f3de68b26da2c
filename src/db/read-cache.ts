// Point reads answered from memory while the database stands still. A row read on every request
// (GET /v1/officers/{id} by HR systems polling their staff) costs a statement with a scope join
// and a row of fresh objects each time: under load about a third of that route. A kept answer is
// given only while nothing has been written since it was read, by this connection or by any
// other connection or process (db/changes, asked on every read: an answer is never stale).
// Inside a transaction the cache is neither read nor filled: the transaction may have changed
// the rows, and what it reads may yet be rolled back.
import { setBounded } from '../bounded-map.js'
import { changesOf, clientOf, type Db } from './open.js'

/** Answers kept per cache; past it, the oldest go first. */
export const KEPT_ANSWERS = 20_000

interface Connection {
  readonly changes: () => number
  seen: number
  readonly caches: Map<string, Map<string | number, unknown>>
}

const connections = new WeakMap<Db, Connection>()

function connectionOf (db: Db): Connection {
  let c = connections.get(db)
  if (c === undefined) connections.set(db, c = { changes: changesOf(db).generation, seen: -1, caches: new Map() })
  return c
}

/** Forgets every kept answer of the connection when something was written since last asked. */
function forgetIfWritten (c: Connection): void {
  const now = c.changes()
  if (now === c.seen) return
  for (const cache of c.caches.values()) cache.clear()
  c.seen = now
}

/**
 * What `read` answers for `key` in the cache `name`, kept until the database is written to.
 * `read` must depend on nothing but the database and `key` (put the caller's scope in the key).
 * An undefined answer (not found) is not kept.
 */
export function cachedRead<V> (db: Db, name: string, key: string | number, read: () => V): V {
  if (clientOf(db).inTransaction) return read()
  const c = connectionOf(db)
  forgetIfWritten(c)
  let cache = c.caches.get(name)
  if (cache === undefined) c.caches.set(name, cache = new Map())
  const kept = cache.get(key) // an undefined answer is never kept
  if (kept !== undefined) return kept as V
  const answer = read()
  if (answer !== undefined) setBounded(cache, key, answer, KEPT_ANSWERS)
  return answer
}
