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

/** The scope condition of a prepared point read (see inScopeWhere): the row's agency and the
 *  caller's root agency are looked up by primary key and their paths compared; the root is the
 *  placeholder scopeRoot that scopeParams fills. For one row this is a fifth of the cost of
 *  inScopeWhere's list of the subtree's ids (which suits scans), and the caller's root path
 *  need not be read first. A root that does not exist reaches nothing. Prepare one query for
 *  `scope.all` (no condition) and one for a subtree: scopeVariant names which. */
export function inScopePlaceholder (column: Column): SQL {
  return sql`exists (select 1 from ${agencies} as scope_agency join ${agencies} as scope_root on scope_root.id = ${sql.placeholder('scopeRoot')}
    where scope_agency.id = ${column} and scope_agency.path >= scope_root.path and scope_agency.path < substr(scope_root.path, 1, length(scope_root.path) - 1) || '0')`
}

export const scopeVariant = (scope: Scope): 'all' | 'subtree' => (scope.all ? 'all' : 'subtree')

export function scopeParams (scope: Scope): Record<string, number> {
  return scope.all ? {} : { scopeRoot: scope.rootAgencyId }
}
