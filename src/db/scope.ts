// Scope in SQL: the one helper every repository uses to keep a caller inside its agencies.
import { and, eq, gte, lt, sql, type SQL, type Column } from 'drizzle-orm'
import { once } from './prepared.js'
import type { Db } from './open.js'
import { agencies } from './schema.js'
import type { Principal, Scope } from '../security/roles.js'

// A subtree is a range of materialised paths: '/1/7/' up to (not including) '/1/70' — '0'
// is the character after '/' — so the path index answers it without a scan.
function subtree (rootPath: string): SQL {
  return and(gte(agencies.path, rootPath), lt(agencies.path, `${rootPath.slice(0, -1)}0`)) as SQL
}

/** The scope a principal reaches: admin everything; everyone else their agency's subtree
 *  (empty when that agency does not exist, or when a non-admin carries no agency: fail closed).
 *  Costs nothing up front: the root's path and the subtree's ids are read when first asked for
 *  (a point read checks scope in its own statement, see inScopePlaceholder). */
export function loadScope (db: Db, principal: Principal): Scope {
  if (principal.role === 'admin') return { all: true }
  const rootAgencyId = principal.agencyId ?? 0
  let path: string | undefined
  let ids: number[] | undefined
  return {
    all: false,
    rootAgencyId,
    get rootPath () {
      // A path no agency has: the subtree is empty.
      path ??= once(db, 'scope.rootPath', () => db.select({ path: agencies.path }).from(agencies).where(eq(agencies.id, sql.placeholder('id'))).prepare())
        .get({ id: rootAgencyId })?.path ?? '/none/'
      return path
    },
    get agencyIds () {
      ids ??= db.select({ id: agencies.id }).from(agencies).where(subtree(this.rootPath)).all().map((r) => r.id)
      return ids
    }
  }
}

/** A WHERE condition keeping `column` (an agency id) inside the scope; undefined for all.
 *  The subtree is a sub-select on the path index, not a list of ids in the statement. */
export function inScopeWhere (scope: Scope, column: Column): SQL | undefined {
  if (scope.all) return undefined
  return sql`${column} in (select ${agencies.id} from ${agencies} where ${subtree(scope.rootPath)})`
}
