// engine: sqlite-only in part — one test makes a prepared better-sqlite3 statement of the adapter fail as a disk does
import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generateKeyPairSync } from 'node:crypto'
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair, importPKCS8, base64url } from 'jose'
import { assertProblem, buildTestApp, fileStoreLookingPerRequest, sqliteStoreOf } from '../helper.js'
import { uscc } from '../fixtures.js'
import { systemActor } from '../../src/modules/audit/repository.js'
import { createTokenService } from '../../src/security/tokens.js'
import { once } from '../../src/db/sqlite/prepared.js'
import { accountQueryKeys } from '../../src/modules/accounts/repository.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { queryValue, execute, sqliteOnly } from '../db.js'

const PW = 'Correct-Horse-9'

async function withUser (t: Parameters<typeof buildTestApp>[0], overrides = {}, deps: Parameters<typeof buildTestApp>[2] = {}) {
  const ctx = await buildTestApp(t, overrides, deps)
  await ctx.app.services.accounts.createUser(systemActor('test'), { username: 'root', password: PW, role: 'admin' })
  return ctx
}

t.test('password grant works as JSON and as a form, and the token opens admin routes', async (t) => {
  const { app } = await withUser(t)
  for (const res of [
    await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', username: 'root', password: PW } }),
    await app.inject({ method: 'POST', url: '/v1/auth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `grant_type=password&username=root&password=${PW}&scope=` })
  ]) {
    t.equal(res.statusCode, 200, res.body)
    const body = res.json()
    t.equal(body.token_type, 'Bearer')
    t.equal(body.expires_in, 900)
    t.equal(res.headers['cache-control'], 'no-store')
    const users = await app.inject({ method: 'GET', url: '/v1/users', headers: { authorization: `Bearer ${body.access_token}` } })
    t.equal(users.statusCode, 200)
  }
})

t.test('the token endpoint answers errors as RFC 6749 section 5.2 says (error, error_description), keeping the problem+json members', async (t) => {
  const { app } = await withUser(t)
  const form = { 'content-type': 'application/x-www-form-urlencoded' }
  const cases = [
    { payload: 'grant_type=password&username=root&password=wrong-wrong-wrong', error: 'invalid_grant', code: 'INVALID_GRANT', says: /^用户名或密码错误 \/ wrong username or password$/ },
    { payload: 'grant_type=client_credentials&client_id=nobody&client_secret=wrong', error: 'invalid_grant', code: 'INVALID_GRANT', says: /^客户端凭据错误 \/ wrong client_id or client_secret$/ },
    { payload: 'grant_type=implicit', error: 'unsupported_grant_type', code: 'VALIDATION_FAILED', says: /grant_type 须为以下之一：password（工作人员）、client_credentials/ },
    { payload: 'grant_type=password&username=root&password=x&extra=1', error: 'invalid_request', code: 'VALIDATION_FAILED', says: /未知字段 extra/ }
  ]
  for (const c of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/auth/token', headers: form, payload: c.payload })
    const body = assertProblem(t, res, 400, c.code)
    t.equal(body.error, c.error, `${c.payload}: error ${c.error}`)
    t.match(body.error_description, c.says, 'error_description says what is wrong, in Chinese and English')
  }
  const other = await app.inject({ method: 'GET', url: '/v1/users' })
  t.notOk('error' in assertProblem(t, other, 401, 'UNAUTHENTICATED'), 'other routes answer problem+json alone')
})

t.test('a wrong password or unknown user is INVALID_GRANT, the same for both', async (t) => {
  const { app } = await withUser(t)
  const wrong = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', username: 'root', password: 'nope-nope-nope' } })
  const unknown = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', username: 'ghost', password: 'nope-nope-nope' } })
  t.equal(assertProblem(t, wrong, 400, 'INVALID_GRANT').detail, assertProblem(t, unknown, 400, 'INVALID_GRANT').detail)
  const missing = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', username: 'root' } })
  assertProblem(t, missing, 400, 'INVALID_GRANT')
  const grant = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'implicit' } })
  assertProblem(t, grant, 400, 'VALIDATION_FAILED')
})

t.test('client_credentials: secret answered once, works in the body and as HTTP Basic; disabled clients cannot log in', async (t) => {
  const { app, as } = await withUser(t)
  const admin = await as('admin')
  const created = await app.inject({ method: 'POST', url: '/v1/clients', headers: admin, payload: { name: 'HR 系统', role: 'admin' } })
  t.equal(created.statusCode, 201)
  const { id, clientId, clientSecret } = created.json()
  t.type(clientSecret, 'string')
  const read = await app.inject({ method: 'GET', url: `/v1/clients/${id as number}`, headers: admin })
  t.notOk('clientSecret' in read.json(), 'the secret is never shown again')
  const body = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret } })
  t.equal(body.statusCode, 200)
  const basic = await app.inject({
    method: 'POST',
    url: '/v1/auth/token',
    headers: { authorization: `Basic ${Buffer.from(`${clientId as string}:${clientSecret as string}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'grant_type=client_credentials'
  })
  t.equal(basic.statusCode, 200)
  // A change needs the ETag last read (API.md: single resources carry one; PATCH sends If-Match).
  const url = `/v1/clients/${id as number}`
  const current = await app.inject({ method: 'GET', url, headers: admin })
  t.equal(current.headers.etag, '"1"')
  assertProblem(t, await app.inject({ method: 'PATCH', url, headers: admin, payload: { disabled: true } }), 428, 'PRECONDITION_REQUIRED')
  assertProblem(t, await app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': '"7"' }, payload: { disabled: true } }), 412, 'PRECONDITION_FAILED')
  t.equal((await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret } })).statusCode, 200, 'the refused changes changed nothing')
  const disabled = await app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': current.headers.etag as string }, payload: { disabled: true } })
  t.equal(disabled.statusCode, 200, disabled.body)
  t.match(disabled, { headers: { etag: '"2"' } })
  t.match(disabled.json(), { disabled: true, version: 2 })
  const after = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret } })
  assertProblem(t, after, 400, 'INVALID_GRANT')
})

t.test('every forged or broken token is a 401 with WWW-Authenticate, never a 500', async (t) => {
  const { app, config } = await withUser(t)
  const good = (await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', username: 'root', password: PW } })).json().access_token as string
  const jwks = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json()
  const claims = { role: 'admin', agencyId: null }
  const other = await generateKeyPair('EdDSA')
  const now = Math.floor(Date.now() / 1000)
  const signed = (key: CryptoKey | Uint8Array, alg: string, edit: (j: SignJWT) => SignJWT = (j) => j) =>
    edit(new SignJWT(claims).setProtectedHeader({ alg }).setSubject('user:1').setIssuer(config.TOKEN_ISSUER).setAudience(config.TOKEN_AUDIENCE).setIssuedAt().setExpirationTime('5m')).sign(key)
  const [h, p] = good.split('.')
  const cases: Array<[string, string | null]> = [
    ['no Authorization header', null],
    ['not a bearer header', 'Token abc'],
    ['garbage', 'Bearer not.a.jwt'],
    ['random bytes', `Bearer ${base64url.encode(new Uint8Array(64))}`],
    ['signed with another key', `Bearer ${await signed(other.privateKey, 'EdDSA')}`],
    ['alg none', `Bearer ${new UnsecuredJWT(claims).setSubject('user:1').setIssuer(config.TOKEN_ISSUER).setAudience(config.TOKEN_AUDIENCE).setIssuedAt().setExpirationTime('5m').encode()}`],
    ['HS256 keyed with our public key', `Bearer ${await signed(new TextEncoder().encode(JSON.stringify(jwks.keys[0])), 'HS256')}`],
    ['HS256 keyed with the raw public key bytes', `Bearer ${await signed(base64url.decode(jwks.keys[0].x), 'HS256')}`],
    ['expired', `Bearer ${await signed(other.privateKey, 'EdDSA', (j) => j.setExpirationTime(now - 60))}`],
    ['tampered payload', `Bearer ${h as string}.${base64url.encode(JSON.stringify({ sub: 'user:1', role: 'admin', iss: config.TOKEN_ISSUER, aud: config.TOKEN_AUDIENCE, exp: now + 600, iat: now }))}.${good.split('.')[2] as string}`],
    ['signature stripped', `Bearer ${h as string}.${p as string}.`],
    ['unknown issuer', `Bearer ${await signed(other.privateKey, 'EdDSA', (j) => j.setIssuer('https://evil.example'))}`]
  ]
  for (const [name, header] of cases) {
    const res = await app.inject({ method: 'GET', url: '/v1/users', headers: header ? { authorization: header } : {} })
    const body = assertProblem(t, res, 401, header ? 'INVALID_TOKEN' : 'UNAUTHENTICATED')
    t.ok(res.headers['www-authenticate']?.toString().startsWith('Bearer'), `${name}: WWW-Authenticate`)
    t.type(body.detail, 'string', name)
  }
})

t.test('our own key: expired, future nbf, wrong audience, missing exp are 401', async (t) => {
  // An app on a key the test knows, so the test can sign near-valid tokens with it.
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const { app, config } = await withUser(t, { AUTH_SIGNING_KEY: pem })
  const key = await importPKCS8(pem, 'EdDSA')
  const now = Math.floor(Date.now() / 1000)
  const make = (claims: Record<string, unknown>, edit: (j: SignJWT) => SignJWT) =>
    edit(new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA' }).setSubject('user:1').setIssuer(config.TOKEN_ISSUER).setAudience(config.TOKEN_AUDIENCE).setIssuedAt()).sign(key)
  const admin = { role: 'admin', agencyId: null }
  const valid = await make(admin, (j) => j.setExpirationTime('5m'))
  t.equal((await app.inject({ method: 'GET', url: '/v1/users', headers: { authorization: `Bearer ${valid}` } })).statusCode, 200, 'control: a well-made token passes')
  const cases = {
    expired: await make(admin, (j) => j.setExpirationTime(now - 1)),
    'future nbf': await make(admin, (j) => j.setExpirationTime('5m').setNotBefore(now + 3600)),
    'wrong audience': await make(admin, (j) => j.setExpirationTime('5m').setAudience('someone-else')),
    'no exp': await make(admin, (j) => j),
    'unknown role': await make({ role: 'root', agencyId: null }, (j) => j.setExpirationTime('5m')),
    'clerk without agency': await make({ role: 'clerk' }, (j) => j.setExpirationTime('5m'))
  }
  for (const [name, token] of Object.entries(cases)) {
    const res = await app.inject({ method: 'GET', url: '/v1/users', headers: { authorization: `Bearer ${token}` } })
    t.equal(res.statusCode, 401, name)
    assertProblem(t, res, 401, 'INVALID_TOKEN')
  }
})

t.test('tokens of a trusted external identity provider (remote JWKS) are accepted; others are not', async (t) => {
  const idp = await generateKeyPair('RS256', { extractable: true })
  const jwk = { ...(await exportJWK(idp.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' }
  const server = createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ keys: [jwk] })) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`
  const { app } = await buildTestApp(t, { AUTH_JWKS_URL: url, AUTH_ISSUER: 'https://idp.example.gov.cn', AUTH_AUDIENCE: 'registry' })
  const token = (aud: string, role = 'admin', claims: Record<string, unknown> = { agencyId: null }, sub = 'idp:alice') => new SignJWT({ role, ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
    .setSubject(sub).setIssuer('https://idp.example.gov.cn').setAudience(aud).setIssuedAt().setExpirationTime('5m').sign(idp.privateKey)
  const ok = await app.inject({ method: 'GET', url: '/v1/users', headers: { authorization: `Bearer ${await token('registry')}` } })
  t.equal(ok.statusCode, 200, ok.body)
  // The provider's subjects are its own: one it calls user:1 is not our account user:1.
  const agency = await app.inject({ method: 'POST', url: '/v1/agencies', headers: { authorization: `Bearer ${await token('registry', 'admin', { agencyId: null }, 'user:1')}` }, payload: { name: '外部身份创建', uscc: uscc(1), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] } })
  t.equal(agency.statusCode, 201, agency.body)
  t.equal(await queryValue(app, "select actor from audit_events where entity = 'agency' order by id desc limit 1"), 'ext:user:1', 'audited as the provider\'s subject, not as our user:1')
  const root = agency.json().id as number
  for (const claim of [true, '1e0', [root], ' 1', '0x1', 0, -1, 1.5]) {
    assertProblem(t, await app.inject({ method: 'GET', url: '/v1/agencies', headers: { authorization: `Bearer ${await token('registry', 'hr', { agencyId: claim })}` } }), 401, 'INVALID_TOKEN')
  }
  for (const claim of [root, String(root)]) {
    t.equal((await app.inject({ method: 'GET', url: '/v1/agencies', headers: { authorization: `Bearer ${await token('registry', 'hr', { agencyId: claim })}` } })).statusCode, 200, `agencyId ${JSON.stringify(claim)}`)
  }
  const aud = await app.inject({ method: 'GET', url: '/v1/users', headers: { authorization: `Bearer ${await token('other')}` } })
  assertProblem(t, aud, 401, 'INVALID_TOKEN')
  const hr = await app.inject({ method: 'GET', url: '/v1/users', headers: { authorization: `Bearer ${await token('registry', 'hr')}` } })
  assertProblem(t, hr, 401, 'INVALID_TOKEN') // hr without agencyId is not a valid principal
})

t.test('users carry an ETag; a change needs If-Match (428 without, 412 stale), so two admins cannot silently undo each other', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  const created = await app.inject({ method: 'POST', url: '/v1/users', headers: admin, payload: { username: 'auditor.li', password: 'Long-enough-pw', role: 'admin' } })
  t.equal(created.statusCode, 201, created.body)
  t.equal(created.headers.etag, '"1"')
  const url = `/v1/users/${created.json().id as number}`
  const first = await app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': '"1"' }, payload: { disabled: true } })
  t.equal(first.statusCode, 200, first.body)
  assertProblem(t, await app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': '"1"' }, payload: { disabled: false } }), 412, 'PRECONDITION_FAILED')
  assertProblem(t, await app.inject({ method: 'PATCH', url, headers: admin, payload: { disabled: false } }), 428, 'PRECONDITION_REQUIRED')
  const now = await app.inject({ method: 'GET', url, headers: admin })
  t.match(now, { headers: { etag: '"2"' } })
  t.equal(now.json().disabled, true, 'the stale re-enable did not happen')
})

t.test('a token of an account disabled or changed since it was issued is refused at once, whoever changed it', async (t) => {
  const { file, store } = fileStoreLookingPerRequest(t)
  const { app, as } = await withUser(t, { DATABASE_PATH: file }, { store })
  const admin = await as('admin')
  const login = async (password = PW) => `Bearer ${(await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', username: 'root', password } })).json().access_token as string}`
  const root = { authorization: await login() }
  const users = () => app.inject({ method: 'GET', url: '/v1/users', headers: root })
  t.equal((await users()).statusCode, 200)
  const id = ((await users()).json().items as Array<{ id: number, username: string }>).find((u) => u.username === 'root')?.id as number
  const etag = (await app.inject({ method: 'GET', url: `/v1/users/${id}`, headers: admin })).headers.etag as string
  // The password reset after a leak: the leaked token must stop working now, not in 15 minutes.
  t.equal((await app.inject({ method: 'PATCH', url: `/v1/users/${id}`, headers: { ...admin, 'if-match': etag }, payload: { password: 'Another-Horse-10' } })).statusCode, 200)
  t.match(assertProblem(t, await users(), 401, 'INVALID_TOKEN').detail, /account changed/, 'the token from before the change opens nothing')
  root.authorization = await login('Another-Horse-10')
  t.equal((await users()).statusCode, 200, 'a new token works')

  // Disabled by another process (npm run cli on the same file): seen by the next request.
  const other = openSqliteStore(file)
  t.teardown(() => other.close())
  await execute(other, 'update users set disabled = true, version = version + 1 where id = $1', id)
  assertProblem(t, await users(), 401, 'INVALID_TOKEN')
  t.equal((await app.inject({ method: 'GET', url: '/v1/users', headers: admin })).statusCode, 200, 'other accounts\' tokens are untouched')
})

t.test('a role that may not act is 403', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  const agency = { id: await queryValue<number>(app, "insert into agencies (name, uscc, kind, level, region_code, domains, path) values ('a', 'x', 'organ', 'city', '110000', '[]', '/1/') returning id") }
  for (const role of ['clerk', 'hr', 'auditor'] as const) {
    const headers = await as(role, agency.id)
    assertProblem(t, await app.inject({ method: 'GET', url: '/v1/users', headers }), 403, 'FORBIDDEN')
    assertProblem(t, await app.inject({ method: 'POST', url: '/v1/clients', headers, payload: { name: 'x', role: 'hr', agencyId: agency.id } }), 403, 'FORBIDDEN')
  }
  t.equal((await app.inject({ method: 'GET', url: '/v1/users', headers: admin })).statusCode, 200)
})

t.test('a token accepted once is refused once it expires (the verified-token cache keeps no token alive)', async (t) => {
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const { app, config } = await withUser(t, { AUTH_SIGNING_KEY: pem })
  const key = await importPKCS8(pem, 'EdDSA')
  const exp = Math.floor(Date.now() / 1000) + 3 // at least 2 s left for the checks before it expires
  const token = await new SignJWT({ role: 'admin', agencyId: null }).setProtectedHeader({ alg: 'EdDSA' }).setSubject('user:1')
    .setIssuer(config.TOKEN_ISSUER).setAudience(config.TOKEN_AUDIENCE).setIssuedAt().setExpirationTime(exp).sign(key)
  const call = () => app.inject({ method: 'GET', url: '/v1/users', headers: { authorization: `Bearer ${token}` } })
  t.equal((await call()).statusCode, 200, 'verified and remembered')
  t.equal((await call()).statusCode, 200, 'accepted again (the plugin asks the cache first; the cache is checked directly below)')
  // The cache itself, on a token service of the same configuration.
  const tokens = await createTokenService(config)
  t.equal(tokens.verified(token), undefined, 'not known before it is verified')
  t.equal((await tokens.verify(token)).sub, 'user:1')
  t.equal(tokens.verified(token)?.sub, 'user:1', 'known, without waiting, once verified')
  await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50))
  assertProblem(t, await call(), 401, 'INVALID_TOKEN')
  t.equal(tokens.verified(token), undefined, 'forgotten once expired')
})

t.test('an account check that throws (a database error) answers its own request with a 500: the others checked with it go on, nothing reaches the event loop, the server keeps answering', sqliteOnly('replaces a prepared better-sqlite3 statement of the adapter to fail as a disk does'), async (t) => {
  // tap fails on an uncaught exception or unhandled rejection: take them here to assert there are none.
  const escaped: unknown[] = []
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    const listening = process.rawListeners(event)
    process.removeAllListeners(event)
    const take = (error: unknown) => { escaped.push(error) }
    process.on(event, take)
    t.teardown(() => {
      process.removeListener(event, take)
      for (const l of listening) process.on(event, l as (error: unknown) => void)
    })
  }
  const { app, as, logs } = await buildTestApp(t)
  const subOf = (h: { authorization: string }) => Number(/^user:(\d+)$/.exec(JSON.parse(Buffer.from(h.authorization.split('.')[1]!, 'base64url').toString()).sub)![1])
  const callers = [await as('admin'), await as('admin'), await as('admin'), await as('admin')]
  const users = (h: { authorization: string }) => app.inject({ method: 'GET', url: '/v1/users', headers: h })
  for (const h of callers) t.equal((await users(h)).statusCode, 200, 'each token verified once: its next checks run in the batch itself')
  // The account read fails for chosen accounts: its statement (built by the requests above) throws
  // as better-sqlite3 does when the disk fails. Calls are grouped by the turn of the event loop
  // they are made in (a batch of checks begins in one turn; its reads follow in microtasks).
  const failing = new Set([subOf(callers[1]!)])
  const batches: number[][] = []
  let batch: number[] | undefined
  const query = await sqliteStoreOf(app).read(async (db) => once(db, accountQueryKeys.userVersion, () => { throw new Error('built by the requests above') })) as { get: (values: { id: number }) => unknown }
  const read = query.get.bind(query)
  query.get = (values) => {
    if (batch === undefined) { batches.push(batch = []); setImmediate(() => { batch = undefined }) }
    batch.push(values.id)
    if (failing.has(values.id)) throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' })
    return read(values)
  }
  const late = await as('admin') // a write: the kept account versions are read again; and a token never verified yet
  failing.add(subOf(late))
  const answers = await Promise.race([
    Promise.all([...callers, late].map(users)),
    new Promise<never>((_resolve, reject) => setTimeout(() => { reject(new Error('a request was never answered')) }, 5000))
  ])
  await new Promise((resolve) => setImmediate(resolve))
  t.same(escaped, [], 'no uncaught exception, no unhandled rejection')
  t.ok(batches.some((b) => callers.every((c) => b.includes(subOf(c)))), `the failing check ran in one batch with the others: ${JSON.stringify(batches)}`)
  for (const [i, res] of answers.entries()) {
    if (i === 1 || i === callers.length) {
      const body = assertProblem(t, res, 500, 'INTERNAL')
      t.notMatch(res.body, /disk I\/O/, 'the cause is not told')
      t.ok(logs.some((l) => l.includes(`"reqId":"${body.requestId as string}"`) && l.includes('disk I/O error')), 'the cause is logged with the request id')
    } else {
      t.equal(res.statusCode, 200, `request ${i} of the batch is answered`)
    }
  }
  failing.clear()
  for (const h of [...callers, late]) t.equal((await users(h)).statusCode, 200, 'the server goes on')
})
