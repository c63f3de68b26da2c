// What every service is built with: the database, the settings and the clock (injected, so
// tests can fix "today").
import type { Clock } from '../clock.js'
import type { Config } from '../config.js'
import type { Store } from '../db/store.js'

export type { Clock }

export interface ServiceContext {
  readonly store: Store
  readonly config: Config
  readonly clock: Clock
  /** scrypt's cost for new password and secret hashes (security/passwords SECRET_COST unless a
   *  test makes it cheaper). */
  readonly secretCost?: number | undefined
  /** Where work done outside a request (an import job) says what it did: the app's logger. */
  readonly log?: { info (o: object, msg: string): void, error (o: object, msg: string): void } | undefined
}
