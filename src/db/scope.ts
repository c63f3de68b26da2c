// Scope in SQL: the one helper every repository uses to keep a caller inside its agencies.
import { inArray, like, type SQL, type Column } from 'drizzle-orm'
import type { Db } from './open.js'
import { agencies } from './schema.js'
import type { Principal, Scope } from '../security/roles.js'

/** The scope a principal reaches: admin everything; everyone else their agency's subtree
 *  (empty when that agency does not exist, so they see nothing). */
export function loadScope (db: Db, principal: Principal): Scope {
  if (principal.role === 'admin' || principal.agencyId === null) return { all: true }
  const root = db.select({ path: agencies.path }).from(agencies).where(inArray(agencies.id, [principal.agencyId])).get()
  const ids = root
    ? db.select({ id: agencies.id }).from(agencies).where(like(agencies.path, `${root.path}%`)).all().map((r) => r.id)
    : []
  return { all: false, rootAgencyId: principal.agencyId, agencyIds: ids }
}

/** A WHERE condition keeping `column` (an agency id) inside the scope; undefined for all. */
export function inScopeWhere (scope: Scope, column: Column): SQL | undefined {
  return scope.all ? undefined : inArray(column, [...scope.agencyIds])
}
