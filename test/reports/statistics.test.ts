// GET /v1/reports/statistics on a small registry built here, on either engine: what each figure
// counts (and what it leaves out), scope, grouping, paging, exports and refusals. The demo
// city's figures are recomputed from its rows in statistics-seed.test.ts.
import t from 'tap'
import ExcelJS from 'exceljs'
import fastJson from 'fast-json-stringify'
import { StatisticsPage } from '../../src/modules/reports/statistics-schema.js'
import { assertProblem } from '../helper.js'
import { post } from '../fixtures.js'
import { registry } from '../core/setup.js'
import { execute } from '../db.js'

type Obj = Record<string, any>

t.test('each figure counts what it says, in scope, by agency, and adds up to the total', async (t) => {
  const { app, as, admin, city, countyB, countyC, officer, certified, year, today } = await registry(t)
  t.equal(today, '2026-12-01')
  const b1 = await certified(countyB.id, { legalReviewer: true })
  const b2 = await certified(countyB.id)
  await officer(countyB.id, { auxiliary: true })
  await officer(countyB.id, { police: true, supervisor: true })
  const c1 = await certified(countyC.id)
  const c2 = await certified(countyC.id)
  // c1 leaves (its card cancelled, a recall opened); c2's card is revoked; b2's suspended.
  t.equal((await post(app, admin, `/v1/officers/${c1.officer.id}/departure`, { reason: 'retirement', date: '2026-11-20' })).statusCode, 200)
  t.equal((await post(app, admin, `/v1/certificates/${c2.certificate.id}/revocation`, { reason: '处分决定〔2026〕3号' })).statusCode, 200)
  t.equal((await post(app, admin, `/v1/certificates/${b2.certificate.id}/suspension`, { reason: '调查期间' })).statusCode, 200)
  t.equal((await post(app, admin, '/v1/assessments', { officerId: b1.officer.id, year, grade: 'excellent' })).statusCode, 201)
  t.equal((await post(app, admin, '/v1/assessments', { officerId: b2.officer.id, year, grade: 'incompetent' })).statusCode, 201)
  t.equal((await post(app, admin, '/v1/assessments', { officerId: b2.officer.id, year: year - 1, grade: 'competent' })).statusCode, 201, 'another year: not counted')
  // b1 is trained in full (30 + 30 学时); everyone else at a post and not auxiliary owes it.
  for (const category of ['public_law', 'professional']) {
    const training = (await post(app, admin, '/v1/trainings', { title: `${category} 专题`, category, hours: 30, startDate: '2026-03-02', endDate: '2026-03-06', mode: 'offline', provider: '市司法局', agencyId: countyB.id })).json()
    t.equal((await post(app, admin, `/v1/trainings/${training.id as number}/attendances`, { officerIds: [b1.officer.id] })).statusCode, 200)
  }

  const res = await app.inject({ url: `/v1/reports/statistics?year=${year}&groupBy=agency`, headers: admin })
  t.equal(res.statusCode, 200, res.body)
  const s = res.json()
  t.match(s, { year, asOf: today, countedOn: today, groupBy: 'agency' })
  const by = new Map<string, Obj>(s.items.map((b: Obj) => [b.key, b]))
  t.same([...by.keys()], [city.id, countyB.id, countyC.id].map(String), 'one bucket per agency, by id')
  const B = by.get(String(countyB.id))!
  const C = by.get(String(countyC.id))!
  t.equal(B.label, countyB.name)
  t.same(B.officers, { active: 4, auxiliary: 1, police: 1, legalReviewers: 1, supervisors: 1 })
  t.same(B.certificates, { live: 2, active: 1, suspended: 1, issued: 2, revoked: 0, cancelled: 0, awaitingRecall: 0 })
  t.same(C.officers, { active: 1, auxiliary: 0, police: 0, legalReviewers: 0, supervisors: 0 }, 'the officer who left is not counted')
  t.same(C.certificates, { live: 0, active: 0, suspended: 0, issued: 2, revoked: 1, cancelled: 1, awaitingRecall: 2 }, 'revoked and cancelled this year, both cards awaiting recall')
  t.same(B.training, {
    compliant: 1,
    onTrack: 0,
    atRisk: 2,
    nonCompliant: 0,
    notApplicable: 1,
    applicable: 3,
    complianceRate: { numerator: 1, denominator: 3, percent: 33.3 },
    averageHours: 20
  }, 'police owe the 学时 (TRAINING_INCLUDES_POLICE); auxiliary staff do not; the year still runs, so those short are at risk')
  t.same(B.staffing, { agencies: 1, shortfallAgencies: 0, reviewersShort: 0 }, 'one reviewer for three officers (auxiliary staff are not counted)')
  t.same(C.staffing, { agencies: 1, shortfallAgencies: 1, reviewersShort: 1 })
  t.same(B.assessments, { excellent: 1, competent: 0, basicallyCompetent: 0, incompetent: 1 })
  t.same(B.agencies, { total: 1, active: 1, confirmed: 1, confirmationDue: 0, merged: 0, dissolved: 0 })
  t.same(s.total.officers, { active: 5, auxiliary: 1, police: 1, legalReviewers: 1, supervisors: 1 }, 'the total adds the buckets')
  t.same(s.total.training.complianceRate, { numerator: 1, denominator: 4, percent: 25 })
  t.equal(s.certificatesByMonth.length, 12)
  t.same(s.certificatesByMonth.filter((m: Obj) => m.awaitingRecall > 0), [{ month: '2026-12', expiring: 0, awaitingRecall: 2 }], 'the recalls opened this month')

  const lastYear = async () => (await app.inject({ url: `/v1/reports/statistics?year=${year - 1}&groupBy=agency`, headers: admin })).json()
  t.equal((await lastYear()).total.agencies.total, 0, 'registered on 1 December 2026, these agencies were not there in 2025: nothing counted')
  await execute(app, "update agencies set created_at = '2025-01-02T02:00:00.000Z'") // as if registered early in 2025
  const last = await lastYear()
  t.equal(last.countedOn, `${year - 1}-12-31`, 'a closed year is counted on its last day')
  t.equal(last.total.officers.active, 6, 'with no joining day, everyone counts as serving then (as the compliance report has it), the one who left in 2026 too')
  t.equal(last.total.training.nonCompliant, 5, 'and a closed year\'s shortfalls are final')
  t.same(last.total.assessments, { excellent: 0, competent: 1, basicallyCompetent: 0, incompetent: 0 })
  t.match(last.total.certificates, { live: 0, active: 0, suspended: 0, issued: 0, revoked: 0, cancelled: 0 }, 'no card had been issued by the end of 2025: those issued since are not counted live then')

  const hrC = await as('hr', countyC.id)
  const mine = (await app.inject({ url: `/v1/reports/statistics?year=${year}`, headers: hrC })).json()
  t.same(mine.items.map((b: Obj) => b.key), [String(countyC.id)], 'scoped: the caller\'s agencies only')
  t.same(mine.total.certificates, C.certificates)
  assertProblem(t, await app.inject({ url: `/v1/reports/statistics?agencyId=${countyB.id}`, headers: hrC }), 404, 'AGENCY_OUT_OF_SCOPE')
  const under = (await app.inject({ url: `/v1/reports/statistics?agencyId=${countyB.id}`, headers: admin })).json()
  t.same(under.items.map((b: Obj) => b.key), [String(countyB.id)], 'agencyId: that agency and those under it')
})

t.test('other groupings, paging, exports and refusals', async (t) => {
  const { app, admin, city, countyB, certified, year } = await registry(t)
  await certified(countyB.id)
  const byLevel = (await app.inject({ url: `/v1/reports/statistics?year=${year}&groupBy=level`, headers: admin })).json()
  t.same(byLevel.items.map((b: Obj) => [b.key, b.label, b.agencies.total]), [['city', '市级', 1], ['county', '县级', 2]], 'levels in order, in Chinese')
  const byDomain = (await app.inject({ url: `/v1/reports/statistics?year=${year}&groupBy=domain`, headers: admin })).json()
  t.same(byDomain.items.map((b: Obj) => [b.key, b.agencies.total]).sort(), [['城市管理', 1], ['市场监管', 3]], 'an agency of two domains counts in each')
  t.equal(byDomain.total.agencies.total, 3, 'the total counts it once')
  const byKind = (await app.inject({ url: `/v1/reports/statistics?year=${year}&groupBy=kind`, headers: admin })).json()
  t.same(byKind.items.map((b: Obj) => b.label), ['行政机关'])
  const byRegion = (await app.inject({ url: `/v1/reports/statistics?year=${year}&groupBy=region`, headers: admin })).json()
  t.ok(byRegion.items.every((b: Obj) => /（\d{6}）$/.test(b.label)), 'a region is named with its code')

  // The route writes its JSON with JSON.stringify, not the schema's serializer: the two must agree,
  // field for field, or the document would promise what the answer is not.
  const serialize = fastJson(StatisticsPage as object)
  for (const groupBy of ['agency', 'region', 'level', 'domain', 'kind']) {
    const body = (await app.inject({ url: `/v1/reports/statistics?year=${year}&groupBy=${groupBy}`, headers: admin })).json()
    t.same(JSON.parse(serialize(body)), body, `${groupBy}: the answer is its schema's, field for field (the serializer drops what the schema does not name)`)
  }
  const first = (await app.inject({ url: `/v1/reports/statistics?year=${year}&limit=2`, headers: admin })).json()
  t.same(first.items.map((b: Obj) => b.key), [String(city.id), String(countyB.id)])
  t.type(first.nextCursor, 'string')
  const rest = (await app.inject({ url: `/v1/reports/statistics?year=${year}&limit=2&cursor=${first.nextCursor as string}`, headers: admin })).json()
  t.equal(rest.items.length, 1)
  t.equal(rest.nextCursor, null)
  t.same(rest.total, first.total, 'the total on every page')

  const csv = await app.inject({ url: `/v1/reports/statistics?year=${year}&format=csv`, headers: admin })
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /^text\/csv/)
  const lines = csv.body.replace(/^\ufeff/, '').trim().split('\r\n')
  t.match(lines[0], /^分组,名称,执法主体总数,.*达标率\(%\),人均学时,/)
  t.equal(lines.length, 1 + 3 + 1, 'a line per agency and the total')
  t.match(lines.at(-1), /^total,合计,3,/)
  const xlsx = await app.inject({ url: `/v1/reports/statistics?year=${year}&groupBy=level`, headers: { ...admin, accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } })
  t.equal(xlsx.statusCode, 200)
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
  const sheet = book.worksheets[0]!
  t.equal(sheet.name, `${year}年度统计`)
  t.same([sheet.getRow(2).getCell(2).value, sheet.getRow(4).getCell(2).value, sheet.getRow(4).getCell(3).value], ['市级', '合计', 3])

  assertProblem(t, await app.inject({ url: '/v1/reports/statistics?groupBy=street', headers: admin }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ url: '/v1/reports/statistics?year=1900', headers: admin }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ url: '/v1/reports/statistics?year=2099', headers: admin }), 422, 'DATE_OUT_OF_RANGE')
  assertProblem(t, await app.inject({ url: '/v1/reports/statistics?agencyId=999999', headers: admin }), 404, 'AGENCY_OUT_OF_SCOPE')
  assertProblem(t, await app.inject({ url: '/v1/reports/statistics?cursor=!!', headers: admin }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ url: '/v1/reports/statistics' }), 401, 'UNAUTHENTICATED')
})
