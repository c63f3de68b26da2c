// Idempotent retries: a retried POST with the same Idempotency-Key never does the work twice.
import t from 'tap'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { Type } from 'typebox'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { ACCESS } from '../../src/security/roles.js'
import { thisProcess } from '../../src/process-identity.js'
import { assertProblem, buildTestApp } from '../helper.js'
import { createAgency, idNumber } from '../fixtures.js'
import { inlineRefs } from '../security/fixtures/routes.js'
import { registry } from '../core/setup.js'
import { BOOT_ID, deadPid, startOf } from '../processes.js'
import { ENGINE, queryValue, queryColumn, execute, type Queryable } from '../db.js'

t.test('a retried create answers the first response again and registers the officer once', async (t) => {
  const { app, admin, countyB } = await registry(t)
  const before = await queryValue<number>(app, 'select count(*) from officers')
  const payload = { name: '李四', idNumber: idNumber(501), agencyId: countyB.id }
  const headers = { ...admin, 'idempotency-key': 'hr-batch-7-row-1' }
  const first = await app.inject({ method: 'POST', url: '/v1/officers', headers, payload })
  t.equal(first.statusCode, 201)
  t.notOk(first.headers['idempotent-replayed'], 'the first answer is not a replay')
  const again = await app.inject({ method: 'POST', url: '/v1/officers', headers, payload })
  t.equal(again.statusCode, 201, 'the retry gets the first status')
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.equal(again.body, first.body, 'and the first body, byte for byte')
  t.equal(again.headers['content-type'], first.headers['content-type'])
  t.not(again.headers['x-request-id'], first.headers['x-request-id'], 'the retry is its own request')
  t.equal(await queryValue<number>(app, 'select count(*) from officers'), before + 1, 'one officer row')
  t.equal(await queryValue(app, "select count(*) from audit_events where entity = 'officer' and action = 'create'"), 1, 'one audit event')

  const other = await app.inject({ method: 'POST', url: '/v1/officers', headers, payload: { ...payload, name: '王五' } })
  assertProblem(t, other, 422, 'IDEMPOTENCY_KEY_REUSED')
  const elsewhere = await app.inject({ method: 'POST', url: `/v1/officers/${first.json().id as number}/departure`, headers, payload: { reason: 'retirement', date: '2026-01-05' } })
  assertProblem(t, elsewhere, 422, 'IDEMPOTENCY_KEY_REUSED')
  t.equal(await queryValue<number>(app, 'select count(*) from officers'), before + 1, 'still one officer row')
  t.equal(await queryValue(app, 'select status from officers where id = $1', first.json().id), 'active', 'the departure under a reused key did not run')
})

t.test('keys belong to the caller: another caller with the same key runs its own request', async (t) => {
  const { app, as } = await buildTestApp(t)
  const a = await as('admin')
  const b = await as('admin')
  const agency = await createAgency(app, a)
  // The same USCC again: refused, a business answer worth storing.
  const payload = { name: '乙局', uscc: agency.uscc, kind: 'organ', level: 'county', regionCode: '140802', domains: ['市场监管'] }
  const first = await app.inject({ method: 'POST', url: '/v1/agencies', headers: { ...a, 'idempotency-key': 'k1' }, payload })
  assertProblem(t, first, 409, 'USCC_TAKEN')
  const replay = await app.inject({ method: 'POST', url: '/v1/agencies', headers: { ...a, 'idempotency-key': 'k1' }, payload })
  t.equal(replay.statusCode, 409, 'a business refusal is stored and replayed')
  t.equal(replay.headers['idempotent-replayed'], 'true')
  t.equal(replay.body, first.body)
  const theirs = await app.inject({ method: 'POST', url: '/v1/agencies', headers: { ...b, 'idempotency-key': 'k1' }, payload })
  t.equal(theirs.statusCode, 409)
  t.notOk(theirs.headers['idempotent-replayed'], 'the other caller\'s request ran')
})

t.test('headers of the first answer come back: the ETag of a lookup', async (t) => {
  const { app, admin, countyB, officer } = await registry(t)
  const o = await officer(countyB.id)
  const headers = { ...admin, 'idempotency-key': 'lookup-1' }
  const first = await app.inject({ method: 'POST', url: '/v1/officers/lookup', headers, payload: { idNumber: o.idNumber } })
  t.equal(first.statusCode, 200)
  t.ok(first.headers.etag)
  const again = await app.inject({ method: 'POST', url: '/v1/officers/lookup', headers, payload: { idNumber: o.idNumber } })
  t.equal(again.headers.etag, first.headers.etag)
  t.equal(again.headers['idempotent-replayed'], 'true')
})

t.test('a 5xx is not stored: the retry runs again; a retry while the first runs is 409', async (t) => {
  const ctx = await buildTestApp(t, { LOG_LEVEL: 'silent' })
  const { app } = ctx
  let calls = 0
  let release = (): void => {}
  let entered = (): void => {}
  const inHandler = new Promise<void>((resolve) => { entered = resolve })
  app.post('/v1/test/flaky', {
    config: { access: ACCESS.personnel },
    schema: { body: Type.Object({ n: Type.Integer() }), response: { 201: Type.Object({ calls: Type.Integer() }) } }
  }, async (req, reply) => {
    calls++
    if (calls === 1) throw new Error('database on fire')
    if ((req.body as { n: number }).n === 2) {
      entered()
      await new Promise<void>((resolve) => { release = resolve })
    }
    return reply.code(201).send({ calls })
  })
  const hr = await ctx.as('admin')
  const send = (key: string, n: number) => app.inject({ method: 'POST', url: '/v1/test/flaky', headers: { ...hr, 'idempotency-key': key }, payload: { n } })

  assertProblem(t, await send('a', 1), 500, 'INTERNAL')
  const second = await send('a', 1)
  t.equal(second.statusCode, 201, 'after a 5xx the key is free again')
  t.same(second.json(), { calls: 2 })
  t.notOk(second.headers['idempotent-replayed'])
  const third = await send('a', 1)
  t.same(third.json(), { calls: 2 }, 'and now stored')
  t.equal(third.headers['idempotent-replayed'], 'true')

  const slow = send('b', 2)
  await inHandler
  assertProblem(t, await send('b', 2), 409, 'IDEMPOTENCY_IN_PROGRESS')
  assertProblem(t, await send('b', 3), 422, 'IDEMPOTENCY_KEY_REUSED')
  release()
  const done = await slow
  t.equal(done.statusCode, 201)
  const after = await send('b', 2)
  t.equal(after.headers['idempotent-replayed'], 'true')
  t.equal(after.body, done.body)
  t.equal(calls, 3, 'the handler ran three times in all')
})

t.test('ten simultaneous retries create one officer', async (t) => {
  const { app, admin, countyB } = await registry(t)
  const before = await queryValue<number>(app, 'select count(*) from officers')
  const payload = { name: '赵六', idNumber: idNumber(777), agencyId: countyB.id }
  const answers = await Promise.all(Array.from({ length: 10 }, () =>
    app.inject({ method: 'POST', url: '/v1/officers', headers: { ...admin, 'idempotency-key': 'burst' }, payload })))
  const created = answers.filter((r) => r.statusCode === 201)
  t.ok(created.length >= 1, `${created.length} answered 201`)
  t.ok(answers.every((r) => r.statusCode === 201 || (r.statusCode === 409 && r.json().code === 'IDEMPOTENCY_IN_PROGRESS')),
    answers.map((r) => r.statusCode).join(','))
  t.equal(new Set(created.map((r) => r.json().id)).size, 1, 'every 201 names the same officer')
  t.equal(await queryValue<number>(app, 'select count(*) from officers'), before + 1, 'one row')
})

t.test('stored answers survive a restart', async (t) => {
  const file = join(t.testdir(), 'registry.db')
  const first = await buildTestApp(t, { DATABASE_PATH: file })
  const admin = await first.as('admin')
  const agency = await createAgency(first.app, admin)
  const payload = { name: '钱七', idNumber: idNumber(901), agencyId: agency.id }
  const headers = { ...admin, 'idempotency-key': 'before-restart' }
  const original = await first.app.inject({ method: 'POST', url: '/v1/officers', headers, payload })
  t.equal(original.statusCode, 201)
  await first.app.close()

  const second = await buildTestApp(t, { DATABASE_PATH: file })
  const retried = await second.app.inject({ method: 'POST', url: '/v1/officers', headers, payload })
  t.equal(retried.statusCode, 201)
  t.equal(retried.headers['idempotent-replayed'], 'true')
  t.equal(retried.body, original.body)
  t.equal(await queryValue<number>(second.app, 'select count(*) from officers'), 1)
})

t.test('keys expire after IDEMPOTENCY_TTL_HOURS and are purged', async (t) => {
  let now = new Date('2026-03-02T02:00:00Z')
  const store = openSqliteStore({ DATABASE_PATH: ':memory:' })
  t.teardown(() => store.close())
  const ctx = await buildTestApp(t, { IDEMPOTENCY_TTL_HOURS: 2 }, { store, clock: () => now })
  const admin = await ctx.as('admin')
  const agency = await createAgency(ctx.app, admin)
  const payload = { name: '孙八', idNumber: idNumber(902), agencyId: agency.id }
  const headers = { ...admin, 'idempotency-key': 'ttl' }
  t.equal((await ctx.app.inject({ method: 'POST', url: '/v1/officers', headers, payload })).statusCode, 201)
  now = new Date('2026-03-02T03:59:00Z')
  t.equal((await ctx.app.inject({ method: 'POST', url: '/v1/officers', headers, payload })).headers['idempotent-replayed'], 'true', 'replayed within the TTL')
  now = new Date('2026-03-02T04:00:01Z')
  const late = await ctx.app.inject({ method: 'POST', url: '/v1/officers', headers, payload })
  assertProblem(t, late, 409, 'ID_NUMBER_TAKEN')
  t.notOk(late.headers['idempotent-replayed'], 'after the TTL the request runs again (and meets the business rule)')
  now = new Date('2026-03-02T07:00:00Z')
  await ctx.app.inject({ method: 'POST', url: '/v1/officers', headers: { ...admin, 'idempotency-key': 'other' }, payload: { ...payload, idNumber: idNumber(903) } })
  const keys = await queryColumn(store, 'select key from idempotency_keys order by key')
  t.same(keys, ['other'], 'expired keys are purged when the next key is reserved')
})

t.test('the header is declared on authenticated POSTs only, and a malformed key is a 400', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  const doc = inlineRefs((await app.inject({ method: 'GET', url: '/openapi.json' })).json())
  const header = (op: { parameters?: Array<{ in: string, name: string }> }) => (op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'idempotency-key')
  t.ok(header(doc.paths['/v1/officers'].post), 'POST /v1/officers declares Idempotency-Key')
  t.ok(header(doc.paths['/v1/officers/{id}/departure'].post), 'and so does an action')
  t.notOk(header(doc.paths['/v1/auth/token'].post), 'the public token endpoint does not')
  t.notOk(header(doc.paths['/v1/officers/{id}'].patch), 'nor a PATCH')
  t.ok(doc.paths['/v1/officers'].post.responses['422'] && doc.paths['/v1/officers'].post.responses['409'], '409 and 422 are in the response map')
  const agency = { name: '丙局', uscc: '111408020000000017', kind: 'organ', level: 'county', regionCode: '140802', domains: ['市场监管'] }
  const bad = await app.inject({ method: 'POST', url: '/v1/agencies', headers: { ...admin, 'idempotency-key': 'x'.repeat(300) }, payload: agency })
  t.same(assertProblem(t, bad, 400, 'VALIDATION_FAILED').errors, [{ in: 'headers', pointer: '/idempotency-key', detail: 'idempotency-key 最多 255 个字符 / idempotency-key takes at most 255 characters' }])
  t.equal(await queryValue(app, 'select count(*) from agencies'), 0, 'nothing created')
  const token = await app.inject({ method: 'POST', url: '/v1/auth/token', headers: { 'idempotency-key': 'ignored' }, payload: { grant_type: 'password', username: 'nobody', password: 'wrong-password' } })
  t.notOk(token.headers['idempotent-replayed'])
  t.equal(await queryValue(app, 'select count(*) from idempotency_keys'), 0, 'nothing reserved for them')
})

// Holders as src/process-identity.ts names them (test/processes.ts).
const bootId = BOOT_ID

/** A running reservation as another process would have written it. */
async function insertRunning (store: Queryable, key: string, holder: string | null, extra: { principal?: string, requestHash?: string, state?: string } = {}) {
  const values = [extra.principal ?? 'user:1', key, extra.requestHash ?? 'h', extra.state ?? 'running', `token-${key}`,
    '2999-01-01T00:00:00.000Z', holder, '2026-12-01T00:00:00.000Z', '2999-01-01T00:00:00.000Z']
  await execute(store, `insert into idempotency_keys (principal, key, request_hash, state, token, lease_until, holder, created_at, expires_at)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, ...values)
}

t.test('at start, a reservation left running by a process that is gone is released; one whose holder lives is kept', async (t) => {
  const store = openSqliteStore({ DATABASE_PATH: ':memory:' })
  t.teardown(() => store.close())
  const parent = process.ppid // alive: it runs this test
  const gone = deadPid()
  const holders: Record<string, string | null> = {
    'gone-pid': `${gone}:${startOf(process.pid)}@${bootId}`,
    'pid-reused': `${parent}:${Number(startOf(parent)) + 1}@${bootId}`, // the pid lives, another process than the holder
    'before-reboot': `${parent}:${startOf(parent)}@00000000-0000-0000-0000-000000000000`,
    'gone-pid-only': String(gone), // where no /proc told the start time
    'live-other': `${parent}:${startOf(parent)}@${bootId}`, // a second server, the CLI
    'live-pid-only': String(parent),
    'this-process': thisProcess(),
    'no-holder': null // written before holders were kept: its lease decides
  }
  for (const [key, holder] of Object.entries(holders)) await insertRunning(store, key, holder)
  await insertRunning(store, 'done-by-gone', String(gone), { state: 'done' })
  const { logs } = await buildTestApp(t, {}, { store })
  const left = await queryColumn(store, 'select key from idempotency_keys order by key')
  t.same(left, ['done-by-gone', 'live-other', 'live-pid-only', 'no-holder', 'this-process'], 'the reservations of processes that are gone are released; answers stay')
  t.ok(logs.some((l) => l.includes('"released":4')), 'and the release is logged')
})

t.test('a retry that meets a reservation whose holder is gone takes it over at once (on PostgreSQL it waits for the lease: the holder may be a server elsewhere); one whose holder lives is 409', async (t) => {
  const { app, as } = await buildTestApp(t, { LOG_LEVEL: 'silent' })
  const admin = await as('admin')
  const agency = await createAgency(app, admin)
  const principal = JSON.parse(Buffer.from(admin.authorization.split('.')[1]!, 'base64url').toString()).sub as string
  const send = (key: string, n: number) => {
    const payload = JSON.stringify({ name: '周九', idNumber: idNumber(910 + n), agencyId: agency.id })
    const requestHash = createHash('sha256').update('POST /v1/officers\n').update(payload).digest('hex')
    return { requestHash, sent: () => app.inject({ method: 'POST', url: '/v1/officers', headers: { ...admin, 'idempotency-key': key, 'content-type': 'application/json' }, payload }) }
  }
  const crashed = send('crashed', 1)
  await insertRunning(app.store, 'crashed', `${deadPid()}:1@${bootId}`, { principal, requestHash: crashed.requestHash }) // died after this server started
  const retried = await crashed.sent()
  if (ENGINE === 'pg') {
    assertProblem(t, retried, 409, 'IDEMPOTENCY_IN_PROGRESS')
  } else {
    t.equal(retried.statusCode, 201, retried.body)
    t.notOk(retried.headers['idempotent-replayed'], 'it ran')
    t.equal((await crashed.sent()).headers['idempotent-replayed'], 'true', 'and its answer is now the key\'s')
  }
  const busy = send('busy', 2)
  await insertRunning(app.store, 'busy', `${process.ppid}:${startOf(process.ppid)}@${bootId}`, { principal, requestHash: busy.requestHash })
  assertProblem(t, await busy.sent(), 409, 'IDEMPOTENCY_IN_PROGRESS')
  t.equal(await queryValue<number>(app, 'select count(*) from officers'), ENGINE === 'pg' ? 0 : 1, 'only the retry of the crashed request ran (on SQLite)')
})
