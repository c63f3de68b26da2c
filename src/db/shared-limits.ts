// What several app servers on one database must share (issue 22): the back-off after failed
// sign-ins and the rate limits' counts. A store that can hold them for every server gives them
// (Store.shared; PostgreSQL's: db/pg/shared-limits.ts); where one process serves the database
// (SQLite) that process's memory holds them and the store gives none.
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { LoginGuard, LoginGuardOptions } from '../security/login-guard.js'

export interface SharedLimits {
  /** A sign-in back-off whose state every server on the database reads and writes. */
  loginGuard (options: LoginGuardOptions): LoginGuard
  /** The class @fastify/rate-limit's `store` option takes: counts kept in the database, so a
   *  limit holds for requests to every server together. */
  readonly rateLimitStore: FastifyRateLimitStoreCtor
}
