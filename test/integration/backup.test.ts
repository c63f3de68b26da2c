// Online backup: `npm run cli -- backup FILE` copies the database while another connection
// keeps committing, and the copy is whole: integrity_check ok, its audit chain intact.
// engine: sqlite-only — SQLite's online backup of the file and PRAGMAs on the copy
// machine date: not read — the backup command copies the file and checks it: nothing it does reads the day
import t from 'tap'
import { join } from 'node:path'
import { existsSync } from 'node:fs'
import { tsWorker } from '../workers.js'
import Database from 'better-sqlite3'
import { testClock } from '../clock.js'
import { testConfig } from '../../src/config.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { agenciesService } from '../../src/modules/agencies/service.js'
import { officersService } from '../../src/modules/officers/service.js'
import { ADMIN_ACTOR, idNumber, uscc } from '../fixtures.js'
import { cli } from './cli.js'

const SEEDED = 900

t.test('a backup taken while another connection writes is consistent and passes integrity_check', async (t) => {
  const dir = t.testdir()
  const file = join(dir, 'live.db')
  const store = openSqliteStore({ DATABASE_PATH: file })
  const ctx = { store, config: testConfig({ DATABASE_PATH: file }), clock: testClock() }
  const agency = await agenciesService(ctx).create(ADMIN_ACTOR, { name: '备份测试局', uscc: uscc(7), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  // Enough pages that the copy takes more than one step (one transaction: quick to set up).
  const officers = officersService(ctx)
  // A transaction each, not synced to disk one by one (quick to set up; the copy is what is tested).
  store.sqlite.pragma('synchronous = OFF')
  for (let i = 0; i < SEEDED; i++) await officers.register(ADMIN_ACTOR, { name: `人员${i}`, idNumber: idNumber(i, '19700101'), agencyId: agency.id })
  store.close()

  const shared = new SharedArrayBuffer(8)
  const state = new Int32Array(shared)
  const worker = tsWorker(new URL('./writer-worker.ts', import.meta.url), { workerData: { file, agencyId: agency.id, shared } })
  const done = new Promise<number>((resolve, reject) => {
    worker.on('message', (m) => { if (typeof m === 'number') resolve(m) })
    worker.once('error', reject)
  })
  await new Promise<void>((resolve) => worker.once('message', () => resolve()))
  while (Atomics.load(state, 1) < 10) await new Promise((resolve) => setTimeout(resolve, 10))

  const target = join(dir, 'copy.db')
  const before = Atomics.load(state, 1)
  const r = cli(file, 'backup', target)
  const during = Atomics.load(state, 1) - before
  Atomics.store(state, 0, 1)
  const written = await done
  t.equal(r.status, 0, r.stderr)
  t.match(r.stdout, /integrity ok/)
  t.ok(during > 0, `the other connection committed ${during} times while the backup ran`)

  const copy = new Database(target, { readonly: true })
  t.equal(copy.pragma('integrity_check', { simple: true }), 'ok')
  t.equal(copy.pragma('journal_mode', { simple: true }), 'delete', 'the copy is one self-contained file')
  const copied = copy.prepare('select count(*) from officers').pluck().get() as number
  copy.close()
  t.ok(copied >= SEEDED && copied <= SEEDED + written, `${copied} officers copied of ${SEEDED + written}`)
  t.notOk(existsSync(`${target}.partial`), 'no partial file left behind')
  const verify = cli(target, 'audit', 'verify')
  t.equal(verify.status, 0, `the copy's audit chain is whole: ${verify.stdout}${verify.stderr}`)

  const again = cli(file, 'backup', target)
  t.equal(again.status, 2, 'an existing file is not overwritten')
  t.match(again.stderr, /exists/)
  t.equal(cli(file, 'backup', target, '--force').status, 0, 'unless --force')
})
