// engine: sqlite-only — the command runs as a process on a SQLite file; its checks in process run on either engine (nightly-checks.test.ts); on DATABASE_URL: test/pg/cli.test.ts
import t from 'tap'
import { dirname, join } from 'node:path'
import { testConfig } from '../../src/config.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { agenciesService } from '../../src/modules/agencies/service.js'
import { certificatesService } from '../../src/modules/certificates/service.js'
import { examsService } from '../../src/modules/exams/service.js'
import { officersService } from '../../src/modules/officers/service.js'
import { ADMIN_ACTOR as ADMIN, idNumber, uscc } from '../fixtures.js'
import { BUILT, cli } from '../integration/cli.js'
import { execute } from '../db.js'

const NOW = new Date('2026-11-20T04:00:00Z')

/** A registry file: one confirmed agency with certified officers, one unconfirmed agency,
 *  and two broken invariants written behind the service's back. */
async function registryFile (dir: string) {
  const file = join(dir, 'registry.db')
  const store = openSqliteStore({ DATABASE_PATH: file })
  const ctx = { store, config: testConfig({ DATABASE_PATH: file }), clock: () => NOW }
  const agencies = agenciesService(ctx)
  const officers = officersService(ctx)
  const exams = examsService(ctx)
  const certs = certificatesService(ctx)
  const a = await agencies.create(ADMIN, { name: '甲局', uscc: uscc(1), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  const b = await agencies.create(ADMIN, { name: '乙局', uscc: uscc(2), kind: 'organ', level: 'county', parentId: a.id, regionCode: '140802', domains: ['市场监管'] })
  await agencies.confirm(ADMIN, a.id, { year: 2026, announcementNo: '甲〔2026〕1号', date: '2026-02-01' })
  const exam = await exams.create(ADMIN, { name: '考试', date: '2026-01-10' })
  const holders = []
  for (const i of [1, 2, 3, 4]) {
    const o = await officers.register(ADMIN, { name: `人员${i}`, idNumber: idNumber(i), agencyId: a.id })
    await exams.recordResult(ADMIN, exam.id, { officerId: o.id, score: 90 })
    holders.push({ officer: o, cert: await certs.issue(ADMIN, { officerId: o.id, agencyId: a.id }) })
  }
  await officers.depart(ADMIN, holders[0]!.officer.id, { reason: 'retirement', date: '2026-11-01' })
  // The third holder's card suspended until 25 November: due for a clerk's decision after it.
  await certs.change(ADMIN, holders[2]!.cert.id, 'suspend', { reason: '调查期间', until: '2026-11-25' })
  // Behind the service's back: the second holder marked departed with the card still active.
  await execute(store, "update officers set status = 'departed' where id = $1", holders[1]!.officer.id)
  // And the fourth marked auxiliary with the card still active (the service refuses both).
  await execute(store, 'update officers set auxiliary = true where id = $1', holders[3]!.officer.id)
  // A fifth officer's departure dated ahead, as recorded before DATE_IN_FUTURE was checked.
  const leaving = await officers.register(ADMIN, { name: '人员5', idNumber: idNumber(5), agencyId: a.id })
  await officers.depart(ADMIN, leaving.id, { reason: 'resignation', date: '2026-11-10' })
  await execute(store, "update officer_moves set date = '2099-01-01' where officer_id = $1", leaving.id)
  store.close()
  return { file, a, b, holders, leaving }
}

const nightly = (file: string, ...args: string[]) => cli({ databasePath: file, entry: BUILT.nightly }, ...args)

t.test('nightly runs every check in one document; exit 3 only with --fail-on-findings; 2 on bad usage, 1 without a database', async (t) => {
  const { file, a, b, holders, leaving } = await registryFile(t.testdir())
  const run = nightly(file, '--as-of', '2026-11-20')
  t.equal(run.status, 0, run.stderr)
  const out = JSON.parse(run.stdout)
  t.equal(out.year, 2026)
  t.same(out.checks.agenciesNotConfirmed.map((r: { agencyId: number }) => r.agencyId), [b.id], 'the county is not confirmed for 2026')
  t.same(out.checks.cardsAwaitingRecall.map((r: { certificateId: number }) => r.certificateId), [holders[0]!.cert.id], 'the retired officer\'s card awaits recall')
  t.same(out.checks.departedWithLiveCertificate.map((r: { certificateId: number }) => r.certificateId), [holders[1]!.cert.id], 'the broken invariant is found')
  t.same(out.checks.auxiliaryOrPoliceWithLiveCertificate.map((r: { certificateId: number }) => r.certificateId), [holders[3]!.cert.id], 'an auxiliary holding a card is found')
  t.same(out.checks.liveCertificateWithoutPassedExam, [])
  t.match(out.checks.movesDatedAfterToday, [{ officerId: leaving.id, kind: 'departure', date: '2099-01-01' }], 'a departure dated ahead is found')
  t.equal(out.counts.movesDatedAfterToday, 1, 'and only it: the departure of 1 November has happened')
  t.same(out.checks.suspensionsOverdue, [], 'a suspension still running is not due')
  const later = JSON.parse(nightly(file, '--as-of', '2026-11-26').stdout)
  t.match(later.checks.suspensionsOverdue, [{ certificateId: holders[2]!.cert.id, status: 'suspended', suspendedUntil: '2026-11-25' }], 'its set end passed: a clerk decides (not lifted by itself)')
  t.same(out.checks.agenciesBelowReviewerRatio.map((r: { agencyId: number }) => r.agencyId), [a.id], 'one active certified officer and no reviewer at 甲局')
  t.ok(out.counts.atRisk + out.counts.underTrained >= 1, 'untrained officers are flagged')
  t.equal(out.counts.departedWithLiveCertificate, 1)
  t.notMatch(run.stdout, /\d{17}[\dX]/, 'no ID number in the output')
  t.equal(nightly(file, '--as-of', '2026-11-20', '--fail-on-findings').status, 3)
  const bad = nightly(file, '--as-of', '2026-13-01')
  t.equal(bad.status, 2)
  t.match(bad.stderr, /--as-of/)
  const missing = nightly(join(dirname(file), 'missing.db'))
  t.equal(missing.status, 1, 'no database: the run failed (not bad usage)')
  t.match(missing.stderr, /^nightly failed: no database at /)
  const summary = nightly(file, '--as-of', '2026-11-20', '--summary', '--first', '0')
  t.equal(summary.status, 0, summary.stderr)
  const short = JSON.parse(summary.stdout)
  t.same(short.counts, out.counts, '--summary keeps every count')
  t.ok(Object.values(short.checks).every((rows) => Array.isArray(rows) && rows.length === 0), 'and the first 0 rows of each list')
  t.equal(summary.stdout.split('\n').length, 2, 'one line: standard output is a pipe')
})
