// Test helpers: every test builds its own app over its own in-memory database.
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp, type AppDeps } from '../src/app.js'
import { testConfig, type Config } from '../src/config.js'
import { openSqliteStore, type SqliteStore } from '../src/db/sqlite/store.js'
import { openPgStore } from '../src/db/pg/store.js'
import type { Store } from '../src/db/store.js'
import { loadIdNumberKey } from '../src/security/id-numbers.js'
import { ENGINE } from './db.js'
import tap, { type Test } from 'tap'
import { emptyDatabase, migratedDatabase } from './pg/database.js'
import type { Role } from '../src/security/roles.js'
import { systemActor } from '../src/modules/audit/repository.js'
import type { Clock } from '../src/modules/context.js'
import { shanghaiDate, type IsoDate } from '../src/domain/dates.js'
import { testClock } from './clock.js'

export { TEST_NOW, testClock } from './clock.js'

/** scrypt's cost for the accounts tests create (the service's own is 16384). */
export const TEST_SECRET_COST = 1024

export interface TestApp {
  readonly app: FastifyInstance
  readonly config: Config
  /** Every log line the app wrote, as text. */
  readonly logs: string[]
  /** The app's clock (testClock() unless the test gave one) and its Shanghai date when built. */
  readonly clock: Clock
  readonly today: IsoDate
  /** Creates an account with that role (and scope) and returns a bearer header for it. */
  as (role: Role, agencyId?: number | null): Promise<{ authorization: string }>
}

export async function buildTestApp (t: Test, overrides: Partial<Config> = {}, deps: AppDeps = {}): Promise<TestApp> {
  const config = testConfig({ LOG_LEVEL: 'info', ...overrides })
  const logs: string[] = []
  const logStream = new Writable({ write (chunk, _enc, cb) { logs.push(String(chunk)); cb() } })
  const store = deps.store ?? await testStore(t, config)
  const clock = deps.clock ?? testClock()
  // A sixteenth of scrypt's cost: tests create and sign in hundreds of accounts (a hash keeps
  // its cost, so sign-in checks it as made).
  const app = await buildApp(config, { logStream, secretCost: TEST_SECRET_COST, ...deps, store, clock })
  t.teardown(async () => { await app.close() })
  let n = 0
  return {
    app,
    config,
    logs,
    clock,
    today: shanghaiDate(clock()),
    async as (role, agencyId = null) {
      const username = `${role}-${++n}-${agencyId ?? 'all'}`
      const password = 'Test-Password-1234'
      await app.services.accounts.createUser(systemActor('test'), { username, password, role, agencyId })
      const res = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', username, password } })
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`)
      return { authorization: `Bearer ${res.json().access_token as string}` }
    }
  }
}

/** A store of its own for a test, on the engine this run tests (test/db.ts ENGINE): SQLite as
 *  `config` says (in memory unless it names a file), or a PostgreSQL database of its own, migrated
 *  and empty (test/pg/database.ts), with `config`'s ID-number key: for a file, the same database
 *  each time that file is named in this test file. Closed when `t` ends (then, unless a file
 *  named it, the database is emptied for the next test), after the app. */
export async function testStore (t: Test, config: Config = testConfig()): Promise<Store> {
  if (ENGINE !== 'pg') {
    const store = openSqliteStore(config)
    t.teardown(() => store.close())
    return store
  }
  const ends: Array<() => Promise<void>> = []
  const url = config.DATABASE_PATH === ':memory:' ? await emptyDatabase(t, ends) : await databaseOfFile(config.DATABASE_PATH)
  const store = await openPgStore(url, { migrate: false, poolSize: 4, idNumberKey: loadIdNumberKey(config) })
  if (ends.length === 0) t.teardown(() => store.end())
  else ends.push(() => store.end())
  return store
}

// On PostgreSQL, a test that names a database file (to open it again, as after a restart) gets
// one database per file name, kept for the rest of its test file.
const databasesOfFiles = new Map<string, Promise<string>>()
const databaseOfFile = async (file: string): Promise<string> => {
  let url = databasesOfFiles.get(file)
  if (url === undefined) databasesOfFiles.set(file, url = migratedDatabase(tap, []))
  return await url
}

/** The app's store, which a test marked sqlite-only (test/db.ts) reaches into. */
export function sqliteStoreOf (on: { readonly store: Store } | Store): SqliteStore {
  const store = 'engine' in on ? on : on.store
  if (store.engine !== 'sqlite') throw new Error('this test needs SQLite itself: mark it sqlite-only (test/db.ts)')
  return store as SqliteStore
}

/** A database file for tests of what another process changes (the CLI, a second server): the
 *  app's look at other processes' commits stands a minute (db/changes), so only a new request
 *  makes it look again. Pass `store` to buildTestApp with `DATABASE_PATH: file`. */
export function fileStoreLookingPerRequest (t: Test): { file: string, store: SqliteStore } {
  const file = join(t.testdir(), 'registry.db')
  const store = openSqliteStore({ DATABASE_PATH: file }, { lookStandsMs: 60_000 })
  t.teardown(() => store.close())
  return { file, store }
}

/** Asserts a problem+json answer with that status and code; returns its body. */
export function assertProblem (t: Test, res: LightMyRequestResponse, status: number, code: string) {
  t.equal(res.statusCode, status, `status ${status} (body: ${res.body.slice(0, 300)})`)
  t.match(res.headers['content-type'], /^application\/problem\+json/, 'problem+json content type')
  const body = res.json()
  t.equal(body.status, status, 'status member')
  t.equal(body.code, code, 'code member')
  t.type(body.type, 'string')
  t.type(body.title, 'string')
  t.type(body.requestId, 'string')
  t.notMatch(res.body, /\bat .+:\d+:\d+/, 'no stack trace in the body')
  return body
}
