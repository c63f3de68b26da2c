// Departures and eligibility checks racing on separate connections (worker threads on one SQLite
// file, or on one PostgreSQL database): a check that began after a departure committed never
// answers `eligible` (rule 2: no window in which the officer is gone and may still act).
import t from 'tap'
import { join } from 'node:path'
import { tsWorker } from '../workers.js'
import { TEST_NOW, testClock } from '../clock.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { openPgStore } from '../../src/db/pg/store.js'
import { testConfig } from '../../src/config.js'
import { shanghaiDate, yearOf } from '../../src/domain/dates.js'
import { loadIdNumberKey } from '../../src/security/id-numbers.js'
import type { Store } from '../../src/db/store.js'
import { agenciesService } from '../../src/modules/agencies/service.js'
import { officersService } from '../../src/modules/officers/service.js'
import { examsService } from '../../src/modules/exams/service.js'
import { certificatesService } from '../../src/modules/certificates/service.js'
import { ADMIN_ACTOR, idNumber, uscc } from '../fixtures.js'
import { ENGINE } from '../db.js'
import { migratedDatabase } from '../pg/database.js'
import type { Check } from './race-worker.js'

const N = 30

t.test('an eligibility check that began after a departure committed never answers eligible', async (t) => {
  const file = join(t.testdir(), 'race.db')
  const config = testConfig({ DATABASE_PATH: file })
  const ends: Array<() => Promise<void>> = []
  const url = ENGINE === 'pg' ? await migratedDatabase(t, ends) : ''
  const pgStore = ENGINE === 'pg' ? await openPgStore(url, { migrate: false, poolSize: 2, idNumberKey: loadIdNumberKey(config) }) : undefined
  const store: Store = pgStore ?? openSqliteStore({ DATABASE_PATH: file })
  if (pgStore !== undefined) ends.push(async () => { await pgStore.end() })
  else t.teardown(() => { store.close() })
  const ctx = { store, config, clock: testClock() }
  const agency = await agenciesService(ctx).create(ADMIN_ACTOR, { name: '资格竞态测试局', uscc: uscc(7), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  await agenciesService(ctx).confirm(ADMIN_ACTOR, agency.id, { year: yearOf(shanghaiDate(TEST_NOW)), announcementNo: '测试〔7〕号', date: shanghaiDate(TEST_NOW) })
  const exam = await examsService(ctx).create(ADMIN_ACTOR, { name: '资格考试', date: '2026-01-01' })
  const officerIds: number[] = []
  for (let i = 0; i < N; i++) {
    const o = await officersService(ctx).register(ADMIN_ACTOR, { name: `人员${i}`, idNumber: idNumber(i, '19910101'), agencyId: agency.id })
    await examsService(ctx).recordResult(ADMIN_ACTOR, exam.id, { officerId: o.id, score: 90 })
    await certificatesService(ctx).issue(ADMIN_ACTOR, { officerId: o.id, agencyId: agency.id })
    officerIds.push(o.id)
  }
  const barrier = new SharedArrayBuffer(4)
  const committed = new SharedArrayBuffer(4 * N)
  const run = <T>(op: 'check' | 'depart') => new Promise<T>((resolve, reject) => {
    const w = tsWorker(new URL('./race-worker.ts', import.meta.url), { workerData: { engine: ENGINE, file, url, op, officerIds, barrier, committed } })
    w.once('message', resolve)
    w.once('error', reject)
  })
  const [checks, departures] = await Promise.all([
    run<Check[]>('check'),
    run<Array<{ officerId: number, committedAt: number }>>('depart')
  ])
  t.equal(departures.length, N, 'every departure committed')
  const after = checks.filter((c) => c.afterCommit)
  t.equal(after.length, 2 * N, 'two checks of each officer began after the departure had committed')
  t.same(after.filter((c) => c.eligible), [], 'none of them answered eligible')
  t.ok(checks.some((c) => c.eligible), `some checks ran before the departure and answered eligible (${checks.filter((c) => c.eligible).length} of ${checks.length})`)
  t.ok(officerIds.every((id) => checks.some((c) => c.officerId === id && !c.eligible)), 'every officer was seen departed')
})
