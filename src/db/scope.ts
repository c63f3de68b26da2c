// Scope in SQL: the one mechanism every repository uses to keep a caller inside its agencies.
// A caller reaches its root agency's subtree. Agencies store materialised paths ('/1/7/'), so
// a subtree is a range of paths: from the root's path up to (not including) the same path with
// its last '/' replaced by '0', the character after '/' ('/1/7/' … '/1/70'); the path index
// answers it without a scan. The range is written once, below, over the root agency's row, so
// a scope is only the root's id: nothing is read to make one.
import { sql, type Column, type SQL } from 'drizzle-orm'
import { once, type QueryKey } from './sqlite/prepared.js'
import type { SqliteDb } from './engine.js'
import { agencies } from './schema.js'
import type { Principal, Scope } from '../security/roles.js'

/** The scope a principal reaches: admin everything; everyone else their agency's subtree
 *  (empty when that agency does not exist, or when a non-admin carries no agency: fail closed). */
export function scopeOf (principal: Principal): Scope {
  return principal.role === 'admin' ? { all: true } : { all: false, rootAgencyId: principal.agencyId ?? 0 }
}

// scope_agency lies in the subtree of scope_root (both aliases of agencies).
const IN_SUBTREE = sql.raw("scope_agency.path >= scope_root.path and scope_agency.path < substr(scope_root.path, 1, length(scope_root.path) - 1) || '0'")

/** A WHERE condition keeping `column` (an agency id) inside the scope; undefined for all. For
 *  lists: the subtree's ids are one sub-select on the path index. */
export function inScopeWhere (scope: Scope, column: Column | SQL): SQL | undefined {
  if (scope.all) return undefined
  return sql`${column} in (select scope_agency.id from ${agencies} as scope_agency join ${agencies} as scope_root on scope_root.id = ${scope.rootAgencyId} where ${IN_SUBTREE})`
}

/** The same condition for one row, in a query prepared once: the row's agency and the root are
 *  read by primary key (a fifth of the cost of the list, for a point read), the root being the
 *  placeholder scopeRoot. */
function inScopeOfPlaceholder (column: Column): SQL {
  return sql`exists (select 1 from ${agencies} as scope_agency join ${agencies} as scope_root on scope_root.id = ${sql.placeholder('scopeRoot')} where scope_agency.id = ${column} and ${IN_SUBTREE})`
}

/**
 * A point read kept in scope and prepared once per connection (see once): `build` makes the
 * query, putting `inScope(column)` in its WHERE (no condition for an admin); pass `params` with
 * its own values when running it. One query is kept per key and form of scope (all, subtree).
 */
export function onceInScope<Q> (db: SqliteDb, key: QueryKey, scope: Scope, build: (inScope: (column: Column) => SQL | undefined) => Q): { query: Q, params: Record<string, number> } {
  const forms = once(db, key, (): { all?: Q, subtree?: Q } => ({}))
  if (scope.all) {
    forms.all ??= build(() => undefined)
    return { query: forms.all, params: {} }
  }
  forms.subtree ??= build(inScopeOfPlaceholder)
  return { query: forms.subtree, params: { scopeRoot: scope.rootAgencyId } }
}
