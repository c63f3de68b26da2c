// Back-off after failed sign-ins, per account name (a username or a client_id), so that
// guessing one account's password is slow whatever the number of addresses guessing it.
// After `maxFailures` failures within `windowMs` the name is locked for `lockoutMs`; while the
// episode lasts every further failure locks it again for twice as long (up to `maxLockoutMs`).
// While locked every attempt is refused, even with the right password; a success clears it,
// and so does a quiet window after the last lock. Attempts still running count against the
// limit, so a burst of parallel guesses cannot slip past it. Unknown names are tracked like
// known ones, so a lockout does not tell which accounts exist.
//
// The rules are pure transitions of one name's state (a plain JSON object; time passed in), so
// tests drive them without waiting and any store can keep the state: createLoginGuard keeps it
// in this process's memory (one process over one SQLite file); db/pg/shared-limits.ts keeps it
// in a row per name, for several app servers on one PostgreSQL database.

export interface LoginGuardOptions {
  readonly maxFailures: number
  readonly windowMs: number
  readonly lockoutMs: number
  readonly maxLockoutMs: number
  /** Most names tracked at once; past it the oldest unlocked names are forgotten (in memory). */
  readonly maxEntries?: number
}

export type LoginVerdict = { allowed: true } | { allowed: false, retryAfterSeconds: number, reason: 'locked' | 'in-flight' }

/** One name's record: when its failures and its attempts still running began (ms), until when
 *  it is locked, and how many locks its episode has had. JSON as it stands. */
export interface NameState {
  readonly failures: readonly number[]
  readonly pending: readonly number[]
  readonly lockedUntil: number
  readonly lockouts: number
}

/** An attempt that never reported back (its connection dropped) stops counting after this. */
export const PENDING_MS = 60_000

const FRESH: NameState = { failures: [], pending: [], lockedUntil: 0, lockouts: 0 }

/** The state without failures older than the window and attempts that never reported back; the
 *  episode of lockouts ends once no failure is left and a quiet window followed the last lock. */
export function prune (s: NameState, now: number, o: LoginGuardOptions): NameState {
  const failures = s.failures.filter((t) => t > now - o.windowMs)
  const pending = s.pending.filter((t) => t > now - PENDING_MS)
  const over = s.lockouts > 0 && failures.length === 0 && s.lockedUntil + o.windowMs <= now
  return { failures, pending, lockedUntil: s.lockedUntil, lockouts: over ? 0 : s.lockouts }
}

/** Whether the state says nothing a fresh one would not (the name can be forgotten). */
export function forgettable (s: NameState): boolean {
  return s.failures.length === 0 && s.pending.length === 0 && s.lockouts === 0
}

/** Before the password is checked (`s` null for a name not tracked): the verdict, and the state
 *  to keep (an attempt reserved when allowed; never forgettable). */
export function begin (s: NameState | null, now: number, o: LoginGuardOptions): { state: NameState, verdict: LoginVerdict } {
  const state = prune(s ?? FRESH, now, o)
  if (state.lockedUntil > now) {
    return { state, verdict: { allowed: false, retryAfterSeconds: Math.ceil((state.lockedUntil - now) / 1000), reason: 'locked' } }
  }
  // During an episode one attempt at a time; otherwise no more in flight than failures left.
  const left = state.lockouts > 0 ? 1 : o.maxFailures - state.failures.length
  if (state.pending.length >= Math.max(1, left)) return { state, verdict: { allowed: false, retryAfterSeconds: 1, reason: 'in-flight' } }
  return { state: { ...state, pending: [...state.pending, now] }, verdict: { allowed: true } }
}

/** The attempt signed in: nothing is kept (null). */
export function succeeded (): null {
  return null
}

/** The credentials were wrong: the failure counted, and the name locked at the limit (null when
 *  the name was not tracked: nothing to count against). */
export function failed (s: NameState | null, now: number, o: LoginGuardOptions): NameState | null {
  if (s === null) return null
  const state = prune(released(s), now, o)
  const failures = [...state.failures, now]
  if (state.lockouts === 0 && failures.length < o.maxFailures) return { ...state, failures }
  return { ...state, failures, lockedUntil: now + Math.min(o.lockoutMs * 2 ** state.lockouts, o.maxLockoutMs), lockouts: state.lockouts + 1 }
}

/** The attempt ended without a verdict on the credentials (e.g. a malformed request): its
 *  reservation released; null when nothing is left worth keeping. */
export function abandoned (s: NameState | null, now: number, o: LoginGuardOptions): NameState | null {
  if (s === null) return null
  const state = prune(released(s), now, o)
  return forgettable(state) ? null : state
}

/** Attempts report back in any order; the oldest reservation is the one released. */
function released (s: NameState): NameState {
  return { ...s, pending: s.pending.slice(1) }
}

type MaybePromise<T> = T | Promise<T>

/** The back-off over some store of states: each method may answer at once (memory) or later (a
 *  database); callers await them. */
export interface LoginGuard {
  /** Before the password is checked: refuses while the name is locked; otherwise reserves an attempt. */
  begin (name: string, now: number): MaybePromise<LoginVerdict>
  /** The attempt signed in: the name's record is cleared. */
  succeeded (name: string, now: number): MaybePromise<void>
  /** The credentials were wrong: counts a failure, and locks the name at the limit. */
  failed (name: string, now: number): MaybePromise<void>
  /** The attempt ended without a verdict on the credentials (e.g. a malformed request). */
  abandoned (name: string, now: number): MaybePromise<void>
}

/** The guard in this process's memory: answers at once. */
export interface MemoryLoginGuard extends LoginGuard {
  begin (name: string, now: number): LoginVerdict
  succeeded (name: string, now: number): void
  failed (name: string, now: number): void
  abandoned (name: string, now: number): void
  /** How many names are tracked (for tests and metrics). */
  readonly size: number
}

export function createLoginGuard (o: LoginGuardOptions): MemoryLoginGuard {
  const names = new Map<string, NameState>()
  const maxEntries = o.maxEntries ?? 100_000
  let calls = 0

  const keep = (name: string, s: NameState | null) => {
    if (s === null) names.delete(name)
    else names.set(name, s)
  }

  function sweep (now: number) {
    for (const [name, s] of names) {
      const state = prune(s, now, o)
      if (forgettable(state)) names.delete(name)
      else names.set(name, state)
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
      const { state, verdict } = begin(names.get(name) ?? null, now, o)
      // A name new to the map goes to its end (the newest), as a first attempt should.
      names.set(name, state)
      return verdict
    },
    succeeded (name) { keep(name, succeeded()) },
    failed (name, now) { keep(name, failed(names.get(name) ?? null, now, o)) },
    abandoned (name, now) { keep(name, abandoned(names.get(name) ?? null, now, o)) },
    get size () { return names.size }
  }
}
