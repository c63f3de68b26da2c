// Abuse limits over HTTP: rate limits on the token endpoint and the public check, the back-off
// after failed sign-ins, security headers, and the size limits on what a request may carry.
import t from 'tap'
import { systemActor } from '../../src/modules/audit/repository.js'
import { assertProblem, buildTestApp } from '../helper.js'

const PASSWORD = 'Right-Password-1234'
const token = (username: string, password: string, remoteAddress = '127.0.0.1') =>
  ({ method: 'POST' as const, url: '/v1/auth/token', remoteAddress, payload: { grant_type: 'password', username, password } })

t.test('after five failed sign-ins the account is refused, even with the right password, for a delay that grows', async (t) => {
  let now = new Date('2026-05-01T02:00:00Z')
  const { app } = await buildTestApp(t, { LOG_LEVEL: 'silent' }, { clock: () => now })
  await app.services.accounts.createUser(systemActor('test'), { username: 'clerk-li', password: PASSWORD, role: 'admin' })
  for (let i = 0; i < 5; i++) assertProblem(t, await app.inject(token('clerk-li', `wrong-${i}-password`)), 400, 'INVALID_GRANT')
  const locked = await app.inject(token('clerk-li', PASSWORD))
  const body = assertProblem(t, locked, 429, 'RATE_LIMITED')
  t.equal(locked.headers['retry-after'], '60', 'Retry-After: the first lockout')
  t.match(body.detail, /登录失败次数过多/)
  assertProblem(t, await app.inject(token('CLERK-LI', PASSWORD)), 429, 'RATE_LIMITED')

  now = new Date(now.getTime() + 61_000)
  assertProblem(t, await app.inject(token('clerk-li', 'still-wrong-password')), 400, 'INVALID_GRANT')
  const again = await app.inject(token('clerk-li', PASSWORD))
  assertProblem(t, again, 429, 'RATE_LIMITED')
  t.equal(again.headers['retry-after'], '120', 'the next failure locks twice as long')

  now = new Date(now.getTime() + 121_000)
  t.equal((await app.inject(token('clerk-li', PASSWORD))).statusCode, 200, 'the right password once the lock ends')
  for (let i = 0; i < 4; i++) assertProblem(t, await app.inject(token('clerk-li', `wrong-${i}-password`)), 400, 'INVALID_GRANT')
  t.equal((await app.inject(token('clerk-li', PASSWORD))).statusCode, 200, 'a success started the count again')
})

t.test('unknown names and machine clients lock the same way', async (t) => {
  const { app } = await buildTestApp(t, { LOG_LEVEL: 'silent' })
  for (let i = 0; i < 5; i++) assertProblem(t, await app.inject(token('nobody-here', 'some-password')), 400, 'INVALID_GRANT')
  assertProblem(t, await app.inject(token('nobody-here', 'some-password')), 429, 'RATE_LIMITED')
  const client = { grant_type: 'client_credentials', client_id: 'hr-unknown', client_secret: 'x' }
  for (let i = 0; i < 5; i++) assertProblem(t, await app.inject({ method: 'POST', url: '/v1/auth/token', payload: client }), 400, 'INVALID_GRANT')
  const basic = Buffer.from('hr-unknown:x').toString('base64')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/auth/token', headers: { authorization: `Basic ${basic}` }, payload: { grant_type: 'client_credentials' } }), 429, 'RATE_LIMITED')
})

t.test('the token endpoint is rate-limited per address and per account name', async (t) => {
  const { app } = await buildTestApp(t, { LOG_LEVEL: 'silent', RATE_LIMIT_TOKEN_PER_MINUTE: 3, LOGIN_MAX_FAILURES: 100 })
  await app.services.accounts.createUser(systemActor('test'), { username: 'hr-wang', password: PASSWORD, role: 'admin' })
  for (let i = 0; i < 3; i++) t.equal((await app.inject(token('hr-wang', PASSWORD, '10.0.0.1'))).statusCode, 200)
  const perIp = await app.inject(token('someone-else', PASSWORD, '10.0.0.1'))
  assertProblem(t, perIp, 429, 'RATE_LIMITED')
  t.ok(Number(perIp.headers['retry-after']) > 0, 'Retry-After')
  const perAccount = await app.inject(token('hr-wang', PASSWORD, '10.0.0.2'))
  assertProblem(t, perAccount, 429, 'RATE_LIMITED')
  t.match(perAccount.json().detail, /for this account/, 'the account\'s own budget, whatever the address')
  t.equal((await app.inject(token('hr-wang-2', 'wrong-password', '10.0.0.3'))).statusCode, 400, 'another account from another address is unaffected')
})

t.test('the public check is rate-limited per address; other routes are not', async (t) => {
  const { app, as } = await buildTestApp(t, { LOG_LEVEL: 'silent', RATE_LIMIT_VERIFY_PER_MINUTE: 2 })
  const admin = await as('admin')
  for (let i = 0; i < 2; i++) t.equal((await app.inject({ method: 'GET', url: '/v1/verify/14080220200999990', remoteAddress: '10.1.1.1' })).statusCode < 429, true)
  const limited = await app.inject({ method: 'GET', url: '/v1/verify/14080220200999990', remoteAddress: '10.1.1.1' })
  assertProblem(t, limited, 429, 'RATE_LIMITED')
  t.ok(Number(limited.headers['retry-after']) > 0)
  t.equal((await app.inject({ method: 'GET', url: '/v1/verify/14080220200999990', remoteAddress: '10.1.1.2' })).statusCode < 429, true, 'another address has its own budget')
  for (let i = 0; i < 5; i++) t.equal((await app.inject({ method: 'GET', url: '/v1/agencies', headers: admin })).statusCode, 200)
})

t.test('security headers on every answer; the API still answers problem+json', async (t) => {
  const { app } = await buildTestApp(t, { LOG_LEVEL: 'silent' })
  for (const url of ['/healthz', '/v1/agencies', '/v1/nothing-here', '/docs/static/index.html']) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${url}: nosniff`)
    t.equal(res.headers['x-frame-options'], 'SAMEORIGIN', `${url}: no framing by others`)
    t.match(res.headers['content-security-policy'], /default-src 'self'/, `${url}: a CSP`)
    t.match(res.headers['content-security-policy'], /frame-ancestors 'none'/)
    t.notMatch(res.headers['content-security-policy'], /upgrade-insecure-requests/, 'the plain-HTTP default still works')
    t.match(res.headers['strict-transport-security'], /max-age=/)
    t.equal(res.headers['referrer-policy'], 'no-referrer')
  }
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/agencies' }), 401, 'UNAUTHENTICATED')
})

t.test('size limits: body, URL parameter and headers', async (t) => {
  const { app } = await buildTestApp(t, { LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: 2048, MAX_HEADER_BYTES: 4096 })
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', username: 'x', password: 'y'.repeat(4000) } }), 413, 'PAYLOAD_TOO_LARGE')
  const long = await app.inject({ method: 'GET', url: `/v1/verify/${'1'.repeat(500)}` })
  t.ok(long.statusCode >= 400 && long.statusCode < 500, `an over-long parameter is refused (${long.statusCode})`)
  t.match(long.headers['content-type'], /problem\+json/)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const big = await fetch(`${url}/healthz`, { headers: { 'x-filler': 'a'.repeat(8000) } })
  t.equal(big.status, 431, 'headers over MAX_HEADER_BYTES: 431')
  t.equal((await fetch(`${url}/healthz`)).status, 200, 'a normal request still passes')
})

t.test('behind a trusted proxy the budget is per forwarded client; otherwise X-Forwarded-For is ignored', async (t) => {
  const check = (app: Awaited<ReturnType<typeof buildTestApp>>['app'], client: string) =>
    app.inject({ method: 'GET', url: '/v1/verify/14080220200999990', remoteAddress: '10.9.9.9', headers: { 'x-forwarded-for': client } })
  const proxied = await buildTestApp(t, { LOG_LEVEL: 'silent', RATE_LIMIT_VERIFY_PER_MINUTE: 1, TRUST_PROXY: '10.9.9.9' })
  t.not((await check(proxied.app, '203.0.113.1')).statusCode, 429)
  t.not((await check(proxied.app, '203.0.113.2')).statusCode, 429, 'another client behind the same proxy')
  t.equal((await check(proxied.app, '203.0.113.1')).statusCode, 429, 'the first client again')
  const direct = await buildTestApp(t, { LOG_LEVEL: 'silent', RATE_LIMIT_VERIFY_PER_MINUTE: 1 })
  t.not((await check(direct.app, '203.0.113.1')).statusCode, 429)
  t.equal((await check(direct.app, '203.0.113.2')).statusCode, 429, 'a forged X-Forwarded-For does not buy a new budget')
})
