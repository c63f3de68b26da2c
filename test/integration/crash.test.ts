// A crash in the middle of a large import: the server (a real process, as `npm start` runs it)
// is killed with SIGKILL while it commits an NDJSON import chunk by chunk, then started again
// on the same file. The database must hold whole chunks of the batch or none (each committed
// row with its ID-number index, audit event and change-feed event; the rows a prefix of the
// file), pass integrity_check and the audit chain check, and every answer a client got before
// the kill must still be true after the restart.
import t from 'tap'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import { testClock } from '../clock.js'
import { testConfig } from '../../src/config.js'
import { openDatabase } from '../../src/db/open.js'
import { agenciesService } from '../../src/modules/agencies/service.js'
import { startChild, stopAll, type Child } from '../../bench/proc.js'
import { ADMIN_ACTOR, distinctIdNumber, uscc } from '../fixtures.js'
import { cli } from './cli.js'

const BATCH = 30_000
const PRE = 200

const ndjson = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n'

t.teardown(stopAll)

t.test('SIGKILL in the middle of an import: whole chunks or nothing, and every earlier answer still true', async (t) => {
  const dir = t.testdir()
  const file = join(dir, 'crash.db')
  const store = openDatabase(file)
  const agency = agenciesService({ store, config: testConfig({ DATABASE_PATH: file }), clock: testClock() })
    .create(ADMIN_ACTOR, { name: '崩溃测试局', uscc: uscc(9), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  store.close()

  const password = randomBytes(12).toString('base64url')
  const env = { DATABASE_PATH: file, REGISTRY_ADMIN_USER: 'admin', REGISTRY_ADMIN_PASSWORD: password, LOG_LEVEL: 'silent' }
  const login = async (server: Child) => {
    const res = await fetch(`${server.url}/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'password', username: 'admin', password }) })
    return { authorization: `Bearer ${(await res.json() as { access_token: string }).access_token}` }
  }
  const send = (server: Child, auth: object, method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { method, headers: { ...auth, 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body }) })

  // Before the crash: answers the client keeps.
  let server = await startChild('src/server.ts', env)
  let auth = await login(server)
  const one = { name: '王小明', idNumber: distinctIdNumber(BATCH + 1), agencyId: agency.id, employeeNo: 'ONE' }
  const created = await send(server, auth, 'POST', '/v1/officers', JSON.stringify(one), { 'idempotency-key': 'crash-test-one' })
  t.equal(created.status, 201)
  const oneAnswer = await created.json() as { id: number, version: number }
  const preRows = Array.from({ length: PRE }, (_, i) => ({ name: `先导入${i}`, idNumber: distinctIdNumber(BATCH + 10 + i), agencyId: agency.id, employeeNo: `PRE-${i + 1}` }))
  const pre = await send(server, auth, 'POST', '/v1/imports/officers', ndjson(preRows), { 'content-type': 'application/x-ndjson' })
  t.equal(pre.status, 200)
  const preAnswer = await pre.json() as { status: string, created: number, results: Array<{ row: number, officerId: number }> }
  t.match(preAnswer, { status: 'committed', created: PRE })

  // The large import (all or nothing: a checking pass, then the rows committed chunk by chunk).
  const batch = Array.from({ length: BATCH }, (_, i) => ({ name: `批量${i}`, idNumber: distinctIdNumber(i), agencyId: agency.id, employeeNo: `BIG-${i + 1}` }))
  const body = ndjson(batch)
  const running = send(server, auth, 'POST', '/v1/imports/officers', body, { 'content-type': 'application/x-ndjson' }).then((r) => r.status, () => 'connection lost')
  const watch = new Database(file, { readonly: true })
  const committed = () => watch.prepare("select count(*) from officers where employee_no like 'BIG-%'").pluck().get() as number
  const deadline = Date.now() + 120_000
  while (committed() === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
  // Meanwhile the server still answers (it yields between chunks); this answer must survive too.
  const during = await send(server, auth, 'POST', '/v1/officers', JSON.stringify({ name: '李四', idNumber: distinctIdNumber(BATCH + 2), agencyId: agency.id, employeeNo: 'DURING' }))
  t.equal(during.status, 201, 'another request is answered while the import commits')
  const duringAnswer = await during.json() as { id: number }
  server.proc.kill('SIGKILL')
  await new Promise((resolve) => server.proc.once('exit', resolve))
  watch.close()
  t.equal(await running, 'connection lost', 'the import never answered')

  // After the crash, before any restart: what is on disk.
  const db = new Database(file)
  t.equal(db.pragma('integrity_check', { simple: true }), 'ok', 'integrity_check')
  const numbers = db.prepare("select cast(substr(employee_no, 5) as integer) from officers where employee_no like 'BIG-%' order by 1").pluck().all() as number[]
  const k = numbers.length
  t.ok(k > 0 && k < BATCH, `killed in the middle: ${k} of ${BATCH} rows committed`)
  t.same(numbers, Array.from({ length: k }, (_, i) => i + 1), 'the committed rows are the first k of the file, none missing')
  const whole = db.prepare(`select
      (select count(*) from officer_id_index x join officers o on o.id = x.officer_id where o.employee_no like 'BIG-%') as indexed,
      (select count(*) from audit_events a join officers o on a.entity = 'officer' and a.action = 'create' and a.entity_id = cast(o.id as text) where o.employee_no like 'BIG-%') as audited,
      (select count(*) from domain_events e join officers o on e.subject = 'officers/' || o.id where o.employee_no like 'BIG-%') as published`).get()
  t.same(whole, { indexed: k, audited: k, published: k }, 'no half-written row: each has its index entry, audit event and change-feed event')
  db.close()
  const chain = cli(file, 'audit', 'verify')
  t.equal(chain.status, 0, `the audit chain is whole: ${chain.stdout}${chain.stderr}`)

  // Restarted: every answer given before the kill is still true.
  server = await startChild('src/server.ts', env)
  t.teardown(() => server.stop())
  auth = await login(server)
  const again = await send(server, auth, 'POST', '/v1/officers', JSON.stringify(one), { 'idempotency-key': 'crash-test-one' })
  t.equal(again.status, 201, 'the retried POST replays its first answer')
  t.same(await again.json(), oneAnswer, 'the same answer, the same officer')
  const read = async (id: number) => (await send(server, auth, 'GET', `/v1/officers/${id}`)).json() as Promise<Record<string, unknown>>
  t.match(await read(oneAnswer.id), { name: one.name, idNumber: one.idNumber, employeeNo: 'ONE', status: 'active' })
  t.match(await read(duringAnswer.id), { name: '李四', employeeNo: 'DURING' }, 'the answer given during the import holds')
  const preRead = await Promise.all(preAnswer.results.map((r) => read(r.officerId)))
  t.same(preRead.map((o) => o.employeeNo), preRows.map((r) => r.employeeNo), `all ${PRE} officers of the import answered before the kill are there`)

  // Sending the same file again completes it: what was committed comes back unchanged.
  const rerun = await send(server, auth, 'POST', '/v1/imports/officers', body, { 'content-type': 'application/x-ndjson' })
  t.equal(rerun.status, 200)
  t.match(await rerun.json(), { status: 'committed', rows: BATCH, created: BATCH - k, unchanged: k, failed: 0 })
  await server.stop()
  const after = new Database(file, { readonly: true })
  t.equal(after.prepare("select count(*) from officers where employee_no like 'BIG-%'").pluck().get(), BATCH)
  after.close()
  t.equal(cli(file, 'audit', 'verify').status, 0, 'and the chain still verifies')
})
