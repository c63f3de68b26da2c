// The sign-in back-off and the rate limits' counts in PostgreSQL (db/shared-limits.ts), so that
// several app servers on one database hold one limit together (migrations/pg/0003_shared_limits):
//  - login_guard: one row per account name, its state as login-guard's pure transitions leave
//    it. Each change is one transaction that locks that row alone (FOR UPDATE), so two servers'
//    attempts on one name take turns and a parallel burst cannot pass the limit; attempts on
//    other names, and the registry's writes (write_lock), never wait for it.
//  - rate_limit_hits: one row per limiter and key, counted by one atomic upsert in autocommit,
//    a fixed window from its first hit by the database's clock (the servers' clocks may differ).
// Rows that can say no more than a fresh one are deleted now and then (every `sweepEvery`-th
// call, on the request that makes it). A failing database fails the request that asked, with
// its error; the process goes on.
import { createHash } from 'node:crypto'
import type pg from 'pg'
import type { FastifyRateLimitOptions, FastifyRateLimitStore } from '@fastify/rate-limit'
import { abandoned, begin, failed, PENDING_MS, type LoginGuard, type LoginGuardOptions, type LoginVerdict, type NameState } from '../../security/login-guard.js'
import type { SharedLimits } from '../shared-limits.js'

export interface SharedLimitsOptions {
  /** Delete stale rows on every this many calls of a guard or a limiter (default 1000). */
  readonly sweepEvery?: number
}

const SWEEP_EVERY = 1000
/** How long a sign-in waits for another server's change of the same name (a transaction left
 *  open in psql must not hang sign-ins). */
const LOCK_TIMEOUT = '5s'
/** Milliseconds now by the database's clock, one value for the whole statement. */
const NOW_MS = '(extract(epoch from statement_timestamp()) * 1000)::bigint'

/** What several app servers on the database behind `pool` share. */
export function sharedLimits (pool: pg.Pool, options: SharedLimitsOptions = {}): SharedLimits {
  return {
    loginGuard: (o) => pgLoginGuard(pool, o, options),
    rateLimitStore: pgRateLimitStore(pool, options)
  }
}

/** The longest name or key kept as it is: a primary key's entry must fit in an index page. */
const MAX_KEPT_LENGTH = 200
// A NUL (text refuses it) or a lone surrogate (sent as U+FFFD, so two names would be one).
const UNSTORABLE = /[\0\p{Cs}]/u

/** An account name or a rate-limit key as stored: as it is, when text holds it exactly and it is
 *  short; otherwise its digest (marked by '#', which no name or key kept as it is begins with).
 *  The name is the client's own text, and must not fail the request with a database error. */
export function storedKey (key: string): string {
  if (key.length <= MAX_KEPT_LENGTH && !key.startsWith('#') && !UNSTORABLE.test(key)) return key
  return `#${createHash('sha256').update(key, 'utf16le').digest('base64url')}`
}

const FRESH: NameState = { failures: [], pending: [], lockedUntil: 0, lockouts: 0 }

/** The back-off of login-guard.ts with each name's state in its row of login_guard. */
export function pgLoginGuard (pool: pg.Pool, o: LoginGuardOptions, { sweepEvery = SWEEP_EVERY }: SharedLimitsOptions = {}): LoginGuard {
  // A row last changed longer ago than this holds no failure in the window, no attempt still
  // counted and no episode still running: it says what a missing row says.
  const staleMs = Math.max(o.windowMs + o.maxLockoutMs, PENDING_MS)
  let calls = 0

  /** In one transaction: the name's row locked (inserted fresh first when `create`), `next`
   *  applied, and what it leaves written back (deleted when null). */
  async function change<T> (account: string, now: number, create: boolean, next: (s: NameState | null) => { state: NameState | null, value: T }): Promise<T> {
    const name = storedKey(account)
    const client = await pool.connect()
    let broken: Error | undefined
    try {
      await client.query(`BEGIN; SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`)
      // Inserted before it is locked: two servers beginning on a new name would otherwise both
      // find no row to lock, and both reserve an attempt.
      if (create) await client.query('insert into login_guard (name, state, touched_ms) values ($1, $2, $3) on conflict (name) do nothing', [name, JSON.stringify(FRESH), now])
      const { rows } = await client.query<{ state: NameState }>('select state from login_guard where name = $1 for update', [name])
      const found = rows[0]?.state ?? null
      const { state, value } = next(found)
      if (state !== null) await client.query('update login_guard set state = $2, touched_ms = $3 where name = $1', [name, JSON.stringify(state), now])
      else if (found !== null) await client.query('delete from login_guard where name = $1', [name])
      await client.query('COMMIT')
      return value
    } catch (err) {
      await client.query('ROLLBACK').catch((again: unknown) => { broken = again instanceof Error ? again : new Error(String(again)) })
      throw err
    } finally {
      // A connection whose ROLLBACK failed is not lent again.
      client.release(broken)
    }
  }

  return {
    async begin (name, now): Promise<LoginVerdict> {
      if (++calls % sweepEvery === 0) await pool.query('delete from login_guard where touched_ms < $1', [now - staleMs])
      return await change(name, now, true, (s) => {
        const { state, verdict } = begin(s, now, o)
        return { state, value: verdict }
      })
    },
    async succeeded (name) {
      await pool.query('delete from login_guard where name = $1', [storedKey(name)])
    },
    async failed (name, now) {
      await change(name, now, false, (s) => ({ state: failed(s, now, o), value: undefined }))
    },
    async abandoned (name, now) {
      await change(name, now, false, (s) => ({ state: abandoned(s, now, o), value: undefined }))
    }
  }
}

type Counted = { current: number, ttl: number }
type Answer = (error: Error | null, result?: Counted) => void

/** @fastify/rate-limit's store, with the count read without a hit. */
export interface SharedRateLimitStore extends FastifyRateLimitStore {
  read (key: string, cb: Answer, timeWindow: number): void
  child (routeOptions: FastifyRateLimitOptions): SharedRateLimitStore
}

const HIT = `insert into rate_limit_hits as h (key, window_start_ms, hits) values ($1, ${NOW_MS}, 1)
  on conflict (key) do update set
    window_start_ms = case when h.window_start_ms + $2::bigint <= excluded.window_start_ms then excluded.window_start_ms else h.window_start_ms end,
    hits = case when h.window_start_ms + $2::bigint <= excluded.window_start_ms then 1 else h.hits + 1 end
  returning hits as current, (window_start_ms + $2::bigint - ${NOW_MS})::int as ttl`
const PEEK = `select hits as current, (window_start_ms + $2::bigint - ${NOW_MS})::int as ttl
  from rate_limit_hits where key = $1 and window_start_ms + $2::bigint > ${NOW_MS}`
const EXPIRED = `delete from rate_limit_hits where starts_with(key, $1) and window_start_ms + $2::bigint <= ${NOW_MS}`

/**
 * The class @fastify/rate-limit's `store` option takes (its LocalStore's interface: incr, read,
 * child), counting in rate_limit_hits. Each limiter (a child) has keys of its own, named by the
 * order it was made in (`1|…`, `2|…`, children's children `1.1|…`): every server makes its
 * limiters in the same order, so one limiter's keys are the same on all of them, and two limiters
 * keyed alike (by IP) count apart. A fixed window only: continueExceeding and exponentialBackoff
 * are refused.
 */
export function pgRateLimitStore (pool: pg.Pool, { sweepEvery = SWEEP_EVERY }: SharedLimitsOptions = {}): new (options: FastifyRateLimitOptions) => SharedRateLimitStore {
  return class PgRateLimitStore implements SharedRateLimitStore {
    readonly #path: string
    #children = 0
    #calls = 0

    constructor (options: FastifyRateLimitOptions, path = '') {
      const asked: { continueExceeding?: unknown, exponentialBackoff?: unknown } = options
      if (asked.continueExceeding === true || asked.exponentialBackoff === true) {
        throw new Error('the PostgreSQL rate-limit store counts in fixed windows: continueExceeding and exponentialBackoff are not supported')
      }
      this.#path = path
    }

    incr (key: string, cb: Answer, timeWindow: number): void {
      answer(this.#hit(key, timeWindow), cb)
    }

    read (key: string, cb: Answer, timeWindow: number): void {
      answer(pool.query<Counted>(PEEK, [this.#key(key), timeWindow]).then(({ rows }) => rows[0] ?? { current: 0, ttl: 0 }), cb)
    }

    child (routeOptions: FastifyRateLimitOptions): PgRateLimitStore {
      const n = ++this.#children
      return new PgRateLimitStore(routeOptions, this.#path === '' ? String(n) : `${this.#path}.${n}`)
    }

    // The path holds no '|': a key's namespace is all before its first one.
    #key (key: string): string {
      return `${this.#path}|${storedKey(key)}`
    }

    async #hit (key: string, timeWindow: number): Promise<Counted> {
      if (++this.#calls % sweepEvery === 0) await pool.query(EXPIRED, [`${this.#path}|`, timeWindow])
      const { rows } = await pool.query<Counted>(HIT, [this.#key(key), timeWindow])
      const row = rows[0]
      if (row === undefined) throw new Error('rate_limit_hits: the upsert returned no row')
      return row
    }
  }
}

/** The callback told what the promise gives, or its error (then the request fails with it). */
function answer (p: Promise<Counted>, cb: Answer): void {
  p.then((r) => { cb(null, r) }, (err: unknown) => { cb(err instanceof Error ? err : new Error(String(err))) })
}
