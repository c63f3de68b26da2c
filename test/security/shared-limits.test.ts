// The sign-in back-off and the rate limits shared by several app servers on one PostgreSQL
// database (issue 22; src/db/pg/shared-limits.ts): failures on one server lock the account on
// the other, a success clears it on both, a rate limit counts requests to both together, each
// limiter apart. Also the back-off's pure transitions (src/security/login-guard.ts), which any
// store of states applies. The PostgreSQL tests skip on a SQLite run (npm run test:pg runs them).
import t from 'tap'
import type { Test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { abandoned, begin, failed, forgettable, prune, succeeded, PENDING_MS, type LoginGuardOptions, type NameState } from '../../src/security/login-guard.js'
import { pgLoginGuard, pgRateLimitStore, type SharedRateLimitStore } from '../../src/db/pg/shared-limits.js'
import { openPgStore, type PgStore } from '../../src/db/pg/store.js'
import { testConfig, type Config } from '../../src/config.js'
import { loadIdNumberKey } from '../../src/security/id-numbers.js'
import { systemActor } from '../../src/modules/audit/repository.js'
import { assertProblem, buildTestApp, testStore } from '../helper.js'
import { ENGINE, execute, queryColumn, queryValue } from '../db.js'
import { emptyDatabase } from '../pg/database.js'

const PG = { skip: ENGINE === 'pg' ? false : 'needs PostgreSQL (npm run test:pg)' }
const S = 1000
const o: LoginGuardOptions = { maxFailures: 3, windowMs: 900 * S, lockoutMs: 60 * S, maxLockoutMs: 3600 * S }
const state = (s: Partial<NameState>): NameState => ({ failures: [], pending: [], lockedUntil: 0, lockouts: 0, ...s })

t.test('the transitions of one name\'s state', async (t) => {
  const cases: Array<[string, () => unknown, unknown]> = [
    ['a new name is allowed and one attempt reserved', () => begin(null, 5, o), { state: state({ pending: [5] }), verdict: { allowed: true } }],
    ['a locked name is refused, its state kept', () => begin(state({ failures: [1], lockedUntil: 60 * S, lockouts: 1 }), 1 * S, o),
      { state: state({ failures: [1], lockedUntil: 60 * S, lockouts: 1 }), verdict: { allowed: false, retryAfterSeconds: 59, reason: 'locked' } }],
    ['no more in flight than failures left', () => begin(state({ failures: [1, 2], pending: [3] }), 4, o).verdict, { allowed: false, retryAfterSeconds: 1, reason: 'in-flight' }],
    ['during an episode one attempt at a time', () => begin(state({ failures: [1], pending: [2], lockouts: 1 }), 3, o).verdict, { allowed: false, retryAfterSeconds: 1, reason: 'in-flight' }],
    ['a failure below the limit is counted, its reservation released', () => failed(state({ failures: [1], pending: [2] }), 3, o), state({ failures: [1, 3] })],
    ['the failure at the limit locks for lockoutMs', () => failed(state({ failures: [1, 2], pending: [3] }), 4, o), state({ failures: [1, 2, 4], lockedUntil: 4 + 60 * S, lockouts: 1 })],
    ['each failure of an episode doubles the lock', () => failed(state({ failures: [1], pending: [2], lockouts: 2 }), 3, o), state({ failures: [1, 3], lockedUntil: 3 + 240 * S, lockouts: 3 })],
    ['up to maxLockoutMs', () => failed(state({ pending: [2], lockouts: 9 }), 3, o)?.lockedUntil, 3 + 3600 * S],
    ['a failure of a name not tracked counts nothing', () => failed(null, 3, o), null],
    ['an attempt without a verdict leaves nothing behind', () => abandoned(state({ pending: [2] }), 3, o), null],
    ['nor on a name not tracked', () => abandoned(null, 3, o), null],
    ['but failures stay', () => abandoned(state({ failures: [1], pending: [2] }), 3, o), state({ failures: [1] })],
    ['a success keeps nothing', () => succeeded(), null],
    ['failures leave the window, attempts that never reported back stop counting', () => prune(state({ failures: [1, 900 * S + 2], pending: [PENDING_MS, 900 * S] }), 900 * S + 1, o),
      state({ failures: [900 * S + 2], pending: [900 * S] })],
    ['an episode ends after a quiet window', () => prune(state({ lockedUntil: 60 * S, lockouts: 2 }), 960 * S, o), state({ lockedUntil: 60 * S })],
    ['but not before', () => prune(state({ lockedUntil: 60 * S, lockouts: 2 }), 960 * S - 1, o).lockouts, 2],
    ['forgettable: says nothing a fresh state does not', () => [forgettable(state({ lockedUntil: 5 })), forgettable(state({ lockouts: 1 })), forgettable(state({ pending: [1] }))], [true, false, false]]
  ]
  for (const [name, run, expected] of cases) t.strictSame(run(), expected, name)
  const s = failed(begin(begin(null, 1, o).state, 2, o).state, 3, o)
  t.strictSame(JSON.parse(JSON.stringify(s)), s, 'a state is JSON as it stands')
  const given = state({ failures: [1, 2], pending: [3] })
  const copy = JSON.stringify(given)
  begin(given, 4, o)
  failed(given, 4, o)
  abandoned(given, 4, o)
  prune(given, 10_000 * S, o)
  t.equal(JSON.stringify(given), copy, 'the state given is not changed')
})

t.test('a store of one process shares nothing', { skip: ENGINE === 'pg' ? 'on PostgreSQL the store shares' : false }, async (t) => {
  t.equal((await testStore(t)).shared, undefined, 'the in-memory back-off and counts stay in use')
})

/** Two stores (two app servers) on one migrated, empty database, closed when `t` ends. */
async function twoStores (t: Test, config: Config = testConfig()): Promise<[PgStore, PgStore]> {
  const ends: Array<() => Promise<void>> = []
  const url = await emptyDatabase(t, ends)
  const idNumberKey = loadIdNumberKey(config) // one key for both, as servers on one database need
  const open = () => openPgStore(url, { migrate: false, poolSize: 4, idNumberKey })
  const a = await open()
  const b = await open()
  ends.push(() => a.end(), () => b.end())
  return [a, b]
}

t.test('the back-off in the database: one state per name for every server', PG, async (t) => {
  const [a, b] = await twoStores(t)
  const ga = pgLoginGuard(a.pool, o)
  const gb = pgLoginGuard(b.pool, o)
  for (const [g, at] of [[ga, 1], [gb, 2], [ga, 3]] as const) {
    t.match(await g.begin('user:li', at * S), { allowed: true })
    await g.failed('user:li', at * S)
  }
  t.strictSame(await gb.begin('user:li', 4 * S), { allowed: false, retryAfterSeconds: 59, reason: 'locked' }, 'failures on both lock it on both')
  t.strictSame(JSON.parse(await queryValue<string>(a, 'select state::text from login_guard where name = $1', 'user:li')), state({ failures: [1 * S, 2 * S, 3 * S], lockedUntil: 63 * S, lockouts: 1 }), 'the row holds the state')

  const burst = await Promise.all(Array.from({ length: 8 }, async (_, i) => await (i % 2 === 0 ? ga : gb).begin('client:hr-1', 0)))
  t.equal(burst.filter((v) => v.allowed).length, 3, 'a parallel burst through both servers: no more at once than failures left')
  await Promise.all(Array.from({ length: 3 }, async (_, i) => { await (i % 2 === 0 ? gb : ga).failed('client:hr-1', S) }))
  t.match(await ga.begin('client:hr-1', 2 * S), { allowed: false, reason: 'locked' })

  await ga.begin('user:wang', 0)
  await gb.failed('user:wang', 0)
  await gb.begin('user:wang', 1)
  await ga.succeeded('user:wang', 1)
  t.equal(await queryValue(a, 'select count(*) from login_guard where name = $1', 'user:wang'), 0, 'a success deletes the row')
  await ga.begin('user:zhao', 0)
  await gb.abandoned('user:zhao', 0)
  t.equal(await queryValue(a, 'select count(*) from login_guard where name = $1', 'user:zhao'), 0, 'so does an attempt without a verdict')
  await gb.failed('user:nobody', 0)
  t.equal(await queryValue(a, 'select count(*) from login_guard where name = $1', 'user:nobody'), 0, 'a failure never begun writes nothing')
})

t.test('any name the client sends is kept apart: NUL, lone surrogates, a megabyte, a leading #', PG, async (t) => {
  const [a] = await twoStores(t)
  const guard = pgLoginGuard(a.pool, o)
  const names = ['user:\u0000', 'user:\uD800', 'user:\uD801', `user:${'长'.repeat(500_000)}`, '#user:x', 'user:x']
  for (const name of names) {
    for (let i = 0; i < 3; i++) {
      t.match(await guard.begin(name, i), { allowed: true })
      await guard.failed(name, i)
    }
  }
  t.equal(await queryValue(a, 'select count(*) from login_guard'), names.length, 'a row each')
  t.strictSame(await queryColumn(a, "select name from login_guard where name not like '#%' order by name"), ['user:x'], 'a name text holds exactly is kept as it is')
  for (const name of names) t.match(await guard.begin(name, 10), { allowed: false, reason: 'locked' })
  await guard.succeeded('user:\uD800', 11)
  t.match(await guard.begin('user:\uD801', 11), { allowed: false, reason: 'locked' }, 'another lone surrogate is another name')
  const limiter = new (pgRateLimitStore(a.pool))({}).child(routeOptions)
  t.match(await incr(limiter, 'user:\u0000', 60 * S, 3), { current: 1 }, 'a rate-limit key too')
})

t.test('the back-off never waits for the registry\'s write lock', PG, async (t) => {
  const [a, b] = await twoStores(t)
  const guard = pgLoginGuard(b.pool, o)
  let release = (): void => {}
  const held = a.write(() => new Promise<void>((resolve) => { release = resolve }))
  await sleep(50)
  const outcome = await Promise.race([
    (async () => { await guard.begin('user:li', 0); await guard.failed('user:li', 0); return 'done' })(),
    sleep(3000).then(() => 'waited')
  ])
  release()
  await held
  t.equal(outcome, 'done', 'begun and failed while another server held write_lock')
})

t.test('stale rows are swept: a name whose last change is older than any lock or window, an expired count', PG, async (t) => {
  const [a] = await twoStores(t)
  const now = 10_000 * S
  const failedOnce = JSON.stringify(state({ failures: [1] }))
  await execute(a, 'insert into login_guard (name, state, touched_ms) values ($1, $2, $3), ($4, $2, $5)',
    'user:old', failedOnce, now - (900 + 3600) * S - 1, 'user:recent', now - (900 + 3600) * S)
  await pgLoginGuard(a.pool, o, { sweepEvery: 1 }).begin('user:li', now)
  t.strictSame(await queryColumn(a, 'select name from login_guard order by name'), ['user:li', 'user:recent'])

  const root = new (pgRateLimitStore(a.pool, { sweepEvery: 1 }))({})
  const first = root.child(routeOptions)
  root.child(routeOptions)
  await execute(a, "insert into rate_limit_hits (key, window_start_ms, hits) values ('1|10.0.0.1', 0, 9), ('2|10.0.0.1', 0, 9), ('1|10.0.0.2', (extract(epoch from now()) * 1000)::bigint, 2)")
  t.strictSame(await incr(first, '10.0.0.3', 60 * S, 3), { current: 1, ttl: 60 * S })
  t.strictSame(await queryColumn(a, 'select key from rate_limit_hits order by key'), ['1|10.0.0.2', '1|10.0.0.3', '2|10.0.0.1'], 'its own namespace\'s expired rows only')
})

// child() is given the route's merged options; the store reads none but the two it refuses.
const routeOptions = {} as Parameters<SharedRateLimitStore['child']>[0]

const incr = (store: SharedRateLimitStore, key: string, timeWindow: number, max: number) =>
  new Promise<unknown>((resolve, reject) => { store.incr(key, (err, res) => { if (err) reject(err); else resolve(res) }, timeWindow, max) })

t.test('the rate-limit store: one count per limiter and key for every server, a window that ends, errors to the request', PG, async (t) => {
  const [a, b] = await twoStores(t)
  // Each server's plugin makes its root store, then its limiters in one order.
  const [ra, rb] = [new (pgRateLimitStore(a.pool))({}), new (pgRateLimitStore(b.pool))({})]
  const [verifyA, tokenA] = [ra.child(routeOptions), ra.child(routeOptions)]
  const [verifyB] = [rb.child(routeOptions), rb.child(routeOptions)]
  t.match(await incr(verifyA, '10.1.1.1', 60 * S, 3), { current: 1 })
  t.match(await incr(verifyB, '10.1.1.1', 60 * S, 3), { current: 2 }, 'counted together')
  t.match(await incr(tokenA, '10.1.1.1', 60 * S, 3), { current: 1 }, 'another limiter keyed alike counts apart')
  const peek = await new Promise((resolve) => { verifyB.read('10.1.1.1', (_err, res) => { resolve(res) }, 60 * S) })
  t.match(peek, { current: 2 }, 'read counts nothing')
  t.match(await incr(verifyA, '10.1.1.1', 60 * S, 3), { current: 3 })

  t.match(await incr(verifyA, '10.2.2.2', 300, 3), { current: 1 })
  await sleep(350)
  t.match(await incr(verifyB, '10.2.2.2', 300, 3), { current: 1, ttl: 300 }, 'a new window once the last one ended')

  t.throws(() => new (pgRateLimitStore(a.pool))({ continueExceeding: true } as object), /fixed windows/, 'what it cannot do is refused, not ignored')
  const closed = await openPgStore(a.pool.options.connectionString ?? '', { migrate: false, poolSize: 1 })
  await closed.end()
  await t.rejects(incr(new (pgRateLimitStore(closed.pool))({}).child(routeOptions), '10.1.1.1', 60 * S, 3), 'a failing database is the request\'s error')
  await t.rejects((async () => await pgLoginGuard(closed.pool, o).begin('user:li', 0))(), 'and so is the back-off\'s')
})

const PASSWORD = 'Right-Password-1234'
const token = (username: string, password: string, remoteAddress = '127.0.0.1') =>
  ({ method: 'POST' as const, url: '/v1/auth/token', remoteAddress, payload: { grant_type: 'password', username, password } })
const verify = (remoteAddress: string) => ({ method: 'GET' as const, url: '/v1/verify/14080220200999990', remoteAddress })

/** Two apps (two app servers) on one database, their clock `now()`. */
async function twoServers (t: Test, overrides: Partial<Config>, now: () => Date) {
  const config = testConfig({ LOG_LEVEL: 'silent', ...overrides })
  const [sa, sb] = await twoStores(t, config)
  const a = await buildTestApp(t, config, { store: sa, clock: now })
  const b = await buildTestApp(t, config, { store: sb, clock: now })
  return [a.app, b.app] as const
}

t.test('two servers: failures on one lock the account on the other; a success clears it for both', PG, async (t) => {
  let now = new Date('2026-05-01T02:00:00Z')
  const [a, b] = await twoServers(t, { LOGIN_MAX_FAILURES: 3 }, () => now)
  await a.services.accounts.createUser(systemActor('test'), { username: 'clerk-li', password: PASSWORD, role: 'admin' })

  for (let i = 0; i < 2; i++) assertProblem(t, await a.inject(token('clerk-li', `wrong-${i}-password`)), 400, 'INVALID_GRANT')
  t.equal((await b.inject(token('clerk-li', PASSWORD))).statusCode, 200, 'a success on B')
  for (let i = 0; i < 2; i++) assertProblem(t, await a.inject(token('clerk-li', `wrong-${i}-password`)), 400, 'INVALID_GRANT')
  t.equal((await a.inject(token('clerk-li', PASSWORD))).statusCode, 200, 'cleared the failures A had counted: four in all never locked it')

  for (let i = 0; i < 2; i++) assertProblem(t, await a.inject(token('clerk-li', `wrong-${i}-password`)), 400, 'INVALID_GRANT')
  assertProblem(t, await b.inject(token('clerk-li', 'wrong-2-password')), 400, 'INVALID_GRANT')
  const locked = await b.inject(token('clerk-li', PASSWORD))
  assertProblem(t, locked, 429, 'RATE_LIMITED')
  t.equal(locked.headers['retry-after'], '60', 'locked on B, even with the right password')
  assertProblem(t, await a.inject(token('clerk-li', PASSWORD)), 429, 'RATE_LIMITED')

  now = new Date(now.getTime() + 61_000)
  t.equal((await a.inject(token('clerk-li', PASSWORD))).statusCode, 200, 'the right password once the lock ends')
  // The success is recorded once the answer has gone (onResponse): looked for until it is.
  const left = async () => await queryValue<number>(a, 'select count(*) from login_guard')
  for (let i = 0; i < 100 && await left() !== 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(await left(), 0, 'and the record is gone')
})

t.test('two servers: a rate limit counts the requests to both; each limiter counts apart', PG, async (t) => {
  const [a, b] = await twoServers(t, { RATE_LIMIT_VERIFY_PER_MINUTE: 3, RATE_LIMIT_TOKEN_PER_MINUTE: 3 }, () => new Date('2026-05-01T02:00:00Z'))
  for (const app of [a, b, a]) t.ok((await app.inject(verify('10.1.1.1'))).statusCode < 429, 'within the budget')
  const limited = await b.inject(verify('10.1.1.1'))
  assertProblem(t, limited, 429, 'RATE_LIMITED')
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After')
  t.ok((await a.inject(verify('10.1.1.2'))).statusCode < 429, 'another address has its own budget')

  // The token limiter per address is keyed by the same address: the public checks do not count.
  for (const [app, i] of [[b, 1], [a, 2], [b, 3]] as const) assertProblem(t, await app.inject(token(`nobody-${i}`, 'wrong-password', '10.1.1.1')), 400, 'INVALID_GRANT')
  const perIp = await a.inject(token('nobody-4', 'wrong-password', '10.1.1.1'))
  assertProblem(t, perIp, 429, 'RATE_LIMITED')
  t.match(perIp.json().detail, /token requests;/, 'the token budget of the address, spent on both servers')
  t.equal(await queryValue(a, "select count(*) from rate_limit_hits where key like '%|10.1.1.1'"), 2, 'one count per limiter for the address')
})

t.test('a database that fails a count fails that request; the server goes on', PG, async (t) => {
  const [a] = await twoServers(t, { RATE_LIMIT_VERIFY_PER_MINUTE: 3 }, () => new Date('2026-05-01T02:00:00Z'))
  await execute(a, 'alter table rate_limit_hits rename to rate_limit_hits_away')
  try {
    assertProblem(t, await a.inject(verify('10.1.1.1')), 500, 'INTERNAL')
  } finally {
    await execute(a, 'alter table rate_limit_hits_away rename to rate_limit_hits')
  }
  t.ok((await a.inject(verify('10.1.1.1'))).statusCode < 429, 'answered again once it is back')
})
