// Webhook subscriptions: made by a principal for its own scope, the secret shown once and kept
// sealed, https only, known event types only, changed with If-Match, deleted; audited without
// the secret.
import t from 'tap'
import { assertProblem } from '../helper.js'
import { post } from '../fixtures.js'
import { queryRows, queryValue } from '../db.js'
import { webhookWorld } from './world.js'

const URL = 'https://hr.example.gov.cn/hooks/registry'

t.test('a subscription answers its secret once (whsec_), never again, and it is stored sealed, logged nowhere', async (t) => {
  const w = await webhookWorld(t)
  const res = await post(w.app, w.admin, '/v1/webhooks', { url: URL, events: ['officer.registered', 'cn.gov.registry.certificate.*'], description: '人事系统' })
  t.equal(res.statusCode, 201, res.body)
  const made = res.json()
  t.match(made.secret, /^whsec_[A-Za-z0-9+/]{43}=$/, '32 random bytes')
  t.equal(Buffer.from(made.secret.slice(6), 'base64').length, 32)
  t.equal(res.headers.location, `/v1/webhooks/${made.id as number}`)
  t.equal(res.headers.etag, '"1"')
  t.match(made, { url: URL, events: ['cn.gov.registry.officer.registered', 'cn.gov.registry.certificate.*'], description: '人事系统', active: true, status: 'active', agencyId: null, version: 1 })
  const read = await w.get(w.admin, `/v1/webhooks/${made.id as number}`)
  t.equal(read.statusCode, 200)
  t.notOk('secret' in read.json(), 'GET has no secret')
  t.equal(read.headers.etag, '"1"')
  const list = await w.get(w.admin, '/v1/webhooks')
  t.notOk(list.body.includes(made.secret) || 'secret' in list.json().items[0], 'nor the list')
  const stored = await queryValue<Buffer>(w.app, 'select secret from webhooks where id = $1', made.id)
  t.notOk(Buffer.from(stored).toString('latin1').includes(made.secret.slice(6)), 'stored sealed, not as given')
  t.notOk(w.logs.join('').includes(made.secret.slice(6)), 'no log line holds it')
  const audit = await queryRows<{ action: string, after: string | null }>(w.app, "select action, after from audit_events where entity = 'webhook' order by id")
  t.same(audit.map((a) => a.action), ['create'])
  t.notOk(JSON.stringify(audit).includes(made.secret.slice(6)), 'nor the audit trail')
})

t.test('only https URLs, but http to 127.0.0.1 when allowed; anything else 422 naming /url', async (t) => {
  const w = await webhookWorld(t, { WEBHOOKS_ALLOW_HTTP_LOOPBACK: false })
  for (const url of ['http://hr.example.gov.cn/hook', 'http://127.0.0.1:9/hook', 'ftp://hr.example.gov.cn/x', 'https://u:p@hr.example.gov.cn/']) {
    const body = assertProblem(t, await post(w.app, w.admin, '/v1/webhooks', { url, events: ['*'] }), 422, 'WEBHOOK_URL_NOT_ALLOWED')
    t.same(body.errors.map((e: { pointer: string }) => e.pointer), ['/url'], url)
  }
  const loopback = await webhookWorld(t)
  t.equal((await post(loopback.app, loopback.admin, '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['*'] })).statusCode, 201, 'allowed by WEBHOOKS_ALLOW_HTTP_LOOPBACK')
  t.equal((await post(loopback.app, loopback.admin, '/v1/webhooks', { url: 'http://localhost:9/hook', events: ['*'] })).statusCode, 201)
  assertProblem(t, await post(loopback.app, loopback.admin, '/v1/webhooks', { url: 'http://10.0.0.1/hook', events: ['*'] }), 422, 'WEBHOOK_URL_NOT_ALLOWED')
})

t.test('event types are the feed\'s, an entity\'s wildcard or *; an unknown one is 400 naming it', async (t) => {
  const w = await webhookWorld(t)
  const bad = assertProblem(t, await post(w.app, w.admin, '/v1/webhooks', { url: URL, events: ['officer.registered', 'officer.promoted'] }), 400, 'VALIDATION_FAILED')
  t.same(bad.errors.map((e: { pointer: string }) => e.pointer), ['/events/1'])
  assertProblem(t, await post(w.app, w.admin, '/v1/webhooks', { url: URL, events: ['agency.*'] }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await post(w.app, w.admin, '/v1/webhooks', { url: URL, events: [] }), 400, 'VALIDATION_FAILED')
  const all = await post(w.app, w.admin, '/v1/webhooks', { url: URL, events: ['*', 'training.recorded'] })
  t.same(all.json().events, ['*', 'cn.gov.registry.training.recorded'])
})

t.test('a subscription is its maker\'s, in its scope: another clerk does not see it, an admin does', async (t) => {
  const w = await webhookWorld(t)
  const clerkB = await w.as('clerk', w.countyB.id)
  const hrB = await w.as('hr', w.countyB.id)
  const clerkC = await w.as('clerk', w.countyC.id)
  const mine = (await post(w.app, clerkB, '/v1/webhooks', { url: URL, events: ['*'] })).json()
  t.equal(mine.agencyId, w.countyB.id, 'scoped to the maker\'s agency')
  for (const other of [clerkC, hrB]) {
    assertProblem(t, await w.get(other, `/v1/webhooks/${mine.id as number}`), 404, 'NOT_FOUND')
    t.same((await w.get(other, '/v1/webhooks')).json().items, [])
    assertProblem(t, await w.get(other, `/v1/webhooks/${mine.id as number}/deliveries`), 404, 'NOT_FOUND')
    assertProblem(t, await w.app.inject({ method: 'DELETE', url: `/v1/webhooks/${mine.id as number}`, headers: other }), 404, 'NOT_FOUND')
  }
  t.equal((await w.get(clerkB, `/v1/webhooks/${mine.id as number}`)).statusCode, 200)
  t.same((await w.get(w.admin, '/v1/webhooks')).json().items.map((i: { id: number }) => i.id), [mine.id])
  assertProblem(t, await post(w.app, await w.as('casework', w.countyB.id), '/v1/webhooks', { url: URL, events: ['*'] }), 403, 'FORBIDDEN')
})

t.test('PATCH needs If-Match: pause, change, resume; DELETE ends it; each change audited', async (t) => {
  const w = await webhookWorld(t)
  const made = (await post(w.app, w.admin, '/v1/webhooks', { url: URL, events: ['*'] })).json()
  const at = `/v1/webhooks/${made.id as number}`
  const patch = (body: object, headers: Record<string, string> = {}) => w.app.inject({ method: 'PATCH', url: at, headers: { ...w.admin, ...headers }, payload: body })
  assertProblem(t, await patch({ active: false }), 428, 'PRECONDITION_REQUIRED')
  assertProblem(t, await patch({ active: false }, { 'if-match': '"7"' }), 412, 'PRECONDITION_FAILED')
  const paused = await patch({ active: false, events: ['certificate.*'], description: '暂停' }, { 'if-match': '"1"' })
  t.equal(paused.statusCode, 200, paused.body)
  t.match(paused.json(), { active: false, status: 'paused', events: ['cn.gov.registry.certificate.*'], description: '暂停', version: 2 })
  t.equal(paused.headers.etag, '"2"')
  assertProblem(t, await patch({ url: 'http://hr.example.gov.cn/' }, { 'if-match': '"2"' }), 422, 'WEBHOOK_URL_NOT_ALLOWED')
  t.match((await patch({ active: true }, { 'if-match': '"2"' })).json(), { status: 'active', version: 3 })
  const gone = await w.app.inject({ method: 'DELETE', url: at, headers: w.admin })
  t.equal(gone.statusCode, 204)
  t.equal(gone.body, '')
  assertProblem(t, await w.get(w.admin, at), 404, 'NOT_FOUND')
  t.same(await queryRows(w.app, "select action from audit_events where entity = 'webhook' order by id"), [{ action: 'create' }, { action: 'update' }, { action: 'update' }, { action: 'delete' }])
})
