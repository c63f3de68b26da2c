// Test helpers: every test builds its own app over its own in-memory database.
import type { Test } from 'tap'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp, type AppDeps } from '../src/app.js'
import { testConfig, type Config } from '../src/config.js'
import { openSqliteStore, type SqliteStore } from '../src/db/sqlite/store.js'
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
  const store = deps.store ?? openSqliteStore(config)
  const clock = deps.clock ?? testClock()
  // A sixteenth of scrypt's cost: tests create and sign in hundreds of accounts (a hash keeps
  // its cost, so sign-in checks it as made).
  const app = await buildApp(config, { logStream, secretCost: TEST_SECRET_COST, ...deps, store, clock })
  t.teardown(async () => { await app.close(); if (!deps.store) store.close() })
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
