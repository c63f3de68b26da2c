import t from 'tap'
import { post } from '../fixtures.js'
import { assertProblem } from '../helper.js'
import { world } from './world.js'

t.test('30 学时 + 1350 minutes: compliant, with the numbers as numbers and the records behind them', async (t) => {
  const { officer, training, attend, summary, hrB, countyB } = await world(t)
  const o = await officer(countyB.id)
  await attend(hrB, await training(hrB, { hours: 30 }), [o.id])
  await attend(hrB, await training(hrB, { hours: undefined, minutes: 1350, category: 'professional' }), [o.id])
  const res = await summary(hrB, o.id, '?year=2026')
  t.equal(res.statusCode, 200, res.body)
  const s = res.json()
  t.equal(s.publicLawHours, 30)
  t.equal(s.professionalHours, 30)
  t.match(s, {
    officerId: o.id,
    year: 2026,
    asOf: '2026-06-15',
    inScope: true,
    publicLawUnits: 2700,
    professionalUnits: 2700,
    unit: { name: '1/90 学时', perHour: 90, perMinute: 2 },
    rule: { version: '2023', effectiveFrom: 2023, publicLawHours: 30, professionalHours: 30, proRateJoiners: false },
    ruleVersion: '2023',
    required: { publicLawHours: 30, professionalHours: 30 },
    deficits: { publicLawHours: 0, professionalHours: 0 },
    compliant: true,
    status: 'compliant'
  })
  t.match(s.records.publicLaw, [{ rule: 'hours', hours: 30, units: 2700, creditHours: 30, source: 'training' }])
  t.match(s.records.professional, [{ rule: 'minutes_45', minutes: 1350, units: 2700, creditHours: 30, explanation: '1350 分钟 ÷ 45 = 30 学时 (2700/90)' }])
})

t.test('60 public-law 学时 and no professional ones is not compliant: buckets do not share', async (t) => {
  const { officer, training, attend, summary, hrB, countyB } = await world(t)
  const o = await officer(countyB.id)
  await attend(hrB, await training(hrB, { hours: 60 }), [o.id])
  const closed = (await summary(hrB, o.id, '?year=2026&asOf=2027-01-05')).json()
  t.match(closed, {
    publicLawHours: 60,
    professionalHours: 0,
    compliant: false,
    status: 'non_compliant',
    deficits: { publicLawHours: 0, professionalHours: 30, publicLawUnits: 0, professionalUnits: 2700 }
  })
  const midYear = (await summary(hrB, o.id, '?year=2026&asOf=2026-03-01')).json()
  t.equal(midYear.status, 'on_track', 'behind on professional in March, but before 1 July nobody is at_risk by pace (003 line 52, 全员轮训 by the end of June)')
  t.equal(midYear.compliant, false)
  const july = (await summary(hrB, o.id, '?year=2026&asOf=2026-07-01')).json()
  t.equal(july.status, 'at_risk', 'from the checkpoint (AT_RISK_FROM 07-01) the pace applies')
})

t.test('status over the year: on_track when keeping pace, at_risk when behind', async (t) => {
  const { officer, record, summary, hrB, countyB } = await world(t)
  const o = await officer(countyB.id)
  await record(hrB, { officerId: o.id, hours: 15, date: '2026-05-01' })
  await record(hrB, { officerId: o.id, hours: 15, category: 'professional', date: '2026-05-01' })
  t.equal((await summary(hrB, o.id, '?year=2026&asOf=2026-06-30')).json().status, 'on_track', '15 of 30 by mid-year')
  const late = (await summary(hrB, o.id, '?year=2026&asOf=2026-09-30')).json()
  t.equal(late.status, 'at_risk', '15 of 30 by the end of September')
  t.ok(late.expectedByNow.publicLawUnits > 15 * 90)
})

t.test('year and asOf default to the Asia/Shanghai calendar: 16:30 UTC on 31 December is already next year', async (t) => {
  const { officer, summary, hrB, countyB } = await world(t, {}, new Date('2026-12-31T16:30:00Z'))
  const o = await officer(countyB.id)
  const s = (await summary(hrB, o.id)).json()
  t.equal(s.year, 2027)
  t.equal(s.asOf, '2027-01-01')
})

t.test('asOf alone sets the year: as of 31 December 2025 is the 2025 year, in the summary and the report', async (t) => {
  const { app, officer, summary, admin, hrB, countyB } = await world(t)
  const o = await officer(countyB.id)
  t.match((await summary(hrB, o.id, '?asOf=2025-12-31')).json(), { year: 2025, asOf: '2025-12-31', status: 'at_risk' }, 'not the 2026 year, which had not begun (after 1 July: behind pace)')
  const report = (await app.inject({ method: 'GET', url: '/v1/reports/training-compliance?asOf=2025-12-31', headers: admin })).json()
  t.match(report, { year: 2025, asOf: '2025-12-31' })
  t.match(report.items.find((i: { officerId: number }) => i.officerId === o.id), { status: 'at_risk' })
  t.match((await summary(hrB, o.id, '?year=2026&asOf=2025-12-31')).json(), { year: 2026, status: 'on_track' }, 'a year given is kept')
})

t.test('as of a past day, only what had been received by then counts, in the summary and the report alike', async (t) => {
  const { app, officer, record, summary, admin, hrB, countyB } = await world(t) // today: 2026-06-15
  const o = await officer(countyB.id)
  await record(hrB, { officerId: o.id, hours: 10, date: '2026-03-01' })
  await record(hrB, { officerId: o.id, hours: 20, date: '2026-05-01' })
  const april = (await summary(hrB, o.id, '?asOf=2026-04-01')).json()
  t.match(april, { year: 2026, asOf: '2026-04-01', publicLawHours: 10 })
  t.same(april.records.publicLaw.map((r: { date: string }) => r.date), ['2026-03-01'], 'the records behind it are those of the day')
  const reportOn = async (asOf: string) => ((await app.inject({ method: 'GET', url: `/v1/reports/training-compliance?asOf=${asOf}`, headers: admin })).json().items as Array<{ officerId: number, publicLawHours: number, status: string }>)
    .find((i) => i.officerId === o.id)
  t.match(await reportOn('2026-04-01'), { publicLawHours: 10, status: april.status }, 'the report agrees')
  const now = (await summary(hrB, o.id)).json()
  t.match(now, { asOf: '2026-06-15', publicLawHours: 30 })
  t.equal(now.records.publicLaw.length, 2)
  t.match(await reportOn('2026-06-15'), { publicLawHours: 30, status: now.status })
})

t.test('outside the requirement (rule 7): auxiliary staff owe nothing and are not_applicable, never compliant; police owe 30 + 30 学时 (004 line 39) unless TRAINING_INCLUDES_POLICE=false', async (t) => {
  const { officer, summary, hrB, countyB } = await world(t)
  const aux = await officer(countyB.id, { auxiliary: true })
  t.match((await summary(hrB, aux.id, '?year=2026&asOf=2027-01-05')).json(), {
    inScope: false, rule: null, ruleVersion: null, required: { publicLawUnits: 0, professionalUnits: 0 }, compliant: false, status: 'not_applicable'
  }, 'auxiliary')
  const police = await officer(countyB.id, { police: true })
  t.match((await summary(hrB, police.id, '?year=2026&asOf=2027-01-05')).json(), {
    inScope: true, ruleVersion: '2023', required: { publicLawUnits: 2700, professionalUnits: 2700 }, compliant: false, status: 'non_compliant'
  }, 'a police officer with 0 学时 is not compliant')
  const off = await world(t, { TRAINING_INCLUDES_POLICE: false })
  const cop = await off.officer(off.countyB.id, { police: true })
  t.match((await off.summary(off.hrB, cop.id, '?year=2026&asOf=2027-01-05')).json(), { inScope: false, compliant: false, status: 'not_applicable' }, 'police left out by the setting')
})

t.test('a departed officer still owes the years they served to the end, not the year they left', async (t) => {
  const { app, officer, summary, admin, countyB } = await world(t, {}, new Date('2027-03-01T04:00:00Z'))
  const o = await officer(countyB.id)
  t.equal((await post(app, admin, `/v1/officers/${o.id}/departure`, { reason: 'retirement', date: '2027-02-01' })).statusCode, 200)
  t.match((await summary(admin, o.id, '?year=2026')).json(), { inScope: true, status: 'non_compliant' })
  t.match((await summary(admin, o.id, '?year=2027')).json(), { inScope: false, compliant: false, status: 'not_applicable' })
})

t.test('TRAINING_RULES: a deployment\'s own minimums and versions apply by year, pro-rating joiners when it says so', async (t) => {
  const rules = [
    { version: '2023', effectiveFrom: 2023, publicLawHours: 30, professionalHours: 30, proRateJoiners: false },
    { version: '2026-local', effectiveFrom: 2026, publicLawHours: 40, professionalHours: 20.5, proRateJoiners: true }
  ]
  // Today is 2 July 2026, the joiner's first day (a joinedOn after today is refused).
  const { officer, record, summary, hrB, countyB } = await world(t, { TRAINING_RULES: rules }, new Date('2026-07-02T04:00:00Z'))
  const o = await officer(countyB.id)
  await record(hrB, { officerId: o.id, hours: 30, date: '2025-06-01' })
  t.match((await summary(hrB, o.id, '?year=2025&asOf=2026-01-02')).json(), { ruleVersion: '2023', required: { publicLawHours: 30 }, deficits: { professionalHours: 30 } })
  t.match((await summary(hrB, o.id, '?year=2026&asOf=2027-01-02')).json(), {
    ruleVersion: '2026-local', required: { publicLawHours: 40, professionalHours: 20.5, publicLawUnits: 3600, professionalUnits: 1845 }
  })
  // Joined 2 July 2026: 183 of 365 days left, so ceil(3600 × 183 / 365) = 1805 units.
  const joiner = await officer(countyB.id, { joinedOn: '2026-07-02' })
  t.match((await summary(hrB, joiner.id, '?year=2026&asOf=2027-01-02')).json(), { required: { publicLawUnits: 1805 } })
  t.match((await summary(hrB, o.id, '?year=2022&asOf=2023-01-02')).json(), { rule: null, compliant: false, status: 'not_applicable' }, 'no rule before 2023: not_applicable (rule 7)')
})

t.test('scope and input: a sibling agency\'s hr gets 404; an unknown officer 404; a bad year or asOf 400', async (t) => {
  const { officer, summary, hrB, hrC, as, countyB } = await world(t)
  const o = await officer(countyB.id)
  assertProblem(t, await summary(hrC, o.id), 404, 'NOT_FOUND')
  assertProblem(t, await summary(hrB, 999999), 404, 'NOT_FOUND')
  assertProblem(t, await summary(hrB, o.id, '?year=1999'), 400, 'VALIDATION_FAILED')
  assertProblem(t, await summary(hrB, o.id, '?asOf=2026-02-30'), 400, 'VALIDATION_FAILED')
  assertProblem(t, await summary(hrB, o.id, '?years=2026'), 400, 'VALIDATION_FAILED')
  const auditor = await as('auditor', countyB.id)
  t.equal((await summary(auditor, o.id)).statusCode, 200, 'auditor reads')
})
