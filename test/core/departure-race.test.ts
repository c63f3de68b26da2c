// engine: sqlite-only — two better-sqlite3 connections racing on one file; on PostgreSQL two servers race in test/pg/two-servers.test.ts
import t from 'tap'
import { join } from 'node:path'
import { tsWorker } from '../workers.js'
import { TEST_NOW, testClock } from '../clock.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { testConfig } from '../../src/config.js'
import { shanghaiDate, yearOf } from '../../src/domain/dates.js'
import { agenciesService } from '../../src/modules/agencies/service.js'
import { officersService } from '../../src/modules/officers/service.js'
import { examsService } from '../../src/modules/exams/service.js'
import { ADMIN_ACTOR, idNumber, uscc } from '../fixtures.js'
import { queryValue } from '../db.js'

const N = 60

t.test('departure and issue racing on two connections never leave a departed officer with a live certificate', async (t) => {
  const file = join(t.testdir(), 'race.db')
  const store = openSqliteStore({ DATABASE_PATH: file })
  const ctx = { store, config: testConfig({ DATABASE_PATH: file }), clock: testClock() }
  const agency = await agenciesService(ctx).create(ADMIN_ACTOR, { name: '竞态测试局', uscc: uscc(1), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  await agenciesService(ctx).confirm(ADMIN_ACTOR, agency.id, { year: yearOf(shanghaiDate(TEST_NOW)), announcementNo: '测试〔1〕号', date: shanghaiDate(TEST_NOW) })
  const exam = await examsService(ctx).create(ADMIN_ACTOR, { name: '资格考试', date: '2026-01-01' })
  const officerIds: number[] = []
  for (let i = 0; i < N; i++) {
    const o = await officersService(ctx).register(ADMIN_ACTOR, { name: `人员${i}`, idNumber: idNumber(i, '19900101'), agencyId: agency.id })
    await examsService(ctx).recordResult(ADMIN_ACTOR, exam.id, { officerId: o.id, score: 90 })
    officerIds.push(o.id)
  }
  const barrier = new SharedArrayBuffer(4)
  const run = (op: 'issue' | 'depart') => new Promise<Record<string, number>>((resolve, reject) => {
    const w = tsWorker(new URL('./race-worker.ts', import.meta.url), { workerData: { file, op, officerIds, agencyId: agency.id, barrier } })
    w.once('message', resolve)
    w.once('error', reject)
  })
  const [issued, departed] = await Promise.all([run('issue'), run('depart')])
  t.equal(departed.ok, N, 'every departure succeeded')
  t.equal((issued.ok ?? 0) + (issued.OFFICER_DEPARTED ?? 0), N, `each issue either won or was refused as departed: ${JSON.stringify(issued)}`)
  const broken = await queryValue(store, `select count(*) from certificates c join officers o on o.id = c.officer_id
    where o.status = 'departed' and c.status in ('active', 'suspended')`)
  t.equal(broken, 0, 'no departed officer holds a live certificate')
  const cancelled = await queryValue(store, "select count(*) from certificates where status = 'cancelled'")
  t.equal(cancelled, issued.ok ?? 0, 'every certificate that was issued first was cancelled by the departure')
  const recalls = await queryValue(store, "select count(*) from card_recalls where status = 'open'")
  t.equal(recalls, cancelled, 'and each has its card recall open')
  t.comment(`issue outcomes ${JSON.stringify(issued)}`)
  store.close()
})
