// Webhooks end to end with the server as a process (as `npm start` runs it): a receiver on
// 127.0.0.1 checks every signature; it is stopped mid-stream, comes back answering 500 for a
// while, and the server is SIGKILLed mid-stream and started again: every event still arrives,
// in feed order, at least once, each event's attempts under one webhook-id. Back-off shortened
// by the settings. On SQLite a file, on PostgreSQL (TEST_ENGINE=pg) a database of its own.
// machine date: not read — the officers it registers carry no dates; signatures' timestamps are checked against the same machine clock the server reads
import t from 'tap'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startChild, stopAll, type Child } from '../../bench/proc.js'
import { BUILT } from '../integration/cli.js'
import { idNumber, uscc } from '../fixtures.js'
import { ENGINE } from '../db.js'
import { migratedDatabase } from '../pg/database.js'
import { startReceiver, type Received, type Receiver } from './receiver.js'

t.teardown(stopAll)

async function until (what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

t.test('receiver down, then 500s, then the server SIGKILLed mid-stream: every event arrives, in order, signed, one webhook-id each', async (t) => {
  const password = randomBytes(12).toString('base64url')
  const env: Record<string, string> = {
    DATABASE_PATH: join(t.testdir(), 'registry.db'),
    REGISTRY_ADMIN_PASSWORD: password,
    RATE_LIMIT_TOKEN_PER_MINUTE: '100000',
    LOG_LEVEL: 'silent',
    WEBHOOKS_ALLOW_HTTP_LOOPBACK: 'true',
    WEBHOOKS_POLL_MS: '50',
    WEBHOOKS_RETRY_BASE_MS: '5',
    WEBHOOKS_TIMEOUT_MS: '3000'
  }
  if (ENGINE === 'pg') {
    const ends: Array<() => Promise<void>> = []
    Object.assign(env, {
      DATABASE_URL: await migratedDatabase(t, ends),
      AUTH_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      ID_ENCRYPTION_KEY: randomBytes(32).toString('base64')
    })
  }
  let server: Child = await startChild(BUILT.server, env)
  t.teardown(async () => { await server.stop() })
  const login = async () => {
    const res = await fetch(`${server.url}/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'password', username: 'admin', password }) })
    return `Bearer ${(await res.json() as { access_token: string }).access_token}`
  }
  let auth = await login()
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    return { status: res.status, body: await res.json() as any }
  }
  const agency = await call('POST', '/v1/agencies', { name: '回调测试局', uscc: uscc(31), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  t.equal(agency.status, 201)
  let seq = 0
  const register = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const res = await call('POST', '/v1/officers', { name: `回调${++seq}`, idNumber: idNumber(seq), agencyId: agency.body.id })
      if (res.status !== 201) throw new Error(JSON.stringify(res.body))
    }
  }

  const receivers: Receiver[] = [await startReceiver()]
  t.teardown(async () => { for (const r of receivers) await r.close().catch(() => {}) })
  const first = receivers[0] as Receiver
  const sub = await call('POST', '/v1/webhooks', { url: first.url, events: ['officer.*'] })
  t.equal(sub.status, 201, JSON.stringify(sub.body))
  first.secret = sub.body.secret
  const all = (): Received[] => receivers.flatMap((r) => r.received)
  const delivered = () => new Set(all().filter((r) => r.status < 300).map((r) => r.event.id))

  // 1. A first stream, delivered as it comes.
  await register(10)
  await until('the first 10', () => delivered().size === 10)

  // 2. The receiver goes away; events go on; it comes back answering 500 twice, then 204.
  await first.close()
  await register(10)
  await sleep(400)
  const refused = (await call('GET', `/v1/webhooks/${sub.body.id as number}/deliveries?limit=5`)).body.items
  t.match(refused[0], { status: 'failed', responseCode: null, error: /ECONNREFUSED/ }, 'attempts while it was away failed')
  const again = await startReceiver(Date.now, first.port)
  again.secret = first.secret
  let refusals = 2
  again.answer = () => (refusals-- > 0 ? 500 : 204)
  receivers.push(again)
  await until('the next 10 after the 500s', () => delivered().size === 20)
  t.ok(again.received.filter((r) => r.status === 500).length === 2, 'it answered 500 twice')

  // 3. The server is killed while it delivers a stream (the receiver answers slowly), then started again.
  again.delayMs = 60
  await register(20)
  await until('a part of the last 20', () => delivered().size >= 25)
  server.proc.kill('SIGKILL')
  await new Promise((resolve) => server.proc.once('exit', resolve))
  t.ok(delivered().size < 40, `killed mid-stream (${delivered().size} of 40 delivered)`)
  again.delayMs = 0
  server = await startChild(BUILT.server, env)
  auth = await login()
  await until('every event after the restart', () => delivered().size === 40, 20_000)

  const feed = (await call('GET', '/v1/events?limit=500')).body.items.filter((e: { type: string }) => e.type.startsWith('cn.gov.registry.officer.')) as Array<{ id: string }>
  t.equal(feed.length, 40)
  const firsts: string[] = []
  for (const r of all()) if (r.status < 300 && !firsts.includes(r.event.id)) firsts.push(r.event.id)
  t.same(firsts, feed.map((e) => e.id), 'each event delivered, first deliveries in feed order')
  // In order: no event is sent before every event ahead of it in the feed was delivered.
  const order = feed.map((e) => e.id)
  const done = new Set<string>()
  const early = all().filter((r) => { const ahead = order.slice(0, order.indexOf(r.event.id)).some((id) => !done.has(id)); if (r.status < 300) done.add(r.event.id); return ahead })
  t.same(early.map((r) => r.event.id), [], 'the head blocked the rest while it was retried')
  t.ok(all().every((r) => r.verified), 'every request carried a valid signature')
  t.ok(all().every((r) => r.id === `msg_${sub.body.id as number}_${r.event.id}`), 'one webhook-id per event, on every attempt')
  t.ok(all().every((r) => r.status >= 300 || r.contentType === 'application/cloudevents+json'))
  const dupes = all().filter((r) => r.status < 300).length - 40
  t.ok(dupes <= 1, `at most the event in flight at the kill sent twice (${dupes})`)
  await server.stop()
})
