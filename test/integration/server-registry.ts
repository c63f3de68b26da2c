// A registry file for tests that run the server as a process (as `npm start` does): one city
// agency, the server's settings with an admin of a fresh password, and its sign-in.
import type { Test } from 'tap'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { testClock } from '../clock.js'
import { testConfig } from '../../src/config.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { agenciesService } from '../../src/modules/agencies/service.js'
import type { Child } from '../../bench/proc.js'
import { ADMIN_ACTOR, uscc } from '../fixtures.js'

export async function serverRegistry (t: Test, agencyName: string, usccSeq: number) {
  const file = join(t.testdir(), 'registry.db')
  const store = openSqliteStore(file)
  const agency = await agenciesService({ store, config: testConfig({ DATABASE_PATH: file }), clock: testClock() })
    .create(ADMIN_ACTOR, { name: agencyName, uscc: uscc(usccSeq), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  store.close()
  const password = randomBytes(12).toString('base64url')
  const env = { DATABASE_PATH: file, REGISTRY_ADMIN_USER: 'admin', REGISTRY_ADMIN_PASSWORD: password, LOG_LEVEL: 'silent' }
  /** The admin's Authorization header value on that server. */
  const login = async (server: Child): Promise<string> => {
    const res = await fetch(`${server.url}/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'password', username: 'admin', password }) })
    return `Bearer ${(await res.json() as { access_token: string }).access_token}`
  }
  return { file, agency, env, login }
}
