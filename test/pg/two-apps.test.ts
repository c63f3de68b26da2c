// Two app servers on one PostgreSQL database (as two apps in this process, each with a store of
// its own): what one does, the other sees at its next request. An account disabled through one
// is refused by the other at once (nothing about accounts is kept between requests on
// PostgreSQL); an agency created through one is read, and updated with its version, through the
// other.
import t from 'tap'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { openPgStore } from '../../src/db/pg/store.js'
import { buildTestApp, assertProblem } from '../helper.js'
import { createAgency } from '../fixtures.js'
import { migratedDatabase } from './database.js'

t.test('an account disabled on one server is refused on the other at its next request', async (t) => {
  const ends: Array<() => Promise<void>> = []
  const url = await migratedDatabase(t, ends)
  const idNumberKey = randomBytes(32)
  const [storeA, storeB] = await Promise.all([openPgStore(url, { idNumberKey }), openPgStore(url, { idNumberKey })])
  ends.push(() => storeA.end(), () => storeB.end())
  // The same signing key on both, as a deployment of several servers sets it.
  const AUTH_SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const a = await buildTestApp(t, { AUTH_SIGNING_KEY }, { store: storeA })
  const b = await buildTestApp(t, { AUTH_SIGNING_KEY }, { store: storeB })
  const admin = await a.as('admin')
  const clerk = await a.as('clerk', (await createAgency(a.app, admin)).id)
  const agency = await createAgency(a.app, admin)
  const read = await b.app.inject({ method: 'GET', url: `/v1/agencies/${agency.id}`, headers: clerk })
  t.equal(read.statusCode, 404, 'B reads what A wrote: the agency, outside the clerk\'s scope')
  const users = (await b.app.inject({ method: 'GET', url: '/v1/users', headers: admin })).json().items as Array<{ id: number, username: string, version: number }>
  const account = users.find((u) => u.username.startsWith('clerk-'))
  t.ok(account, 'B lists the account A made')
  const ok = await b.app.inject({ method: 'GET', url: '/v1/agencies', headers: clerk })
  t.equal(ok.statusCode, 200, 'the clerk\'s token works on B')
  const disabled = await a.app.inject({ method: 'PATCH', url: `/v1/users/${account?.id ?? 0}`, headers: { ...admin, 'if-match': `"${account?.version ?? 0}"` }, payload: { disabled: true } })
  t.equal(disabled.statusCode, 200, disabled.body)
  const refused = await b.app.inject({ method: 'GET', url: '/v1/agencies', headers: clerk })
  t.equal(refused.statusCode, 401, `B refuses the disabled account's token at once: ${refused.body}`)
  const stale = await b.app.inject({ method: 'PATCH', url: `/v1/users/${account?.id ?? 0}`, headers: { ...admin, 'if-match': `"${account?.version ?? 0}"` }, payload: { disabled: false } })
  assertProblem(t, stale, 412, 'PRECONDITION_FAILED')
})

t.test('the first server\'s signing key is the database\'s: a server with another kept key does not start; one whose key dies with it claims nothing', async (t) => {
  const ends: Array<() => Promise<void>> = []
  const url = await migratedDatabase(t, ends)
  const idNumberKey = randomBytes(32)
  const key = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const first = key()
  const store = async () => {
    const s = await openPgStore(url, { idNumberKey })
    ends.push(() => s.end())
    return s
  }
  const ephemeral = await buildTestApp(t, {}, { store: await store() })
  t.ok(ephemeral.app, 'an in-memory key (DATABASE_PATH :memory:) claims nothing')
  const a = await buildTestApp(t, { AUTH_SIGNING_KEY: first }, { store: await store() })
  await t.rejects(buildTestApp(t, { AUTH_SIGNING_KEY: key() }, { store: await store() }), /set AUTH_SIGNING_KEY to the same key on every app server/, 'another key: the start fails, naming the setting')
  const b = await buildTestApp(t, { AUTH_SIGNING_KEY: first }, { store: await store() })
  const admin = await a.as('admin')
  t.equal((await b.app.inject({ method: 'GET', url: '/v1/agencies', headers: admin })).statusCode, 200, 'the same key: B takes A\'s tokens')
})
