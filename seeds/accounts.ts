// Demo logins: a 司法局 clerk reaching the whole city, and an HR system of the city market
// regulation bureau. Created once; a second run leaves them as they are. The clerk's password
// is fixed (it is a demo, and the README walks through it); the client's secret is generated
// by the service and can only be shown when it is created.
import type { Config } from '../src/config.js'
import type { SqliteStore } from '../src/db/sqlite/store.js'
import { accountsService } from '../src/modules/accounts/service.js'
import { systemActor } from '../src/modules/audit/repository.js'

export const DEMO_CLERK = { username: 'clerk', password: 'Clerk-Demo-2024' } as const
export const DEMO_CLIENT_NAME = '河东市市场监督管理局人事系统（演示）'

const agencyByName = (store: SqliteStore, name: string): number | null =>
  (store.sqlite.prepare('select id from agencies where name = ?').get(name) as { id: number } | undefined)?.id ?? null

/** Creates what is missing and returns lines to print (credentials of what it created). */
export async function ensureDemoAccounts (store: SqliteStore, config: Config, names: { city: string, hrAgency: string }): Promise<string[]> {
  const accounts = accountsService({ store, config, clock: () => new Date() })
  const actor = systemActor('seed')
  const lines: string[] = []
  const city = agencyByName(store, names.city)
  const hrAgency = agencyByName(store, names.hrAgency)
  if (city === null || hrAgency === null) return ['demo accounts not created: the seeded agencies are missing']
  const clerk = store.sqlite.prepare('select id from users where username = ?').get(DEMO_CLERK.username)
  if (clerk === undefined) {
    await accounts.createUser(actor, { username: DEMO_CLERK.username, password: DEMO_CLERK.password, role: 'clerk', agencyId: city })
    lines.push(`clerk login (password grant): username=${DEMO_CLERK.username} password=${DEMO_CLERK.password}  (scope: ${names.city} and everything below it)`)
  } else {
    lines.push(`clerk login: user "${DEMO_CLERK.username}" already exists (seeded password ${DEMO_CLERK.password}, unless changed)`)
  }
  const client = store.sqlite.prepare('select client_id as clientId from clients where name = ?').get(DEMO_CLIENT_NAME) as { clientId: string } | undefined
  if (client === undefined) {
    const c = await accounts.createClient(actor, { name: DEMO_CLIENT_NAME, role: 'hr', agencyId: hrAgency })
    lines.push(`hr client (client_credentials): client_id=${c.clientId} client_secret=${c.clientSecret}  (scope: ${names.hrAgency}; the secret is shown only now)`)
  } else {
    lines.push(`hr client: "${DEMO_CLIENT_NAME}" already exists as client_id=${client.clientId} (its secret was printed when it was created; add another with npm run cli -- client add)`)
  }
  return lines
}
