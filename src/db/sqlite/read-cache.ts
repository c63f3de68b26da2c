// Point reads answered from memory while the database stands still. A row read on every request
// (GET /v1/officers/{id} by HR systems polling their staff) costs a statement with a scope join
// and a row of fresh objects each time: under load about a third of that route. A kept answer is
// given only while nothing has been written since it was read, by this connection or by any
// other connection or process (db/sqlite/changes, asked on every read: an answer is never stale).
// Inside a write transaction the cache is neither read nor filled: the transaction may have
// changed the rows, and what it reads may yet be rolled back.
import { setBounded } from '../../bounded-map.js'
import type { Db, QueryKey, ReadCache } from './handle.js'

/** Answers kept per cache; past it, the oldest go first. */
export const KEPT_ANSWERS = 20_000

/** `generation` moves on whenever the database was written (the store's change watch);
 *  `inWriteTransaction` says whether the connection is inside a write transaction, and
 *  `stale(now)` whether the read transaction it is inside began before generation `now` (a
 *  commit since: its snapshot is older than the database). In either case the cache is passed
 *  by. The generation is asked once per read. */
export function createReadCache (generation: () => number, inWriteTransaction: () => boolean, stale: (now: number) => boolean = () => false): ReadCache {
  let seen = -1
  const caches = new Map<QueryKey, Map<string | number, unknown>>()
  return {
    read<V> (name: QueryKey, key: string | number, read: () => V): V {
      if (inWriteTransaction()) return read()
      const now = generation()
      if (stale(now)) return read()
      // Every kept answer is forgotten when something was written since the last read.
      if (now !== seen) {
        for (const cache of caches.values()) cache.clear()
        seen = now
      }
      let cache = caches.get(name)
      if (cache === undefined) caches.set(name, cache = new Map())
      const kept = cache.get(key) // an undefined answer is never kept
      if (kept !== undefined) return kept as V
      const answer = read()
      if (answer !== undefined) setBounded(cache, key, answer, KEPT_ANSWERS)
      return answer
    }
  }
}

/**
 * What `read` answers for `key` in the cache `name` of the connection under `db`, kept until the
 * database is written to. `read` must depend on nothing but the database and `key` (put the
 * caller's scope in the key). An undefined answer (not found) is not kept. `name` is a key of
 * queryKeys (db/sqlite/prepared): two repositories cannot share a cache by accident.
 */
export const cachedRead = <V> (db: Db, name: QueryKey, key: string | number, read: () => V): V => db.$store.reads.read(name, key, read)
