// Deliveries: the worker (driven here with runOnce, on the app's clock) sends each subscriber the
// feed's events of its scope and types, in feed order, signed per Standard Webhooks (checked by
// a receiver with the reference algorithm), the feed's own CloudEvent as the body; a failure
// holds the head and is retried by the back-off until the window is spent, then `failing`;
// PATCH active: true resumes from the head; deliveries are listed newest first; replay resends.
import t from 'tap'
import { createServer } from 'node:http'
import { assertProblem } from '../helper.js'
import { post } from '../fixtures.js'
import { webhookWorld } from './world.js'
import { systemActor } from '../../src/modules/audit/repository.js'
import { webhookRepository } from '../../src/modules/webhooks/repository.js'

t.test('each subscriber gets the events of its scope and types, in feed order, signed, the feed\'s own CloudEvent', async (t) => {
  const w = await webhookWorld(t)
  const clerkB = await w.as('clerk', w.countyB.id)
  const all = await w.receiver()
  const onlyB = await w.receiver()
  const subAll = await w.subscribe(w.admin, all, ['*'])
  const subB = await w.subscribe(clerkB, onlyB, ['officer.registered'])
  await w.officer(w.countyB.id)
  await w.officer(w.countyC.id)
  const b2 = await w.officer(w.countyB.id)
  t.equal((await w.app.inject({ method: 'PATCH', url: `/v1/officers/${b2.id}`, headers: { ...w.admin, 'if-match': `"${b2.version}"` }, payload: { phone: '13700000000' } })).statusCode, 200)
  t.equal(await w.runOnce(), 6, '4 events to one, 2 to the other')
  const feed = (await w.get(w.admin, '/v1/events')).json().items as Array<{ id: string, type: string }>
  const newest = feed.slice(-4)
  t.same(newest.map((e) => e.type.replace('cn.gov.registry.', '')), ['officer.registered', 'officer.registered', 'officer.registered', 'officer.updated'])
  t.same(all.received.map((r) => r.body), newest.map((e) => JSON.stringify(e)), 'the admin\'s: every event, in order, the body the feed\'s item byte for byte')
  t.same(all.received.map((r) => r.id), newest.map((e) => `msg_${subAll.id}_${e.id}`), 'webhook-id per subscription and event')
  t.ok(all.received.every((r) => r.verified && r.contentType === 'application/cloudevents+json'), 'every signature verified')
  const clerksFeed = (await w.get(clerkB, '/v1/events')).json().items as Array<{ id: string, type: string }>
  t.same(onlyB.received.map((r) => r.event.id), clerksFeed.filter((e) => e.type.endsWith('officer.registered')).map((e) => e.id), 'the clerk\'s: what its own feed shows, of the type asked')
  t.same(onlyB.received.map((r) => r.event.agencyid), [w.countyB.id, w.countyB.id], 'never county C\'s')
  t.ok(onlyB.received.every((r) => r.verified))
  t.match((await w.get(clerkB, `/v1/webhooks/${subB.id}`)).json(), { status: 'active', attempts: 0, lastEventId: Number(newest[3]?.id) }, 'its cursor passed the events not for it')
  t.equal(await w.runOnce(), 0, 'nothing twice')
  await w.officer(w.countyC.id)
  t.equal(await w.runOnce(), 1, 'a later event, to the admin\'s only')
  t.equal(onlyB.received.length, 2)
})

t.test('a receiver that fails holds the head: back-off 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, hourly, then failing; resumed from the head', async (t) => {
  const w = await webhookWorld(t)
  const r = await w.receiver()
  r.answer = () => 500
  const sub = await w.subscribe(w.admin, r)
  await w.officer(w.countyB.id)
  await w.officer(w.countyB.id)
  const state = async () => (await w.get(await w.as('admin'), `/v1/webhooks/${sub.id}`)).json()
  t.equal(await w.runOnce(), 1, 'the first attempt')
  const waits: number[] = []
  for (let s = await state(); s.status === 'active'; s = await state()) {
    const wait = Date.parse(s.nextAttemptAt) - w.clock().getTime()
    waits.push(Math.round(wait / 1000))
    w.advance(wait - 1000)
    t.equal(await w.runOnce(), 0, `not before its time (attempt ${s.attempts + 1})`)
    w.advance(1000)
    t.equal(await w.runOnce(), 1, `attempt ${s.attempts + 1}`)
  }
  t.same(waits.slice(0, 8), [5, 30, 120, 600, 1800, 3600, 3600, 3600], 'the back-off')
  const failing = await state()
  t.equal(failing.status, 'failing')
  t.ok(waits.reduce((a, b) => a + b, 0) <= 24 * 3600, 'within 24 hours of the first failure')
  const ids = new Set(r.received.map((x) => x.id))
  t.equal(ids.size, 1, 'every attempt of the head carries the same webhook-id')
  t.equal(r.received.length, waits.length + 1)
  r.answer = () => 204
  w.advance(24 * 3600_000)
  t.equal(await w.runOnce(), 0, 'failing: no more attempts')
  const admin = await w.as('admin')
  const resumed = await w.app.inject({ method: 'PATCH', url: `/v1/webhooks/${sub.id}`, headers: { ...admin, 'if-match': `"${failing.version as number}"` }, payload: { active: true } })
  t.match(resumed.json(), { status: 'active', attempts: 0, failingSince: null })
  t.equal(await w.runOnce(), 2, 'resumed from the head: both events')
  const delivered = r.received.filter((x) => x.status === 204)
  t.equal(delivered[0]?.id, [...ids][0], 'the head, with its webhook-id')
  t.ok(Number(delivered[0]?.event.id) < Number(delivered[1]?.event.id), 'then the next, in order')
  const log = (await w.get(admin, `/v1/webhooks/${sub.id}/deliveries?limit=3`)).json()
  t.match(log.items, [
    { status: 'delivered', eventId: Number(delivered[1]?.event.id), attempt: 1, responseCode: 204 },
    { status: 'delivered', eventId: Number(delivered[0]?.event.id), attempt: waits.length + 2, responseCode: 204, webhookId: [...ids][0] },
    { status: 'failed', responseCode: 500, error: 'HTTP 500' }
  ], 'newest first')
  t.type(log.nextCursor, 'string')
  const rest = (await w.get(admin, `/v1/webhooks/${sub.id}/deliveries?limit=500&cursor=${log.nextCursor as string}`)).json()
  t.equal(rest.items.length, waits.length + 3 - 3)
  t.equal(rest.nextCursor, null)
  t.same(rest.items.map((d: { attempt: number }) => d.attempt), Array.from({ length: waits.length }, (_, i) => waits.length - i), 'attempts counted')
})

t.test('replay sends an event again now, with its webhook-id, logged as a new attempt; the cursor stays; not another scope\'s event', async (t) => {
  const w = await webhookWorld(t)
  const clerkB = await w.as('clerk', w.countyB.id)
  const r = await w.receiver()
  const sub = await w.subscribe(clerkB, r)
  await w.officer(w.countyB.id)
  await w.officer(w.countyC.id)
  t.equal(await w.runOnce(), 1)
  const first = r.received[0]
  const before = (await w.get(clerkB, `/v1/webhooks/${sub.id}`)).json()
  const replayed = await post(w.app, clerkB, `/v1/webhooks/${sub.id}/events/${first?.event.id as string}/replay`, {})
  t.equal(replayed.statusCode, 200, replayed.body)
  t.match(replayed.json(), { status: 'delivered', replay: true, attempt: 2, webhookId: first?.id, eventId: Number(first?.event.id), responseCode: 204 })
  t.equal(r.received.length, 2)
  t.equal(r.received[1]?.id, first?.id, 'the same webhook-id')
  t.equal(r.received[1]?.body, first?.body, 'the same body')
  t.ok(r.received[1]?.verified)
  t.same((await w.get(clerkB, `/v1/webhooks/${sub.id}`)).json().lastEventId, before.lastEventId, 'the cursor did not move')
  const countyCEvent = Number(first?.event.id) + 1
  assertProblem(t, await post(w.app, clerkB, `/v1/webhooks/${sub.id}/events/${countyCEvent}/replay`, {}), 404, 'NOT_FOUND')
  assertProblem(t, await post(w.app, clerkB, `/v1/webhooks/${sub.id}/events/999999/replay`, {}), 404, 'NOT_FOUND')
  t.equal(r.received.length, 2, 'nothing sent for them')
})

t.test('paused and deleted subscriptions get nothing; a paused one resumes where it stood', async (t) => {
  const w = await webhookWorld(t)
  const r = await w.receiver()
  const sub = await w.subscribe(w.admin, r)
  const pause = await w.app.inject({ method: 'PATCH', url: `/v1/webhooks/${sub.id}`, headers: { ...w.admin, 'if-match': '"1"' }, payload: { active: false } })
  t.equal(pause.statusCode, 200)
  await w.officer(w.countyB.id)
  t.equal(await w.runOnce(), 0, 'paused')
  t.equal((await w.app.inject({ method: 'PATCH', url: `/v1/webhooks/${sub.id}`, headers: { ...w.admin, 'if-match': '"2"' }, payload: { active: true } })).statusCode, 200)
  t.equal(await w.runOnce(), 1, 'resumed: the event made while paused')
  t.equal((await w.app.inject({ method: 'DELETE', url: `/v1/webhooks/${sub.id}`, headers: w.admin })).statusCode, 204)
  await w.officer(w.countyB.id)
  t.equal(await w.runOnce(), 0, 'deleted')
  t.equal(r.received.length, 1)
})

t.test('a receiver that does not answer in time is a failed attempt', async (t) => {
  const w = await webhookWorld(t, { WEBHOOKS_TIMEOUT_MS: 200 })
  const r = await w.receiver()
  const sub = await w.subscribe(w.admin, r)
  const slow = createServer(() => { /* never answers */ })
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', () => resolve()))
  t.teardown(() => { slow.closeAllConnections(); slow.close() })
  const port = (slow.address() as { port: number }).port
  t.equal((await w.app.inject({ method: 'PATCH', url: `/v1/webhooks/${sub.id}`, headers: { ...w.admin, 'if-match': '"1"' }, payload: { url: `http://127.0.0.1:${port}/slow` } })).statusCode, 200)
  await w.officer(w.countyB.id)
  t.equal(await w.runOnce(), 1)
  const [attempt] = (await w.get(w.admin, `/v1/webhooks/${sub.id}/deliveries`)).json().items
  t.match(attempt, { status: 'failed', responseCode: null, error: /no answer within 200 ms/ })
  t.ok(attempt.durationMs >= 150)
})

t.test('a subscription speaks for its account: once the account is disabled or moved to another agency, nothing more is sent; as it was again, it goes on', async (t) => {
  const w = await webhookWorld(t)
  const r = await w.receiver()
  const user = await w.app.services.accounts.createUser(systemActor('test'), { username: 'hook-clerk', password: 'Hook-Password-1234', role: 'clerk', agencyId: w.countyB.id })
  const login = async () => ({ authorization: `Bearer ${(await w.app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', username: 'hook-clerk', password: 'Hook-Password-1234' } })).json().access_token as string}` })
  const sub = await w.subscribe(await login(), r)
  await w.officer(w.countyB.id)
  t.equal(await w.runOnce(), 1, 'delivered while the account is enabled')
  const change = async (payload: Record<string, unknown>) => {
    const etag = (await w.get(w.admin, `/v1/users/${user.id}`)).headers.etag as string
    const res = await w.app.inject({ method: 'PATCH', url: `/v1/users/${user.id}`, headers: { ...w.admin, 'if-match': etag }, payload })
    t.equal(res.statusCode, 200, res.body)
  }
  await change({ disabled: true })
  await w.officer(w.countyB.id)
  t.equal(await w.runOnce(), 0, 'the account disabled: nothing sent')
  await change({ disabled: false })
  t.equal(await w.runOnce(), 1, 'enabled again: the event held back is sent')
  await change({ agencyId: w.countyC.id })
  await w.officer(w.countyB.id)
  t.equal(await w.runOnce(), 0, 'the account moved to county C: county B\'s events are no longer its to receive')
  const bEvent = Number(r.received[0]?.event.id)
  const replay = async () => await w.app.inject({ method: 'POST', url: `/v1/webhooks/${sub.id}/events/${bEvent}/replay`, headers: await login(), payload: {} })
  assertProblem(t, await replay(), 404, 'NOT_FOUND') // moved away: no replay of county B's events either
  await change({ agencyId: w.countyB.id })
  t.equal(await w.runOnce(), 1, 'back at county B: sent')
  t.equal((await replay()).statusCode, 200, 'and replayed')
  await change({ role: 'casework' })
  await w.officer(w.countyB.id)
  t.equal(await w.runOnce(), 0, 'demoted to casework (which may not read the feed): nothing sent')
  t.equal(r.received.length, 4)
})

t.test('the delivery log: an attempt a crash left pending is marked failed once no process can wait for it; attempts are forgotten after WEBHOOKS_DELIVERY_TTL_HOURS', async (t) => {
  const w = await webhookWorld(t, { WEBHOOKS_DELIVERY_TTL_HOURS: 48 })
  const r = await w.receiver()
  const sub = await w.subscribe(w.admin, r)
  await w.officer(w.countyB.id)
  t.equal(await w.runOnce(), 1)
  // What a server killed mid-request leaves: an attempt logged pending, never finished.
  const at = w.clock().toISOString()
  await w.app.store.write(async (db) => await webhookRepository.insertDelivery(db, { webhookId: sub.id, eventId: 1, messageId: `msg_${sub.id}_1`, eventType: 'officer.registered', attempt: 1, replay: false, at }))
  const log = async () => (await w.get(w.admin, `/v1/webhooks/${sub.id}/deliveries`)).json().items as Array<{ status: string, error: string | null }>
  t.same((await log()).map((d) => d.status), ['pending', 'delivered'])
  w.advance(3600_000) // the next tidying: an hour on, past any request's time
  await w.runOnce()
  t.match(await log(), [{ status: 'failed', error: /^interrupted/ }, { status: 'delivered' }], 'the pending attempt is failed as interrupted')
  w.advance(47 * 3600_000 + 60_000)
  await w.runOnce()
  t.same(await log(), [], 'forgotten 48 hours on')
  t.equal(r.received.length, 1)
})

t.test('an event inside a batch (attendances recorded together) can be replayed, each with its own webhook-id', async (t) => {
  const w = await webhookWorld(t)
  const r = await w.receiver()
  const sub = await w.subscribe(w.admin, r, ['training.recorded'])
  const officers = [await w.officer(w.countyB.id), await w.officer(w.countyB.id), await w.officer(w.countyC.id)]
  const training = (await post(w.app, w.admin, '/v1/trainings', { title: '批量', category: 'public_law', hours: 2, startDate: '2026-11-02', endDate: '2026-11-02', mode: 'offline', provider: '市司法局', agencyId: null })).json()
  t.equal((await post(w.app, w.admin, `/v1/trainings/${training.id as number}/attendances`, { officerIds: officers.map((o) => o.id) })).statusCode, 200)
  t.equal(await w.runOnce(), 3, 'one event per officer')
  for (const sent of r.received.slice(0, 3)) {
    const res = await post(w.app, w.admin, `/v1/webhooks/${sub.id}/events/${sent.event.id as string}/replay`, {})
    t.equal(res.statusCode, 200, `event ${sent.event.id as string}: ${res.body.slice(0, 120)}`)
  }
  t.same(r.received.slice(3).map((x) => x.id), r.received.slice(0, 3).map((x) => x.id), 'each replayed with its own webhook-id')
})

t.test('paused while a delivery is under way: that one goes out, no more after it', async (t) => {
  const w = await webhookWorld(t)
  const r = await w.receiver()
  const sub = await w.subscribe(w.admin, r)
  for (let i = 0; i < 3; i++) await w.officer(w.countyB.id)
  let paused: Promise<unknown> | undefined
  r.delayMs = 100 // the pause commits while the receiver takes its time over the first
  r.answer = () => {
    paused ??= w.app.inject({ method: 'PATCH', url: `/v1/webhooks/${sub.id}`, headers: { ...w.admin, 'if-match': '"1"' }, payload: { active: false } })
    return 204
  }
  t.equal(await w.runOnce(), 1, 'the first sent, then the drain sees the pause')
  t.equal((await paused as { statusCode: number }).statusCode, 200)
  t.equal(r.received.length, 1)
})
