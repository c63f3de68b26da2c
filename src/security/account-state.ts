// Whether a token still speaks for its account. Our tokens name the account's version when
// they were issued (claim `ver`); disabling an account or any change to it (role, agency,
// password, name) moves the version on, and from then on its tokens are refused, not only once they
// expire (up to TOKEN_TTL_SECONDS later). The versions are read once and remembered until
// something writes: a write transaction of this process (store.writes), or of another (the
// CLI), which SQLite's data_version shows; that is looked at no more than once a second.
// Accounts change only through store.write (the one way to write): a write on this connection
// outside it would be seen by neither. Any change moves the version (a client renamed too):
// the token of a changed account is refused and its holder asks for a new one.
import type { DatabaseHandle } from '../db/open.js'
import type { Principal } from './roles.js'

const POLL_MS = 1000
const REMEMBERED = 10_000

export interface AccountStates {
  /** False when the account behind an own token is disabled, gone, or changed since it was issued. */
  current (principal: Principal): boolean
}

/** `versionOf` answers the version of the account a subject names, null when disabled or gone
 *  (accounts/repository accountVersion). */
export function createAccountStates (store: DatabaseHandle, versionOf: (sub: string) => number | null, now: () => number = Date.now): AccountStates {
  // sub → the account's version, null when disabled or gone.
  const known = new Map<string, number | null>()
  const dataVersionQuery = store.sqlite.prepare('pragma data_version').pluck()
  const dataVersion = () => dataVersionQuery.get() as number
  let seenWrites = store.writes()
  let seenData = dataVersion()
  let polled = now()

  function forgetIfWritten (): void {
    let written = store.writes() !== seenWrites
    if (!written && now() - polled >= POLL_MS) {
      polled = now()
      written = dataVersion() !== seenData
    }
    if (!written) return
    known.clear()
    seenWrites = store.writes()
    seenData = dataVersion()
  }

  return {
    current (principal) {
      if (principal.via === 'external' || principal.version === undefined) return true
      forgetIfWritten()
      let version = known.get(principal.sub)
      if (version === undefined) {
        if (known.size >= REMEMBERED) known.clear()
        known.set(principal.sub, version = versionOf(principal.sub))
      }
      return version === principal.version
    }
  }
}
