// Back-off after failed sign-ins, per account name (a username or a client_id), so that
// guessing one account's password is slow whatever the number of addresses guessing it.
// After `maxFailures` failures within `windowMs` the name is locked for `lockoutMs`; while the
// episode lasts every further failure locks it again for twice as long (up to `maxLockoutMs`).
// While locked every attempt is refused, even with the right password; a success clears it,
// and so does a quiet window after the last lock. Attempts still running count against the
// limit, so a burst of parallel guesses cannot slip past it.
// Kept in memory: the service is one process over one SQLite file. Unknown names are tracked
// like known ones, so a lockout does not tell which accounts exist.
//
// Pure: time is passed in, so tests drive it without waiting.

export interface LoginGuardOptions {
  readonly maxFailures: number
  readonly windowMs: number
  readonly lockoutMs: number
  readonly maxLockoutMs: number
  /** Most names tracked at once; past it the oldest unlocked names are forgotten. */
  readonly maxEntries?: number
}

export type LoginVerdict = { allowed: true } | { allowed: false, retryAfterSeconds: number, reason: 'locked' | 'in-flight' }

interface NameState {
  failures: number[]
  pending: number[]
  lockedUntil: number
  lockouts: number
}

// An attempt that never reported back (its connection dropped) stops counting after this.
const PENDING_MS = 60_000

export interface LoginGuard {
  /** Before the password is checked: refuses while the name is locked; otherwise reserves an attempt. */
  begin (name: string, now: number): LoginVerdict
  /** The attempt signed in: the name's record is cleared. */
  succeeded (name: string, now: number): void
  /** The credentials were wrong: counts a failure, and locks the name at the limit. */
  failed (name: string, now: number): void
  /** The attempt ended without a verdict on the credentials (e.g. a malformed request). */
  abandoned (name: string, now: number): void
  /** How many names are tracked (for tests and metrics). */
  readonly size: number
}

export function createLoginGuard (o: LoginGuardOptions): LoginGuard {
  const names = new Map<string, NameState>()
  const maxEntries = o.maxEntries ?? 100_000
  let calls = 0

  // Drops failures older than the window and attempts that never reported back; the episode
  // of lockouts ends once no failure is left and a quiet window followed the last lock.
  const prune = (s: NameState, now: number) => {
    s.failures = s.failures.filter((t) => t > now - o.windowMs)
    s.pending = s.pending.filter((t) => t > now - PENDING_MS)
    if (s.lockouts > 0 && s.failures.length === 0 && s.lockedUntil + o.windowMs <= now) s.lockouts = 0
  }
  const forgettable = (s: NameState) => s.failures.length === 0 && s.pending.length === 0 && s.lockouts === 0
  const release = (s: NameState) => { s.pending.shift() }

  function sweep (now: number) {
    for (const [name, s] of names) {
      prune(s, now)
      if (forgettable(s)) names.delete(name)
    }
    // Still too many: forget the oldest names that are not locked (a locked name stays locked).
    for (const [name, s] of names) {
      if (names.size <= maxEntries) break
      if (s.lockedUntil <= now) names.delete(name)
    }
  }

  return {
    begin (name, now) {
      if (++calls % 1000 === 0 || names.size > maxEntries) sweep(now)
      let s = names.get(name)
      if (!s) {
        s = { failures: [], pending: [], lockedUntil: 0, lockouts: 0 }
        names.set(name, s)
      }
      prune(s, now)
      if (s.lockedUntil > now) return { allowed: false, retryAfterSeconds: Math.ceil((s.lockedUntil - now) / 1000), reason: 'locked' }
      // During an episode one attempt at a time; otherwise no more in flight than failures left.
      const left = s.lockouts > 0 ? 1 : o.maxFailures - s.failures.length
      if (s.pending.length >= Math.max(1, left)) return { allowed: false, retryAfterSeconds: 1, reason: 'in-flight' }
      s.pending.push(now)
      return { allowed: true }
    },

    succeeded (name) {
      names.delete(name)
    },

    failed (name, now) {
      const s = names.get(name)
      if (!s) return
      release(s)
      prune(s, now)
      s.failures.push(now)
      if (s.lockouts > 0 || s.failures.length >= o.maxFailures) {
        s.lockedUntil = now + Math.min(o.lockoutMs * 2 ** s.lockouts, o.maxLockoutMs)
        s.lockouts++
      }
    },

    abandoned (name, now) {
      const s = names.get(name)
      if (!s) return
      release(s)
      prune(s, now)
      if (forgettable(s)) names.delete(name)
    },

    get size () { return names.size }
  }
}
