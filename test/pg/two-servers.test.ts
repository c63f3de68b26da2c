// Two app servers on one PostgreSQL database behave as one (issue 22): under concurrent load
// through both, the audit chain does not fork (`audit verify`, and no two events chained to the
// same one), a consumer polling the change feed on either server in turn sees every event id,
// in order, none skipped; a departure racing a certificate issue never leaves a departed officer
// with a live card; two updates of one version never both land (If-Match); one Idempotency-Key
// sent to both servers at once does the work once. The servers are processes, as deployed.
import t from 'tap'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { startChild, stopAll, type Child } from '../../bench/proc.js'
import { BUILT, cli } from '../integration/cli.js'
import { idNumber, uscc } from '../fixtures.js'
import { shanghaiDate } from '../../src/domain/dates.js'
import { queryValue } from '../db.js'
import { openPgStore } from '../../src/db/pg/store.js'
import { migratedDatabase } from './database.js'

t.teardown(stopAll)

const N = 40

interface Answer { status: number, body: any, headers: Headers }

t.test('two servers under concurrent load: no fork, no skipped event, no departed card, no lost update, one idempotent execution', async (t) => {
  const ends: Array<() => Promise<void>> = []
  const url = await migratedDatabase(t, ends)
  const password = randomBytes(12).toString('base64url')
  const env = {
    DATABASE_URL: url,
    DATABASE_PATH: join(t.testdir(), 'unused.db'),
    AUTH_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ID_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    REGISTRY_ADMIN_PASSWORD: password,
    RATE_LIMIT_TOKEN_PER_MINUTE: '100000',
    LOG_LEVEL: 'silent'
  }
  const [a, b] = await Promise.all([startChild(BUILT.server, env), startChild(BUILT.server, env)]) as [Child, Child]
  t.teardown(async () => { await Promise.all([a.stop(), b.stop()]) })
  const signedIn = await fetch(`${a.url}/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'password', username: 'admin', password }) })
  t.equal(signedIn.status, 200, 'signed in')
  const auth = `Bearer ${(await signedIn.json() as { access_token: string }).access_token}`
  // The servers' day (their clock is the machine's), as their answer's Date header gives it.
  const today = shanghaiDate(new Date(signedIn.headers.get('date') ?? ''))
  t.equal((await fetch(`${b.url}/v1/agencies`, { headers: { authorization: auth } })).status, 200, "a token of one server is the other's too (the same signing key)")
  const call = async (server: Child, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const text = await res.text()
    return { status: res.status, body: text === '' ? null : JSON.parse(text), headers: res.headers }
  }
  const agency = await call(a, 'POST', '/v1/agencies', { name: '双服务器测试局', uscc: uscc(1), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  t.equal(agency.status, 201, JSON.stringify(agency.body))
  const agencyId = agency.body.id as number
  t.equal((await call(b, 'POST', `/v1/agencies/${agencyId}/confirmations`, { year: Number(today.slice(0, 4)), announcementNo: '测试〔1〕号', date: today })).status, 201)
  const exam = await call(a, 'POST', '/v1/exams', { name: '资格考试', date: today })
  t.equal(exam.status, 201, JSON.stringify(exam.body))
  const officers: Array<{ id: number, version: number }> = []
  for (let i = 0; i < 2 * N; i++) {
    const o = await call(i % 2 === 0 ? a : b, 'POST', '/v1/officers', { name: `人员${i}`, idNumber: idNumber(i, '19900101'), agencyId })
    t.equal(o.status, 201, JSON.stringify(o.body))
    const passed = await call(i % 2 === 0 ? b : a, 'POST', `/v1/exams/${exam.body.id as number}/results`, { officerId: o.body.id, score: 90 })
    t.equal(passed.status, 201, JSON.stringify(passed.body))
    officers.push({ id: o.body.id, version: (await call(a, 'GET', `/v1/officers/${o.body.id as number}`)).body.version })
  }

  // A consumer of the feed, polling each server in turn with the cursor it was last given,
  // while the load below runs and once it is over.
  const seen: number[] = []
  let cursor: string | undefined
  let polls = 0
  const poll = async () => {
    const page = await call(polls++ % 2 === 0 ? a : b, 'GET', `/v1/events?limit=50${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`)
    t.equal(page.status, 200, 'a poll answers')
    seen.push(...(page.body.items as Array<{ id: string }>).map((e) => Number(e.id)))
    cursor = page.body.nextCursor ?? cursor
    return (page.body.items as unknown[]).length
  }
  const load = { running: true }
  const consumer = (async () => { while (load.running) { await poll(); await new Promise((resolve) => setTimeout(resolve, 5)) } })()

  // The load, through both servers at once.
  const racing = officers.slice(0, N)
  const updated = officers.slice(N)
  const outcomes = await Promise.all([
    ...racing.map(async (o, i) => {
      const [depart, issue] = await Promise.all([
        call(i % 2 === 0 ? a : b, 'POST', `/v1/officers/${o.id}/departure`, { reason: 'resignation', date: today }),
        call(i % 2 === 0 ? b : a, 'POST', '/v1/certificates', { officerId: o.id, agencyId })
      ])
      return { depart: depart.status, issue: issue.status === 201 ? 'issued' : issue.body?.code as string }
    }),
    ...updated.map(async (o) => {
      const patch = (server: Child, employeeNo: string) => call(server, 'PATCH', `/v1/officers/${o.id}`, { employeeNo }, { 'if-match': `"${o.version}"` })
      const [x, y] = await Promise.all([patch(a, 'A'), patch(b, 'B')])
      return { patched: [x.status, y.status].sort().join(',') }
    }),
    ...Array.from({ length: 10 }, async (_, i) => {
      const body = { name: `幂等${i}`, idNumber: idNumber(1000 + i, '19910101'), agencyId }
      const key = { 'idempotency-key': `two-servers-${i}` }
      const [x, y] = await Promise.all([call(a, 'POST', '/v1/officers', body, key), call(b, 'POST', '/v1/officers', body, key)])
      return { idempotent: [x.status, y.status].sort().join(','), replayed: [x, y].filter((r) => r.headers.get('idempotent-replayed') === 'true').length }
    })
  ])
  load.running = false
  await consumer
  while (await poll() > 0) { /* the rest of the feed */ }

  const departures = outcomes.filter((o) => 'depart' in o)
  t.ok(departures.every((o) => o.depart === 200), 'every departure succeeded')
  t.ok(departures.every((o) => o.issue === 'issued' || o.issue === 'OFFICER_DEPARTED'), `each issue won or was refused as departed: ${JSON.stringify(departures.map((o) => o.issue))}`)
  const store = await openPgStore(url, { migrate: false, poolSize: 1 })
  ends.push(() => store.end())
  t.equal(await queryValue(store, `select count(*) from certificates c join officers o on o.id = c.officer_id
    where o.status = 'departed' and c.status in ('active', 'suspended')`), 0, 'no departed officer holds a live certificate')
  const patched = outcomes.filter((o) => 'patched' in o)
  t.same(new Set(patched.map((o) => o.patched)), new Set(['200,412']), 'of two updates of one version, one landed and one was refused (412), every time')
  const idempotent = outcomes.filter((o) => 'idempotent' in o)
  t.ok(idempotent.every((o) => o.idempotent === '201,201' ? o.replayed === 1 : o.idempotent === '201,409'),
    `one key, two servers: one ran, the other replayed it or was told it is in progress: ${JSON.stringify(idempotent)}`)
  t.equal(await queryValue(store, "select count(*) from officers where name like '幂等%'"), 10, 'each keyed registration done once')

  const ids = await store.read(async (db) => (await db.$client.query<{ id: number }>('select id from domain_events order by id')).rows.map((r) => r.id))
  t.ok(ids.length > 4 * N, `${ids.length} events in the feed`)
  t.same(seen, ids, `the consumer, polling both servers ${polls} times, saw every event once, in order`)
  t.equal(await queryValue(store, 'select count(*) - count(distinct prev_hash) from audit_events'), 0, 'no two audit events chained to the same one')
  const verify = cli({ databasePath: join(t.testdir(), 'unused.db'), env: { DATABASE_URL: url } }, 'audit', 'verify')
  t.equal(verify.status, 0, verify.stderr)
  t.match(verify.stdout, /^audit chain ok: \d+ events/)
})
