// Queries built once per connection. drizzle turns a query builder into SQL on every call, and
// on the hot paths (a point read per request, a few statements per imported row) that building
// costs several times what SQLite takes to run the statement. A repository keeps such a query
// prepared, with placeholders for its values, under a name: once(db, name, build).
import { sql, type Column, type SQL } from 'drizzle-orm'
import type { Db } from './open.js'
import { agencies } from './schema.js'
import type { Scope } from '../security/roles.js'

const built = new WeakMap<Db, Map<string, unknown>>()

/** The query `build` makes, built on the first call for this connection and kept. */
export function once<Q> (db: Db, name: string, build: () => Q): Q {
  let queries = built.get(db)
  if (queries === undefined) built.set(db, queries = new Map())
  let query = queries.get(name) as Q | undefined
  if (query === undefined) queries.set(name, query = build())
  return query
}

/** The scope condition of a prepared query (see inScopeWhere): the subtree's bounds are the
 *  placeholders scopeFrom and scopeTo, filled by scopeParams. Prepare one query for
 *  `scope.all` (no condition) and one for a subtree: scopeVariant names which. */
export function inScopePlaceholder (column: Column): SQL {
  return sql`${column} in (select ${agencies.id} from ${agencies} where ${agencies.path} >= ${sql.placeholder('scopeFrom')} and ${agencies.path} < ${sql.placeholder('scopeTo')})`
}

export const scopeVariant = (scope: Scope): 'all' | 'subtree' => (scope.all ? 'all' : 'subtree')

export function scopeParams (scope: Scope): Record<string, string> {
  return scope.all ? {} : { scopeFrom: scope.rootPath, scopeTo: `${scope.rootPath.slice(0, -1)}0` }
}
