// Imports as jobs (Prefer: respond-async, RFC 7240): 202 with Location at once, the job's status
// and progress while it runs, the synchronous call's answer when it ends; the caller's only; and
// a job a crash interrupted is failed at the next start, nothing of it applied, and can be sent again.
// engine: sqlite-only in part — the end-to-end restart reads the SIGKILLed server's file with better-sqlite3
// machine date: not read — the server it restarts imports rows without dates (birth dates decades back); what is asserted is the job and its rows, not a day
import t from 'tap'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import Database from 'better-sqlite3'
import type { FastifyInstance } from 'fastify'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { thisProcess } from '../../src/process-identity.js'
import { startChild, stopAll, type Child } from '../../bench/proc.js'
import { assertProblem, buildTestApp } from '../helper.js'
import { ADMIN_ACTOR, createAgency, distinctIdNumber, uscc } from '../fixtures.js'
import { scopeOf } from '../../src/db/scope.js'
import { testClock } from '../clock.js'
import { registry } from '../core/setup.js'
import { BUILT, cliWithInput } from './cli.js'
import { serverRegistry } from './server-registry.js'
import { ENGINE, execute, queryColumn, queryValue, queryRow, sqliteOnly } from '../db.js'

type Headers = { authorization: string }
const ndjson = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n'
const officers = (n: number, agencyId: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ name: `任务${from + i}`, idNumber: distinctIdNumber(from + i), agencyId, employeeNo: `JOB-${from + i}` }))

async function importAsync (app: FastifyInstance, headers: Headers, body: string, query = '') {
  return app.inject({ method: 'POST', url: `/v1/imports/officers${query}`, headers: { ...headers, 'content-type': 'application/x-ndjson', prefer: 'respond-async' }, payload: body })
}

/** Polls the job until it has ended; every state seen on the way. */
async function untilEnded (app: FastifyInstance, headers: Headers, location: string) {
  const seen: Array<{ status: string, progress: { rows: number, checked: number, applied: number } }> = []
  for (;;) {
    const res = await app.inject({ method: 'GET', url: location, headers })
    if (res.statusCode !== 200) throw new Error(`${location}: ${res.statusCode} ${res.body}`)
    const job = res.json()
    seen.push({ status: job.status, progress: job.progress })
    if (job.status === 'done' || job.status === 'failed') return { job, seen }
    await sleep(2)
  }
}

t.test('Prefer: respond-async answers 202 with Location at once; the job runs, shows its progress, and ends with the synchronous answer', async (t) => {
  const { app, admin, countyB } = await registry(t)
  // On PostgreSQL, a few round trips a row: a fifth of the rows still runs long enough to be seen.
  const ROWS = ENGINE === 'pg' ? 600 : 3000
  const rows = officers(ROWS, countyB.id)
  const res = await importAsync(app, admin, ndjson(rows))
  t.equal(res.statusCode, 202, res.body.slice(0, 300))
  t.equal(res.headers['preference-applied'], 'respond-async')
  const location = res.headers.location as string
  t.match(location, /^\/v1\/imports\/\d+$/)
  t.match(res.json(), { id: Number(location.split('/').pop()), kind: 'officers', status: 'queued', partial: false, dryRun: false })
  t.equal(await queryValue(app, "select count(*) from officers where employee_no like 'JOB-%'"), 0, 'nothing written when the 202 leaves')

  const { job, seen } = await untilEnded(app, admin, location)
  t.equal(job.status, 'done')
  t.match(job.result, { status: 'committed', rows: ROWS, created: ROWS, failed: 0, committedRows: ROWS }, 'the result the synchronous call gives')
  t.equal(job.result.results.length, ROWS, 'a result per row')
  t.ok(job.result.results.every((r: { officerId?: number }) => typeof r.officerId === 'number'), 'each created row with its officer id')
  t.same(job.progress, { rows: ROWS, checked: ROWS, applied: ROWS })
  t.ok(job.startedAt !== null && job.finishedAt !== null)
  t.ok(seen.some((s) => s.status === 'running'), 'seen running on the way')
  const progressed = seen.filter((s) => s.status === 'running').map((s) => s.progress.checked + s.progress.applied)
  t.same(progressed, [...progressed].sort((a, b) => a - b), 'progress only moves on')
  t.equal(await queryValue(app, "select count(*) from officers where employee_no like 'JOB-%'"), ROWS)

  const sync = await app.inject({ method: 'POST', url: '/v1/imports/officers', headers: { ...admin, 'content-type': 'application/x-ndjson' }, payload: ndjson(rows) })
  t.match(sync.json(), { status: 'committed', rows: ROWS, unchanged: ROWS }, 'the same file again, synchronously: unchanged')
})

t.test('a job is its caller\'s only: 404 for another caller, even an admin; and an unknown id is 404', async (t) => {
  const { app, admin, as, countyB } = await registry(t)
  const hr = await as('hr', countyB.id)
  const res = await importAsync(app, hr, ndjson(officers(10, countyB.id)))
  t.equal(res.statusCode, 202)
  const location = res.headers.location as string
  await untilEnded(app, hr, location)
  assertProblem(t, await app.inject({ method: 'GET', url: location, headers: await as('hr', countyB.id) }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ method: 'GET', url: location, headers: admin }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/imports/999999', headers: hr }), 404, 'NOT_FOUND')
  t.equal((await app.inject({ method: 'GET', url: location, headers: hr })).statusCode, 200)
})

t.test('a job that ended is kept IMPORT_JOB_TTL_HOURS, then forgotten (404) when the next job is sent', async (t) => {
  let hoursOn = 0
  const clock = testClock()
  const { app, as } = await buildTestApp(t, { IMPORT_JOB_TTL_HOURS: 2, TOKEN_TTL_SECONDS: 86400 }, { clock: () => new Date(clock().getTime() + hoursOn * 3600_000) })
  const admin = await as('admin')
  const agency = await createAgency(app, admin, {})
  const send = async (from: number) => {
    const res = await importAsync(app, admin, ndjson(officers(5, agency.id, from)))
    t.equal(res.statusCode, 202, res.body.slice(0, 200))
    return res.headers.location as string
  }
  const first = await send(0)
  t.equal((await untilEnded(app, admin, first)).job.status, 'done')
  hoursOn = 1
  const second = await send(100)
  await untilEnded(app, admin, second)
  t.equal((await app.inject({ method: 'GET', url: first, headers: admin })).statusCode, 200, 'an hour after it ended: still there')
  // The second sent long before it ended: kept from its end, not from when it was sent.
  t.equal(await execute(app, "update import_jobs set created_at = '2025-01-01T00:00:00.000Z' where id = $1", Number(second.split('/').pop())), 1)
  hoursOn = 2.5
  const third = await send(200)
  assertProblem(t, await app.inject({ method: 'GET', url: first, headers: admin }), 404, 'NOT_FOUND')
  t.equal((await app.inject({ method: 'GET', url: second, headers: admin })).statusCode, 200, 'the one that ended 1.5 hours before is kept')
  t.match((await untilEnded(app, admin, third)).job, { status: 'done', result: { created: 5 } }, 'and the new one runs as ever')
})

t.test('one caller has at most 5 jobs waiting (503 with Retry-After, others still served); a job runs as its caller: an account disabled after sending fails its jobs before they apply anything', async (t) => {
  const { app, admin, as, countyB } = await registry(t)
  const created = await app.inject({ method: 'POST', url: '/v1/users', headers: admin, payload: { username: 'hr-leaving', password: 'Leaving-Soon-2026', role: 'hr', agencyId: countyB.id } })
  t.equal(created.statusCode, 201, created.body)
  const login = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', username: 'hr-leaving', password: 'Leaving-Soon-2026' } })
  const hr = { authorization: `Bearer ${login.json().access_token as string}` }
  // Queued in one turn of the event loop, so none has started yet: a big file first, then five
  // of the HR system's, which wait behind it while the sixth is sent.
  const principal = { ...await app.services.accounts.authenticateUser('hr-leaving', 'Leaving-Soon-2026'), via: 'user' as const }
  const hrActor = { principal, scope: scopeOf(principal), requestId: 'test' }
  const file = (rows: object[]) => ({ format: 'ndjson' as const, body: Buffer.from(ndjson(rows)), partial: false, dryRun: false })
  // Big enough to still be applying while the rest is sent and checked: on PostgreSQL, a few
  // round trips a row, a tenth of SQLite's.
  const aheadStarted = app.services.imports.startJob(ADMIN_ACTOR, 'officers', file(officers(ENGINE === 'pg' ? 500 : 5000, countyB.id)))
  const behindStarted = Array.from({ length: 5 }, (_, i) => app.services.imports.startJob(hrActor, 'officers', file(officers(5, countyB.id, 90_000 + 10 * i))))
  const ahead = await aheadStarted
  const behind = (await Promise.all(behindStarted)).map((job) => `/v1/imports/${job.id}`)
  const sixth = await importAsync(app, hr, ndjson(officers(5, countyB.id, 90_050)))
  assertProblem(t, sixth, 503, 'SERVICE_UNAVAILABLE')
  t.equal(sixth.headers['retry-after'], '60', 'told when to come back')
  t.match(sixth.json().detail, /5 of your imports are waiting/)
  // Disabled while the big file still applies: the five have not started.
  t.same(await queryColumn(app, `select status from import_jobs where id in (${behind.map((l) => Number(l.split('/').pop())).join(', ')})`), Array(5).fill('queued'), 'the five wait')
  // Through the service, so that it is in line for the writer before the five, however the turns
  // fall: the five start one after another once the big file is done, and a request's write
  // queued once the big file has committed could come after the first of them.
  const disabled = await app.services.accounts.updateUser(ADMIN_ACTOR, created.json().id as number, { disabled: true })
  t.equal(disabled.disabled, true)
  const other = await importAsync(app, await as('hr', countyB.id), ndjson(officers(1, countyB.id, 95_000)))
  t.equal(other.statusCode, 202, 'another caller is still served')
  await app.services.imports.jobsIdle()
  t.equal(await queryValue(app, 'select status from import_jobs where id = $1', ahead.id), 'done', 'the big file was imported')
  for (const location of behind) {
    const row = await queryRow<{ status: string, error: string }>(app, 'select status, error from import_jobs where id = $1', Number(location.split('/').pop()))
    t.equal(row?.status, 'failed')
    t.match(JSON.parse(row?.error ?? 'null'), { code: 'INVALID_TOKEN', detail: /disabled or changed before it ran/ })
  }
  t.equal(await queryValue(app, "select count(*) from officers where employee_no like 'JOB-900__'"), 0, 'nothing of them applied')
  assertProblem(t, await app.inject({ method: 'GET', url: behind[0] as string, headers: hr }), 401, 'INVALID_TOKEN')
})

t.test('a job whose file has bad rows fails with the synchronous call\'s problem and every row\'s result; nothing is written', async (t) => {
  const { app, admin, countyB } = await registry(t)
  const rows: object[] = officers(50, countyB.id)
  const good = distinctIdNumber(777)
  rows.push({ name: '坏行', idNumber: good.slice(0, 17) + (good[17] === '0' ? '1' : '0'), agencyId: countyB.id })
  const res = await importAsync(app, admin, ndjson(rows))
  const { job } = await untilEnded(app, admin, res.headers.location as string)
  t.equal(job.status, 'failed')
  t.match(job.error, { code: 'IMPORT_REJECTED', detail: /1 of 51 rows/ })
  t.match(job.result, { status: 'rejected', rows: 51, failed: 1 })
  t.match(job.result.results[50], { row: 51, outcome: 'error', errors: [{ code: 'ID_NUMBER_INVALID', pointer: '/idNumber' }] })
  t.equal(await queryValue(app, "select count(*) from officers where employee_no like 'JOB-%'"), 0)
})

t.test('a job that fails inside the service ends failed (INTERNAL, nothing applied), and the log says what it was', async (t) => {
  const { app, admin, countyB, logs } = await registry(t)
  const store = app.store as { writeInTurns: typeof app.store.writeInTurns }
  const real = store.writeInTurns
  store.writeInTurns = async () => { throw new Error('the disk is full') }
  t.teardown(() => { store.writeInTurns = real })
  const res = await importAsync(app, admin, ndjson(officers(3, countyB.id)))
  const { job } = await untilEnded(app, admin, res.headers.location as string)
  t.equal(job.status, 'failed')
  t.match(job.error, { code: 'INTERNAL', detail: /nothing of it was applied/ })
  t.notMatch(JSON.stringify(job), /disk is full/, 'the caller is not told the service\'s insides')
  const line = logs.map((l) => JSON.parse(l) as { msg?: string, level?: number, job?: number, err?: { message?: string } }).find((l) => l.msg === 'import job failed')
  t.match(line, { level: 50, job: job.id, err: { message: 'the disk is full' } }, 'the operator is')
  t.equal(await queryValue(app, "select count(*) from officers where employee_no like 'JOB-%'"), 0)
})

t.test('dry-run and partial jobs end as their synchronous calls do', async (t) => {
  const { app, admin, countyB } = await registry(t)
  const rows: object[] = officers(20, countyB.id)
  rows.push({ name: '坏行', idNumber: '123', agencyId: countyB.id })
  const dry = await untilEnded(app, admin, (await importAsync(app, admin, ndjson(rows), '?dryRun=true')).headers.location as string)
  t.match(dry.job, { status: 'done', dryRun: true, result: { status: 'validated', created: 20, failed: 1 } })
  const partial = await untilEnded(app, admin, (await importAsync(app, admin, ndjson(rows), '?partial=true')).headers.location as string)
  t.match(partial.job, { status: 'done', partial: true, result: { status: 'committed', created: 20, failed: 1, committedRows: 20 } })
  t.equal(await queryValue(app, "select count(*) from officers where employee_no like 'JOB-%'"), 20)
})

t.test('at start, a job left queued or running by a process that is gone is failed, nothing of it applied; one a live process holds is left to it', async (t) => {
  const file = join(t.testdir(), 'jobs.db')
  const store = openSqliteStore({ DATABASE_PATH: file })
  t.teardown(() => store.close())
  const insert = (status: string, holder: string) => queryValue<number>(store, `insert into import_jobs (principal, kind, status, holder, created_at)
    values ('user:1', 'officers', $1, $2, '2026-12-01T02:00:00.000Z') returning id`, status, holder)
  const gone = await insert('running', '999999999:1@no-such-boot')
  const waiting = await insert('queued', '999999999')
  const live = await insert('running', thisProcess())
  await buildTestApp(t, { DATABASE_PATH: file }, { store })
  const status = (id: number) => queryRow<{ status: string, error: string | null }>(store, 'select status, error from import_jobs where id = $1', id)
  t.match(await status(gone), { status: 'failed', error: /IMPORT_JOB_INTERRUPTED/ })
  t.match(await status(waiting), { status: 'failed', error: /IMPORT_JOB_INTERRUPTED/ })
  t.match(await status(live), { status: 'running', error: null }, 'a job of a process still running is its own')
})

t.teardown(stopAll)

t.test('end to end over a restart: a job killed with its server shows failed with why, nothing applied, and the file sent again completes', sqliteOnly('reads the file of a server it SIGKILLs, with better-sqlite3'), async (t) => {
  const { file, agency, env, login } = await serverRegistry(t, '任务测试局', 12)
  const body = ndjson(officers(8000, agency.id))
  const submit = (server: Child, authorization: string) => fetch(`${server.url}/v1/imports/officers`, {
    method: 'POST', headers: { authorization, 'content-type': 'application/x-ndjson', prefer: 'respond-async' }, body
  })

  let server = await startChild(BUILT.server, env)
  let authorization = await login(server)
  const accepted = await submit(server, authorization)
  t.equal(accepted.status, 202)
  const location = accepted.headers.get('location') as string
  // Killed once the job has begun to apply its rows (it is running, and rows have been applied
  // in its one transaction).
  const watch = new Database(file, { readonly: true })
  for (let status = ''; status !== 'running';) {
    status = (watch.prepare('select status from import_jobs where id = ?').pluck().get(Number(location.split('/').pop())) as string | undefined) ?? ''
    await sleep(2)
  }
  let progress = { applied: 0 }
  while (progress.applied === 0) {
    progress = (await (await fetch(`${server.url}${location}`, { headers: { authorization } })).json() as { progress: { applied: number } }).progress
  }
  server.proc.kill('SIGKILL')
  await new Promise((resolve) => server.proc.once('exit', resolve))
  watch.close()

  server = await startChild(BUILT.server, env)
  t.teardown(() => server.stop())
  authorization = await login(server)
  const after = await (await fetch(`${server.url}${location}`, { headers: { authorization } })).json() as { status: string, error: { code: string, detail: string } }
  t.match(after, { status: 'failed', error: { code: 'IMPORT_JOB_INTERRUPTED', detail: /nothing of it was applied/ } }, 'failed, and says why')
  const count = () => {
    const db = new Database(file, { readonly: true })
    try { return db.prepare("select count(*) from officers where employee_no like 'JOB-%'").pluck().get() as number } finally { db.close() }
  }
  t.equal(count(), 0, 'nothing of it was applied')

  const again = await submit(server, authorization)
  t.equal(again.status, 202)
  const againLocation = again.headers.get('location') as string
  // While it applies its rows (one transaction: the server holds the write lock), a command
  // writes to the same file: it waits for the lock instead of failing "database is locked".
  const jobNow = async () => (await (await fetch(`${server.url}${againLocation}`, { headers: { authorization } })).json()) as { status: string, progress: { applied: number } }
  let applying = await jobNow()
  while (applying.progress.applied === 0 && applying.status !== 'done') applying = await jobNow()
  t.equal(applying.status, 'running', 'the command starts while the job applies its rows')
  const command = cliWithInput(file, 'Clerk-Password-2026\n', 'user', 'add', '--username', 'during-import', '--role', 'clerk', '--agency', String(agency.id))
  t.equal(command.status, 0, `a command writing during the import succeeds: ${command.stdout}${command.stderr}`)
  let job = { status: 'queued', result: {} }
  for (const deadline = Date.now() + 120_000; job.status !== 'done' && job.status !== 'failed' && Date.now() < deadline; await sleep(20)) {
    job = await (await fetch(`${server.url}${againLocation}`, { headers: { authorization } })).json() as typeof job
  }
  t.match(job, { status: 'done', result: { status: 'committed', created: 8000 } }, 'sent again, it completes')
  t.equal(count(), 8000)
})

t.test('closing while another bulk write holds the lock: the running job ends, the waiting one is failed (after that write: no "database is locked")', async (t) => {
  const file = join(t.testdir(), 'closing.db')
  const store = openSqliteStore({ DATABASE_PATH: file })
  t.teardown(() => store.close())
  const { app, as } = await buildTestApp(t, { DATABASE_PATH: file }, { store })
  const admin = await as('admin')
  const agency = (await app.inject({ method: 'POST', url: '/v1/agencies', headers: admin, payload: { name: '关闭测试局', uscc: uscc(31), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] } })).json() as { id: number }
  const first = (await importAsync(app, admin, ndjson(officers(4000, agency.id)))).headers.location as string
  const second = (await importAsync(app, admin, ndjson(officers(10, agency.id, 5000)))).headers.location as string
  // Once the first job applies its rows (it holds the writer), a bulk write of the test's own (as
  // a request's import does) queues behind it: it takes the lock the moment the job ends, and
  // holds it while closing fails the second job.
  for (let job = { progress: { applied: 0 } }; job.progress.applied === 0; await sleep(1)) job = (await app.inject({ method: 'GET', url: first, headers: admin })).json()
  const state = { go: false }
  const other = store.writeInTurns(async (_db, turn) => { while (!state.go) await turn() })
  const closed = app.close()
  // Closing waits for the running job to end, then fails the waiting one with a write that
  // queues behind the test's: let that go once the running job is seen done.
  const status = (location: string) => queryRow<{ status: string, error: string | null }>(store, 'select status, error from import_jobs where id = $1', Number(location.split('/').pop()))
  while ((await status(first))?.status !== 'done') await sleep(5)
  state.go = true
  await other
  await t.resolves(closed, 'closes, no "database is locked"')
  t.equal((await status(first))?.status, 'done', 'the running job ended')
  t.match(await status(second), { status: 'failed', error: /IMPORT_JOB_INTERRUPTED/ }, 'the waiting one is failed, to be sent again')
})
