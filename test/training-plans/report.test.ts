// /v1/reports/training-plans: each agency's plan and its status as of a day, the 学时 of the
// trainings it organised by category and mode, offline public law against 30 学时, and 全员轮训
// coverage at the checkpoint; as JSON pages, CSV and xlsx.
import t, { type Test } from 'tap'
import ExcelJS from 'exceljs'
import { assertProblem } from '../helper.js'
import { post } from '../fixtures.js'
import { execute } from '../db.js'
import { world } from '../training/world.js'

/** 10:00 on 1 December 2026, Asia/Shanghai. */
const NOW = new Date('2026-12-01T02:00:00Z')

type Headers = { authorization: string }
type Row = { agencyId: number, planStatus: string, plan: Record<string, unknown> | null, delivered: Record<string, number>, offlinePublicLawShort: boolean, rotation: { officers: number, trained: number, percent: number | null } }

/**
 * The city (no plan, no officers); county B (a plan of 60.5 学时; organised 20 学时 offline public
 * law, 15 online, 8 professional offline, 0.5 professional online, and a course in 2025 and one
 * ending after today that do not count; officers: one trained in March, one only after the
 * checkpoint, a police officer trained in March, and out of the count an auxiliary, one who left
 * in May and one who joined in August); county C (a plan of 59.9 学时; 30 学时 offline public law
 * organised; one officer with a record in April).
 */
async function registry (t: Test) {
  const w = await world(t, {}, NOW)
  const { admin, countyB: b, countyC: c } = w
  const plan = (agencyId: number, fields: Record<string, unknown>) =>
    post(w.app, admin, `/v1/agencies/${agencyId}/training-plans`, { year: 2026, publicLawHours: 30, professionalHours: 20.5, skillsHours: 10, document: '文号', ...fields })
  t.equal((await plan(b.id, { approvedOn: '2026-03-15', document: '乙司发〔2026〕1号' })).statusCode, 201)
  t.equal((await plan(c.id, { professionalHours: 19.9 })).statusCode, 201)
  // Filed as they would have been (the world's clock is 1 December): B's in March, C's on the
  // due day itself (16:00 in Shanghai).
  await execute(w.app, 'update training_plans set created_at = $1 where agency_id = $2', '2026-03-16T02:00:00.000Z', b.id)
  await execute(w.app, 'update training_plans set created_at = $1 where agency_id = $2', '2026-05-31T08:00:00.000Z', c.id)
  const march = await w.training(admin, { agencyId: b.id, hours: 20, mode: 'offline' })
  await w.training(admin, { agencyId: b.id, hours: 15, mode: 'online' })
  await w.training(admin, { agencyId: b.id, category: 'professional', minutes: 360, hours: undefined, mode: 'offline' })
  await w.training(admin, { agencyId: b.id, category: 'professional', hours: '0.5', mode: 'online', startDate: '2026-09-01', endDate: '2026-09-01' })
  await w.training(admin, { agencyId: b.id, hours: 40, startDate: '2025-05-01', endDate: '2025-05-02' })
  await w.training(admin, { agencyId: b.id, hours: 10, startDate: '2026-12-20', endDate: '2026-12-20' })
  await w.training(admin, { agencyId: c.id, hours: 30, startDate: '2026-04-01', endDate: '2026-04-01' })
  const trained = await w.officer(b.id)
  const late = await w.officer(b.id)
  const police = await w.officer(b.id, { police: true })
  const aux = await w.officer(b.id, { auxiliary: true })
  const left = await w.officer(b.id)
  const joiner = await w.officer(b.id, { joinedOn: '2026-08-01' })
  const inC = await w.officer(c.id)
  t.equal((await w.attend(admin, march, [trained.id, police.id, aux.id, left.id])).statusCode, 200)
  t.equal((await post(w.app, admin, `/v1/officers/${left.id}/departure`, { reason: 'retirement', date: '2026-05-01' })).statusCode, 200)
  t.equal((await w.record(admin, { officerId: late.id, date: '2026-07-10' })).statusCode, 201)
  t.equal((await w.record(admin, { officerId: joiner.id, date: '2026-08-10' })).statusCode, 201)
  t.equal((await w.record(admin, { officerId: inC.id, date: '2026-04-01' })).statusCode, 201)
  return w
}

const report = (w: { app: Awaited<ReturnType<typeof world>>['app'] }, headers: Headers, qs: string) =>
  w.app.inject({ method: 'GET', url: `/v1/reports/training-plans${qs}`, headers })

t.test('JSON: plan, status, delivered by category and mode, offline public law against 30 学时, rotation coverage', async (t) => {
  const w = await registry(t)
  const res = await report(w, w.admin, '?year=2026')
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.match(body, { year: 2026, asOf: '2026-12-01', planDue: '2026-05-31', rotationCheckpoint: '2026-06-30', nextCursor: null })
  t.same(body.items.map((r: Row) => r.agencyId), [w.city.id, w.countyB.id, w.countyC.id], 'every active agency in scope, by id')
  t.same(body.items[0], {
    agencyId: w.city.id,
    agencyName: w.city.name,
    plan: null,
    planStatus: 'missing',
    delivered: { publicLawOnlineHours: 0, publicLawOfflineHours: 0, professionalOnlineHours: 0, professionalOfflineHours: 0, totalHours: 0 },
    offlinePublicLawShort: true,
    rotation: { officers: 0, trained: 0, percent: null }
  })
  t.same(body.items[1], {
    agencyId: w.countyB.id,
    agencyName: w.countyB.name,
    plan: { publicLawHours: 30, professionalHours: 20.5, skillsHours: 10, totalHours: 60.5, approvedOn: '2026-03-15', document: '乙司发〔2026〕1号', filedOn: '2026-03-16' },
    planStatus: 'filed',
    delivered: { publicLawOnlineHours: 15, publicLawOfflineHours: 20, professionalOnlineHours: 0.5, professionalOfflineHours: 8, totalHours: 43.5 },
    offlinePublicLawShort: true,
    rotation: { officers: 3, trained: 2, percent: 66.7 }
  }, 'not the 2025 course nor the one ending after today; the auxiliary, the leaver and the August joiner owe no rotation; the July record is too late')
  t.match(body.items[2], {
    agencyId: w.countyC.id,
    plan: { totalHours: 59.9, approvedOn: null, document: '文号' },
    planStatus: 'below_minimum',
    delivered: { publicLawOfflineHours: 30, totalHours: 30 },
    offlinePublicLawShort: false,
    rotation: { officers: 1, trained: 1, percent: 100 }
  })
})

t.test('as of a day: no plan is not_due until PLAN_DUE has passed; what was delivered and trained by then', async (t) => {
  const w = await registry(t)
  const statuses = async (qs: string) => (await report(w, w.admin, qs)).json().items.map((r: Row) => r.planStatus)
  t.same(await statuses('?year=2026&asOf=2026-05-31'), ['not_due', 'filed', 'below_minimum'], 'due by the end of May: the last day is on time')
  t.same(await statuses('?year=2026&asOf=2026-06-01'), ['missing', 'filed', 'below_minimum'])
  t.same(await statuses('?year=2026&asOf=2026-05-30'), ['not_due', 'filed', 'not_due'], 'a plan filed after the day asked was not there yet')
  t.match((await report(w, w.admin, '?year=2026')).json().items.map((r: Row) => r.plan?.filedOn ?? null), [null, '2026-03-16', '2026-05-31'], 'the day each was filed (Shanghai)')
  t.same(await statuses('?year=2027'), ['not_due', 'not_due', 'not_due'], 'next year\'s plans')
  const march = (await report(w, w.admin, '?year=2026&asOf=2026-03-01')).json()
  t.same(march.items[1].delivered.totalHours, 0, 'the March courses end on 2 March')
  t.same(march.items[1].rotation, { officers: 3, trained: 0, percent: 0 })
  const april = (await report(w, w.admin, '?year=2026&asOf=2026-04-01')).json()
  t.match(april.items[1], { delivered: { publicLawOfflineHours: 20, publicLawOnlineHours: 15, professionalOfflineHours: 8, professionalOnlineHours: 0 }, rotation: { trained: 2, percent: 66.7 } })
  const later = await world(t, { PLAN_DUE: '04-30', ROTATION_CHECKPOINT: '07-31' }, NOW)
  const cb = later.countyB
  const o = await later.officer(cb.id)
  t.equal((await later.record(later.admin, { officerId: o.id, date: '2026-07-10' })).statusCode, 201)
  const moved = (await later.app.inject({ method: 'GET', url: `/v1/reports/training-plans?year=2026&asOf=2026-05-01&agencyId=${cb.id}`, headers: later.admin })).json()
  t.match(moved, { planDue: '2026-04-30', rotationCheckpoint: '2026-07-31', items: [{ agencyId: cb.id, planStatus: 'missing', rotation: { officers: 1, trained: 0 } }] }, 'PLAN_DUE and ROTATION_CHECKPOINT are settings; nothing after asOf counts')
  const end = (await later.app.inject({ method: 'GET', url: `/v1/reports/training-plans?year=2026&agencyId=${cb.id}`, headers: later.admin })).json()
  t.match(end.items[0].rotation, { officers: 1, trained: 1, percent: 100 }, 'trained by the later checkpoint')
})

t.test('scope: a county sees itself; agencyId narrows to a subtree; out of scope is 404; pages with a cursor', async (t) => {
  const w = await registry(t)
  const ids = async (headers: Headers, qs: string) => (await report(w, headers, qs)).json().items.map((r: Row) => r.agencyId)
  t.same(await ids(w.hrB, '?year=2026'), [w.countyB.id])
  t.same(await ids(w.admin, `?year=2026&agencyId=${w.countyC.id}`), [w.countyC.id])
  t.same(await ids(w.admin, `?year=2026&agencyId=${w.city.id}`), [w.city.id, w.countyB.id, w.countyC.id])
  assertProblem(t, await report(w, w.hrB, `?year=2026&agencyId=${w.countyC.id}`), 404, 'AGENCY_OUT_OF_SCOPE')
  assertProblem(t, await report(w, w.admin, '?year=2026&region=1'), 400, 'VALIDATION_FAILED')
  assertProblem(t, await report(w, w.admin, '?year=2026&cursor=bad'), 400, 'VALIDATION_FAILED')
  assertProblem(t, await report(w, w.admin, '?year=2028'), 422, 'DATE_OUT_OF_RANGE')
  const first = (await report(w, w.admin, '?year=2026&limit=2')).json()
  t.same(first.items.map((r: Row) => r.agencyId), [w.city.id, w.countyB.id])
  t.type(first.nextCursor, 'string')
  const second = (await report(w, w.admin, `?year=2026&limit=2&cursor=${first.nextCursor as string}`)).json()
  t.same(second.items.map((r: Row) => r.agencyId), [w.countyC.id])
  t.equal(second.nextCursor, null)
  t.match(second, { year: 2026, planDue: '2026-05-31' })
})

t.test('CSV and xlsx: every row, Chinese headers', async (t) => {
  const w = await registry(t)
  const csv = await report(w, w.admin, '?year=2026&format=csv&limit=1')
  t.equal(csv.statusCode, 200, csv.body)
  t.match(csv.headers['content-type'], /^text\/csv/)
  t.match(csv.headers['content-disposition'], /training-plans-2026\.csv/)
  t.ok(csv.body.startsWith('\ufeff'), 'BOM')
  const lines = csv.body.slice(1).trim().split('\r\n')
  t.match(lines[0], /^执法主体编号,执法主体,计划公共法律知识学时,计划业务知识学时,计划行政执法技能学时,计划总学时,计划印发日期,计划文号,计划状态,计划状态代码,线上公共法律知识学时,线下公共法律知识学时/)
  t.match(lines[0], /轮训覆盖率/)
  t.equal(lines.length, 4, 'a header and every agency, whatever limit says')
  t.equal(lines[1], `${w.city.id},${w.city.name},,,,,,,逾期未报送,missing,0,0,0,0,0,是,0,0,,`)
  t.equal(lines[2], `${w.countyB.id},${w.countyB.name},30,20.5,10,60.5,2026-03-15,乙司发〔2026〕1号,已报送,filed,15,20,0.5,8,43.5,是,3,2,66.7,2026-03-16`)
  const viaAccept = await w.app.inject({ method: 'GET', url: '/v1/reports/training-plans?year=2026', headers: { ...w.admin, accept: 'text/csv' } })
  t.match(viaAccept.headers['content-type'], /^text\/csv/, 'Accept: text/csv asks for CSV')

  const xlsx = await report(w, w.admin, '?year=2026&format=xlsx')
  t.equal(xlsx.statusCode, 200)
  t.match(xlsx.headers['content-type'], /spreadsheetml/)
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
  const sheet = book.worksheets[0]
  t.equal(sheet?.name, '2026年度培训计划')
  t.equal(sheet?.getRow(1).getCell(2).value, '执法主体')
  t.equal(sheet?.getRow(1).getCell(9).value, '计划状态')
  t.equal(sheet?.rowCount, 4)
  t.equal(sheet?.getRow(4).getCell(9).value, '不足60学时')
  t.equal(sheet?.getRow(3).getCell(19).value, 66.7)
})
