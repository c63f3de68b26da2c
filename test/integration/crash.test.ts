// A crash in the middle of a large import: the server (a real process, as `npm start` runs it)
// is killed with SIGKILL while it applies a 20,000-row all-or-nothing import (one transaction),
// then started again on the same file. None of the rows may exist, the file must pass
// integrity_check and the audit chain check, every answer a client got before the kill must
// still be true, and the retry with the same Idempotency-Key (held by the killed process) must
// run at once and complete. A reader polling the file meanwhile never sees a part of the import.
// engine: sqlite-only — recovery of a SIGKILLed server's SQLite file: integrity_check, a reader polling the file with better-sqlite3
// machine date: not read — the server it kills imports rows without dates; what is asserted is what survives the kill, not a day
import t from 'tap'
import Database from 'better-sqlite3'
import { startChild, stopAll, type Child } from '../../bench/proc.js'
import { distinctIdNumber } from '../fixtures.js'
import { BUILT, cli } from './cli.js'
import { serverRegistry } from './server-registry.js'

const BATCH = 20_000
const PRE = 200
const KEY = 'hr-import-2026-12'

const ndjson = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.teardown(stopAll)

t.test('SIGKILL while a 20,000-row import applies: none of it, every earlier answer still true, and the retry with its key runs at once', async (t) => {
  const { file, agency, env, login: signIn } = await serverRegistry(t, '崩溃测试局', 9)
  const login = async (server: Child) => ({ authorization: await signIn(server) })
  const send = (server: Child, auth: object, method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { method, headers: { ...auth, 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body }) })

  // Before the crash: answers the client keeps.
  let server = await startChild(BUILT.server, env)
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

  // The large import: checked (reading only), then applied in one transaction, which holds the
  // write lock from its BEGIN IMMEDIATE to its COMMIT: when a probe cannot take that lock, the
  // import is applying, and the server is killed. A reader on the file polls all along.
  const batch = Array.from({ length: BATCH }, (_, i) => ({ name: `批量${i}`, idNumber: distinctIdNumber(i), agencyId: agency.id, employeeNo: `BIG-${i + 1}` }))
  const body = ndjson(batch)
  const running = send(server, auth, 'POST', '/v1/imports/officers', body, { 'content-type': 'application/x-ndjson', 'idempotency-key': KEY }).then((r) => r.status, () => 'connection lost')
  const watch = new Database(file, { readonly: true })
  const probe = new Database(file)
  probe.pragma('busy_timeout = 0')
  const applying = () => {
    try {
      probe.exec('begin immediate')
      probe.exec('rollback')
      return false
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err
      return true
    }
  }
  const seen = new Set<number>()
  const count = () => watch.prepare("select count(*) from officers where employee_no like 'BIG-%'").pluck().get() as number
  const state = { answered: false }
  running.then(() => { state.answered = true }, () => { state.answered = true })
  // A short write (the Idempotency-Key's reservation) also holds the lock, for well under a
  // millisecond: applying is the lock held for 100 ms on end.
  const deadline = Date.now() + 120_000
  for (let busySince = 0; !state.answered && Date.now() < deadline; await sleep(2)) {
    seen.add(count())
    if (!applying()) busySince = 0
    else if (busySince === 0) busySince = Date.now()
    else if (Date.now() - busySince >= 100) break
  }
  t.notOk(state.answered, 'the import had not answered when it began to apply')
  seen.add(count())
  // Meanwhile the server still answers a read (it takes turns with the import).
  const during = await send(server, auth, 'GET', `/v1/officers/${oneAnswer.id}`)
  t.equal(during.status, 200, 'a read is answered while the import applies')
  seen.add(count())
  t.ok(applying(), 'still applying (holding the write lock)')
  server.proc.kill('SIGKILL')
  await new Promise((resolve) => server.proc.once('exit', resolve))
  probe.close()
  watch.close()
  t.equal(await running, 'connection lost', 'the import never answered')
  t.same([...seen], [0], 'the reader never saw a row of it')

  // After the crash, before any restart: what is on disk.
  const db = new Database(file)
  t.equal(db.pragma('integrity_check', { simple: true }), 'ok', 'integrity_check')
  t.equal(db.prepare("select count(*) from officers where employee_no like 'BIG-%'").pluck().get(), 0, 'none of the 20,000 rows exists')
  const key = db.prepare('select state, holder from idempotency_keys where key = ?').get(KEY) as { state: string, holder: string } | undefined
  t.equal(key?.state, 'running', 'its Idempotency-Key was left held')
  t.match(key?.holder, new RegExp(`^${server.pid}\\b`), 'by the killed process')
  db.close()
  const chain = cli(file, 'audit', 'verify')
  t.equal(chain.status, 0, `the audit chain is whole: ${chain.stdout}${chain.stderr}`)

  // Restarted: every answer given before the kill is still true.
  server = await startChild(BUILT.server, env)
  t.teardown(() => server.stop())
  auth = await login(server)
  const again = await send(server, auth, 'POST', '/v1/officers', JSON.stringify(one), { 'idempotency-key': 'crash-test-one' })
  t.equal(again.status, 201, 'the retried POST replays its first answer')
  t.same(await again.json(), oneAnswer, 'the same answer, the same officer')
  const read = async (id: number) => (await send(server, auth, 'GET', `/v1/officers/${id}`)).json() as Promise<Record<string, unknown>>
  t.match(await read(oneAnswer.id), { name: one.name, idNumber: one.idNumber, employeeNo: 'ONE', status: 'active' })
  const preRead = await Promise.all(preAnswer.results.map((r) => read(r.officerId)))
  t.same(preRead.map((o) => o.employeeNo), preRows.map((r) => r.employeeNo), `all ${PRE} officers of the import answered before the kill are there`)

  // The same request with the same Idempotency-Key runs again at once (the key held by the
  // killed process was released at start) and completes.
  const rerun = await send(server, auth, 'POST', '/v1/imports/officers', body, { 'content-type': 'application/x-ndjson', 'idempotency-key': KEY })
  t.equal(rerun.status, 200, 'not 409 IDEMPOTENCY_IN_PROGRESS')
  t.notOk(rerun.headers.get('idempotent-replayed'), 'it ran again, it was no replay')
  t.match(await rerun.json(), { status: 'committed', rows: BATCH, created: BATCH, failed: 0 })
  await server.stop()
  const after = new Database(file, { readonly: true })
  t.equal(after.prepare("select count(*) from officers where employee_no like 'BIG-%'").pluck().get(), BATCH)
  after.close()
  t.equal(cli(file, 'audit', 'verify').status, 0, 'and the chain still verifies')
})
