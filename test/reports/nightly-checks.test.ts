// The nightly's checks in process (src/modules/reports/nightly.ts; the command's own test,
// nightly.test.ts, runs the bundle): what a run in early January, after the grace day and after
// the checkpoint reports. Every date comes from the clock given to the services.
import t from 'tap'
import { testConfig } from '../../src/config.js'
import { testStore } from '../helper.js'
import { agenciesService } from '../../src/modules/agencies/service.js'
import { assessmentsService } from '../../src/modules/assessments/service.js'
import { certificatesService } from '../../src/modules/certificates/service.js'
import { examsService } from '../../src/modules/exams/service.js'
import { officersService } from '../../src/modules/officers/service.js'
import { trainingService } from '../../src/modules/training/service.js'
import { nightlyChecks } from '../../src/modules/reports/nightly.js'
import { trainingPlansService } from '../../src/modules/training-plans/service.js'
import { ADMIN_ACTOR as ADMIN, idNumber, uscc } from '../fixtures.js'

t.test('a registry through 2026, checked in 2027', async (t) => {
  const config = testConfig()
  const store = await testStore(t, config)
  let now = new Date('2026-01-10T02:00:00Z')
  const ctx = { store, config, clock: () => now }
  const agencies = agenciesService(ctx)
  const officers = officersService(ctx)
  const exams = examsService(ctx)
  const certs = certificatesService(ctx)
  const training = trainingService(ctx)
  const assessments = assessmentsService(ctx)
  const a = await agencies.create(ADMIN, { name: '甲市市场监督管理局', uscc: uscc(1), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  const police = await agencies.create(ADMIN, { name: '甲市公安局', uscc: uscc(2), kind: 'organ', level: 'city', parentId: a.id, regionCode: '140802', domains: ['公安'] })
  for (const ag of [a, police]) await agencies.confirm(ADMIN, ag.id, { year: 2026, announcementNo: `甲〔2026〕${ag.id}号`, date: '2026-01-10' })
  const exam = await exams.create(ADMIN, { name: '考试', date: '2026-01-10' })
  const person = async (n: number, agencyId: number, flags: { police?: boolean, auxiliary?: boolean } = {}) =>
    await officers.register(ADMIN, { name: `人员${n}`, idNumber: idNumber(n), agencyId, ...flags })
  const certified = async (n: number) => {
    const o = await person(n, a.id)
    await exams.recordResult(ADMIN, exam.id, { officerId: o.id, score: 90 })
    return { o, cert: await certs.issue(ADMIN, { officerId: o.id, agencyId: a.id }) }
  }
  const trained = await certified(1)
  const idle = await certified(2)
  const held = await certified(3)
  const cop = await person(4, police.id, { police: true })
  const aux = await person(5, a.id, { auxiliary: true })
  now = new Date('2026-03-02T02:00:00Z')
  for (const category of ['public_law', 'professional'] as const) await training.recordExternal(ADMIN, { officerId: trained.o.id, category, hours: 30, date: '2026-03-01', evidence: '证书' })
  await certs.change(ADMIN, held.cert.id, 'suspend', { reason: '立案调查' })
  now = new Date('2026-06-01T02:00:00Z')
  const renamed = await agencies.update(ADMIN, police.id, police.version, { name: '甲市公安局（更名）' })
  t.equal(renamed.reconfirmationDue, true, 'a rename asks for 重新确认 (002 item 6)')
  await trainingPlansService(ctx).create(ADMIN, a.id, { year: 2026, publicLawHours: 30, professionalHours: 20, skillsHours: 10, document: '甲市监发〔2026〕3号' })
  now = new Date('2027-01-04T02:00:00Z')
  for (const o of [trained.o, idle.o]) await assessments.record(ADMIN, { officerId: o.id, year: 2026, grade: o === idle.o ? 'incompetent' : 'competent' })

  const run = async (asOf: string, year?: number) => await nightlyChecks(store, config, ADMIN, { asOf, year, dueWithinDays: 30, today: asOf })
  const ids = (rows: Array<{ officerId: number }>) => rows.map((r) => r.officerId)

  const january = await run('2027-01-05')
  t.equal(january.year, 2026, '5 January: the last closed year by default (004 line 39: the checkpoint is 1 July)')
  t.same(ids(january.checks.underTrained), [idle.o.id, held.o.id, cop.id], "2026's non-compliant officers, police included (004 line 39), the auxiliary not")
  t.same(january.checks.atRisk, [], 'no pace alarm on 5 January')
  t.same(january.checks.agenciesNotConfirmed, [], 'last year\'s confirmation stands until 31 March')
  t.same(january.checks.agenciesConfirmationDue.map((r) => r.agencyId), [a.id, police.id], 'flagged: this year\'s confirmation is due')
  t.same(january.checks.agenciesAwaitingReconfirmation.map((r) => r.agencyId), [police.id], 'the renamed agency awaits 重新确认')
  t.match(january.checks.incompetentWithLiveCertificate, [{ officerId: idle.o.id, certificateId: idle.cert.id, grade: 'incompetent', gradeYear: 2026 }], '不称职 in 2026 and still holding a live card (000 (四))')
  t.equal(january.checks.incompetentWithLiveCertificate.length, 1)
  t.match(january.checks.cardsInCustody, [{ certificateId: held.cert.id, heldSince: '2026-03-02' }], 'the suspended card is in custody')
  t.ok(!ids(january.checks.underTrained).includes(aux.id), 'auxiliary staff are not_applicable, never a finding')
  t.match(january.checks.agenciesWithoutPlan, [{ agencyId: police.id, year: 2026, planDue: '2026-05-31' }], 'the agency that filed no 2026 training plan (003 line 52)')
  t.equal(january.counts.agenciesWithoutPlan, 1)
  const asked2027 = await run('2027-01-05', 2027)
  t.same(asked2027.checks.atRisk, [], 'the current year asked for: still no pace alarm before 1 July')
  t.same(asked2027.checks.agenciesWithoutPlan, [], '2027\'s plans are not due before the end of May')

  const april = await run('2027-04-01')
  t.same(april.checks.agenciesNotConfirmed.map((r) => r.agencyId), [a.id, police.id], 'after the grace day the confirmations have lapsed')
  t.equal(april.year, 2026)

  const july = await run('2027-07-01')
  t.equal(july.year, 2027, 'from 1 July the current year')
  t.same(ids(july.checks.atRisk), [trained.o.id, idle.o.id, held.o.id, cop.id], 'and its pace: nobody trained in 2027 yet')
  t.same(july.checks.agenciesWithoutPlan.map((r) => r.agencyId), [a.id, police.id], 'no 2027 plan filed by 31 May')
})
