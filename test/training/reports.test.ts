// engine: sqlite-only in part — one test reads the SQLite report repository's narrowing directly
import t from 'tap'
import ExcelJS from 'exceljs'
import { post } from '../fixtures.js'
import { assertProblem } from '../helper.js'
import { world } from './world.js'
import { compliantFrom, DEFAULT_TRAINING_RULES } from '../../src/domain/compliance.js'
import { reportRepository } from '../../src/modules/reports/repository.js'
import { sqliteOnly } from '../db.js'

async function registry (t: Parameters<typeof world>[0]) {
  const w = await world(t)
  const { officer, training, attend, record, admin, countyB, countyC } = w
  const done = await officer(countyB.id, { name: '达标' })
  const half = await officer(countyB.id, { name: '=HYPERLINK("x")' })
  const none = await officer(countyC.id, { name: '未培训' })
  const aux = await officer(countyB.id, { auxiliary: true })
  const police = await officer(countyC.id, { police: true })
  const gone = await officer(countyB.id)
  t.equal((await post(w.app, admin, `/v1/officers/${gone.id}/departure`, { reason: 'retirement', date: '2026-05-01' })).statusCode, 200)
  await attend(admin, await training(admin, { hours: 30 }), [done.id, half.id, aux.id, police.id])
  await attend(admin, await training(admin, { hours: undefined, minutes: 1350, category: 'professional' }), [done.id])
  await record(admin, { officerId: half.id, category: 'professional', hours: 0.1, date: '2026-05-01' })
  return { ...w, done, half, none, aux, police, gone }
}

const get = (w: Awaited<ReturnType<typeof registry>>, headers: { authorization: string }, qs: string) =>
  w.app.inject({ method: 'GET', url: `/v1/reports/training-compliance${qs}`, headers })

t.test('JSON: every officer at a post with both buckets, minimums, deficits and status; police owe 学时 (004 line 39), auxiliary staff are not_applicable', async (t) => {
  const w = await registry(t)
  const res = await get(w, w.admin, '?year=2026&asOf=2026-07-15')
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.match(body, { year: 2026, asOf: '2026-07-15', ruleVersion: '2023', nextCursor: null })
  t.same(body.items.map((r: { officerId: number }) => r.officerId), [w.done.id, w.half.id, w.none.id, w.aux.id, w.police.id], 'no one who left')
  t.same(body.items[0], {
    officerId: w.done.id,
    name: '达标',
    employeeNo: null,
    agencyId: w.countyB.id,
    agencyName: w.countyB.name,
    year: 2026,
    publicLawHours: 30,
    professionalHours: 30,
    publicLawUnits: 2700,
    professionalUnits: 2700,
    requiredPublicLawHours: 30,
    requiredProfessionalHours: 30,
    publicLawDeficitHours: 0,
    professionalDeficitHours: 0,
    publicLawDeficitUnits: 0,
    professionalDeficitUnits: 0,
    ruleVersion: '2023',
    compliant: true,
    status: 'compliant'
  })
  t.match(body.items[1], { professionalHours: 0.1, professionalUnits: 9, professionalDeficitHours: 29.9, professionalDeficitUnits: 2691, status: 'at_risk' })
  t.match(body.items[2], { publicLawHours: 0, status: 'at_risk', compliant: false })
  t.match(body.items[3], { officerId: w.aux.id, publicLawHours: 30, requiredPublicLawHours: 0, status: 'not_applicable', compliant: false }, 'auxiliary: no minimum applies, never compliant (rule 7)')
  t.match(body.items[4], { officerId: w.police.id, publicLawHours: 30, professionalHours: 0, requiredProfessionalHours: 30, status: 'at_risk' }, 'police: 县公安局 officers owe 30 + 30 学时')
  const june = (await get(w, w.admin, '?year=2026&asOf=2026-06-15')).json()
  t.same(june.items.map((r: { status: string }) => r.status), ['compliant', 'on_track', 'on_track', 'not_applicable', 'on_track'], 'before 1 July (AT_RISK_FROM) nobody is at_risk by pace alone')
  const off = await world(t, { TRAINING_INCLUDES_POLICE: false })
  const cop = await off.officer(off.countyC.id, { police: true })
  const offRows = (await off.app.inject({ method: 'GET', url: '/v1/reports/training-compliance?year=2026', headers: off.admin })).json().items
  t.match(offRows, [{ officerId: cop.id, status: 'not_applicable' }], 'TRAINING_INCLUDES_POLICE=false: police are not_applicable')
})

t.test('JSON filters by status and agency subtree, and pages with a cursor', async (t) => {
  const w = await registry(t)
  const ids = async (qs: string) => (await get(w, w.admin, qs)).json().items.map((r: { officerId: number }) => r.officerId)
  t.same(await ids('?year=2026&asOf=2026-07-15&status=at_risk'), [w.half.id, w.none.id, w.police.id])
  t.same(await ids('?year=2026&asOf=2026-07-15&status=compliant&status=at_risk'), [w.done.id, w.half.id, w.none.id, w.police.id])
  t.same(await ids('?year=2026&status=not_applicable'), [w.aux.id])
  t.same(await ids('?year=2026&asOf=2027-01-02&status=non_compliant'), [w.half.id, w.none.id, w.police.id], 'short after the year is over')
  t.same(await ids(`?year=2026&agencyId=${w.countyC.id}`), [w.none.id, w.police.id])
  t.same(await ids(`?year=2026&agencyId=${w.city.id}`), [w.done.id, w.half.id, w.none.id, w.aux.id, w.police.id], 'an agency and everything below it')
  const first = (await get(w, w.admin, '?year=2026&limit=3')).json()
  t.equal(first.items.length, 3)
  const second = (await get(w, w.admin, `?year=2026&limit=3&cursor=${first.nextCursor as string}`)).json()
  t.same(second.items.map((r: { officerId: number }) => r.officerId), [w.aux.id, w.police.id])
  t.equal(second.nextCursor, null)
  const filteredPage = (await get(w, w.admin, '?year=2026&asOf=2026-07-15&status=at_risk&limit=1')).json()
  t.same(filteredPage.items.map((r: { officerId: number }) => r.officerId), [w.half.id])
  t.type(filteredPage.nextCursor, 'string')
})

t.test('a status filter answers exactly the rows of the whole report with those statuses, from the totals and from the records alike (the SQL leaves out only who must be compliant)', async (t) => {
  const w = await registry(t)
  // On pace in June, short of the year: 30 学时 public law, 15 professional (recorded in May).
  const partial = await w.officer(w.countyC.id, { name: '过半' })
  await w.attend(w.admin, await w.training(w.admin, { hours: 30 }), [partial.id])
  await w.record(w.admin, { officerId: partial.id, category: 'professional', hours: 15, date: '2026-05-01' })
  const statuses = ['compliant', 'on_track', 'at_risk', 'non_compliant', 'not_applicable']
  const rows = async (qs: string) => (await get(w, w.admin, `?year=2026&limit=500${qs}`)).json().items as Array<{ officerId: number, status: string }>
  let narrowed = 0
  for (const asOf of ['2026-03-10', '2026-07-15', '2027-01-02']) { // records up to a past day; the maintained totals; the year over
    const whole = await rows(`&asOf=${asOf}`)
    t.ok(whole.some((r) => r.status !== 'compliant') && whole.some((r) => r.status === 'compliant'), `${asOf}: both kinds present`)
    for (let mask = 1; mask < 32; mask++) {
      const wanted = statuses.filter((_, i) => mask & (1 << i))
      const got = await rows(`&asOf=${asOf}${wanted.map((s) => `&status=${s}`).join('')}`)
      t.same(got, whole.filter((r) => wanted.includes(r.status)), `${asOf} ${wanted.join('+')}`)
      if (!wanted.includes('compliant')) narrowed++
    }
  }
  t.equal(narrowed, 45, 'fifteen status sets without compliant per day')
  t.same((await rows('&asOf=2026-07-01&status=on_track')).map((r) => r.officerId), [partial.id], 'on pace on 1 July')
  // The equalities above hold whether or not the SQL narrows: the narrowing itself, read directly.
  t.test('the SQL narrows', sqliteOnly('calls the SQLite report repository with the store Db'), async (t) => {
    const read = async (skipFrom?: { publicLaw: number, professional: number }) => {
      const candidates = reportRepository.trainingCandidates({ all: true }, { year: 2026, day: '2026-06-15', skipFrom })
      return (await w.app.store.read(async (db) => candidates(db, 0, 500))).map((c) => c.id)
    }
    const all = await read()
    t.ok(all.includes(w.done.id) && all.includes(partial.id), 'without it, the compliant officer is read with the rest')
    t.same(await read(compliantFrom(DEFAULT_TRAINING_RULES[0]!)), all.filter((id) => id !== w.done.id), 'with it, only the officer with the whole minimums in both buckets is left out')
  })
})

t.test('scope: hr sees its own agency only; an agency outside scope is 404; auditor reads; bad input 400', async (t) => {
  const w = await registry(t)
  t.same((await get(w, w.hrB, '?year=2026')).json().items.map((r: { officerId: number }) => r.officerId), [w.done.id, w.half.id, w.aux.id])
  assertProblem(t, await get(w, w.hrB, `?agencyId=${w.countyC.id}`), 404, 'AGENCY_OUT_OF_SCOPE')
  const auditor = await w.as('auditor', w.countyC.id)
  t.same((await get(w, auditor, '?year=2026')).json().items.map((r: { officerId: number }) => r.officerId), [w.none.id, w.police.id])
  assertProblem(t, await get(w, w.admin, '?status=late'), 400, 'VALIDATION_FAILED')
  assertProblem(t, await get(w, w.admin, '?format=pdf'), 400, 'VALIDATION_FAILED')
  assertProblem(t, await w.app.inject({ method: 'GET', url: '/v1/reports/training-compliance' }), 401, 'UNAUTHENTICATED')
})

t.test('CSV: UTF-8 with BOM, Chinese headers, every row, and no formula injection', async (t) => {
  const w = await registry(t)
  const res = await get(w, w.admin, '?year=2026&asOf=2026-07-15&format=csv&limit=1')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/csv; charset=utf-8/)
  t.match(res.headers['content-disposition'], /attachment; filename="training-compliance-2026.csv"/)
  t.equal(res.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf', 'starts with the UTF-8 BOM')
  const lines = res.body.replace(/^\ufeff/, '').trimEnd().split('\r\n')
  t.equal(lines[0], '人员编号,姓名,工号,执法主体编号,执法主体,年度,公共法律知识学时,专业法律知识学时,公共法律知识应达学时,专业法律知识应达学时,公共法律知识差额,专业法律知识差额,规则版本,是否达标,状态,状态代码')
  t.equal(lines.length, 6, 'header and five officers, limit ignored')
  t.equal(lines[1], `${w.done.id},达标,,${w.countyB.id},${w.countyB.name},2026,30,30,30,30,0,0,2023,是,已达标,compliant`)
  t.equal(lines[2], `${w.half.id},"'=HYPERLINK(""x"")",,${w.countyB.id},${w.countyB.name},2026,30,0.1,30,30,0,29.9,2023,否,进度落后,at_risk`)
})

t.test('xlsx: one sheet with the same columns and values', async (t) => {
  const w = await registry(t)
  const res = await get(w, w.admin, '?year=2026&asOf=2026-07-15&format=xlsx')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  const sheet = book.worksheets[0]!
  t.equal(sheet.name, '2026年度学时')
  t.equal(sheet.rowCount, 6)
  t.equal(sheet.getRow(1).getCell(1).value, '人员编号')
  t.equal(sheet.getRow(1).getCell(15).value, '状态')
  const row = sheet.getRow(3)
  t.equal(row.getCell(1).value, w.half.id)
  t.equal(row.getCell(8).value, 0.1)
  t.equal(row.getCell(16).value, 'at_risk')
})

t.test('Accept chooses the format as ?format= does; ?format= wins when both are given', async (t) => {
  const w = await registry(t)
  const url = (qs: string) => `/v1/reports/training-compliance?year=2026&asOf=2026-07-15${qs}`
  const asked = (qs: string, accept: string) => w.app.inject({ method: 'GET', url: url(qs), headers: { ...w.admin, accept } })
  const cases: Array<[string, string, RegExp]> = [
    ['', 'text/csv', /^text\/csv; charset=utf-8/],
    ['', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', /^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet/],
    ['', 'text/csv;q=0.9, application/json', /^text\/csv/],
    ['', 'application/json', /^application\/json/],
    ['', '*/*', /^application\/json/],
    ['', 'text/csv;q=0, */*', /^application\/json/],
    ['&format=json', 'text/csv', /^application\/json/],
    ['&format=csv', 'application/json', /^text\/csv/]
  ]
  for (const [qs, accept, type] of cases) {
    const res = await asked(qs, accept)
    t.equal(res.statusCode, 200, `${qs || 'no format'} with Accept: ${accept}`)
    t.match(res.headers['content-type'], type, `${qs || 'no format'} with Accept: ${accept}`)
  }
  const csv = await asked('', 'text/csv')
  t.equal(csv.body.replace(/^\ufeff/, '').trimEnd().split('\r\n').length, 6, 'the whole report, as ?format=csv answers it')
})

t.test('000 line 20 "强化考核结果运用": the report filters by the annual-assessment grade (of the report\'s year, or gradeYear)', async (t) => {
  const w = await registry(t)
  for (const [o, grade] of [[w.half, 'incompetent'], [w.none, 'competent']] as const) {
    t.equal((await post(w.app, w.admin, '/v1/assessments', { officerId: o.id, year: 2025, grade })).statusCode, 201)
  }
  const ids = async (qs: string) => (await get(w, w.admin, qs)).json().items.map((r: { officerId: number }) => r.officerId)
  t.same(await ids('?year=2026&grade=incompetent&gradeYear=2025'), [w.half.id])
  t.same(await ids('?year=2026&grade=incompetent&grade=competent&gradeYear=2025'), [w.half.id, w.none.id])
  t.same(await ids('?year=2026&grade=incompetent'), [], 'no 2026 assessment yet')
  t.same(await ids('?year=2025&asOf=2026-01-05&grade=incompetent'), [w.half.id], 'the report\'s year by default')
  assertProblem(t, await get(w, w.admin, '?grade=bad'), 400, 'VALIDATION_FAILED')
})
