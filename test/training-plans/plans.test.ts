// 年度培训计划: filing, reading, correcting (If-Match), and what is refused.
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { assertProblem } from '../helper.js'
import { post } from '../fixtures.js'
import { queryRows } from '../db.js'
import { world } from '../training/world.js'

/** 10:00 on 1 December 2026, Asia/Shanghai. */
const NOW = new Date('2026-12-01T02:00:00Z')

const PLAN = { year: 2026, publicLawHours: 30, professionalHours: '20.5', skillsHours: 10, approvedOn: '2026-03-15', document: '太司发〔2026〕12号', note: '含线下公共法律知识培训' }

type Headers = { authorization: string }
const plansUrl = (agencyId: number) => `/v1/agencies/${agencyId}/training-plans`
const get = (app: FastifyInstance, headers: Headers, url: string) => app.inject({ method: 'GET', url, headers })
const put = (app: FastifyInstance, headers: Headers, url: string, payload: Record<string, unknown>, ifMatch?: string) =>
  app.inject({ method: 'PUT', url, headers: ifMatch === undefined ? headers : { ...headers, 'if-match': ifMatch }, payload })

const registry = async (t: Test) => await world(t, {}, NOW)

t.test('a plan is filed: 201 with Location and ETag, its hours exact, and GET answers the same', async (t) => {
  const w = await registry(t)
  const res = await post(w.app, w.hrB, plansUrl(w.countyB.id), PLAN)
  t.equal(res.statusCode, 201, res.body)
  t.equal(res.headers.location, `/v1/agencies/${w.countyB.id}/training-plans/2026`)
  t.equal(res.headers.etag, '"1"')
  const body = res.json()
  t.match(body, {
    agencyId: w.countyB.id,
    year: 2026,
    publicLawHours: 30,
    professionalHours: 20.5,
    skillsHours: 10,
    totalHours: 60.5,
    publicLawUnits: 2700,
    professionalUnits: 1845,
    skillsUnits: 900,
    totalUnits: 5445,
    meetsMinimum: true,
    approvedOn: '2026-03-15',
    document: '太司发〔2026〕12号',
    note: '含线下公共法律知识培训',
    version: 1,
    updatedAt: null
  })
  const read = await get(w.app, w.hrB, res.headers.location as string)
  t.equal(read.statusCode, 200)
  t.equal(read.headers.etag, '"1"')
  t.same(read.json(), body)
  const list = (await get(w.app, w.hrB, plansUrl(w.countyB.id))).json()
  t.same(list, { items: [body], nextCursor: null })
  const audit = await queryRows<{ entity: string, action: string, agency_id: number }>(w.app, 'select entity, action, agency_id from audit_events where entity = $1', 'training_plan')
  t.same(audit, [{ entity: 'training_plan', action: 'create', agency_id: w.countyB.id }], 'audited')
})

t.test('a plan under 60 学时 is filed, marked so', async (t) => {
  const w = await registry(t)
  const res = await post(w.app, w.admin, plansUrl(w.countyC.id), { ...PLAN, professionalHours: 19.9, approvedOn: undefined, note: undefined })
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json(), { totalHours: 59.9, totalUnits: 5391, meetsMinimum: false, approvedOn: null, note: null })
})

t.test('a second plan for the same agency and year is 409 PLAN_EXISTS naming it; another year is fine', async (t) => {
  const w = await registry(t)
  const first = await post(w.app, w.hrB, plansUrl(w.countyB.id), PLAN)
  t.equal(first.statusCode, 201)
  const dup = assertProblem(t, await post(w.app, w.hrB, plansUrl(w.countyB.id), { ...PLAN, document: '另一文号' }), 409, 'PLAN_EXISTS')
  t.equal(dup.planId, first.json().id)
  t.match(dup.detail, /2026/)
  t.equal((await post(w.app, w.hrB, plansUrl(w.countyB.id), { ...PLAN, year: 2025 })).statusCode, 201)
  t.equal((await post(w.app, w.hrC, plansUrl(w.countyC.id), PLAN)).statusCode, 201, 'another agency, the same year')
})

t.test('a merged or dissolved agency files no plan: 409 AGENCY_NOT_ACTIVE (its successor does)', async (t) => {
  const w = await registry(t)
  t.equal((await post(w.app, w.admin, `/v1/agencies/${w.countyC.id}/dissolution`, { date: '2026-11-01' })).statusCode, 200)
  assertProblem(t, await post(w.app, w.admin, plansUrl(w.countyC.id), PLAN), 409, 'AGENCY_NOT_ACTIVE')
  t.same(await queryRows(w.app, 'select id from training_plans'), [], 'nothing filed')
})

t.test('an agency out of scope is 404, on every route', async (t) => {
  const w = await registry(t)
  t.equal((await post(w.app, w.admin, plansUrl(w.countyC.id), PLAN)).statusCode, 201)
  assertProblem(t, await post(w.app, w.hrB, plansUrl(w.countyC.id), PLAN), 404, 'NOT_FOUND')
  assertProblem(t, await get(w.app, w.hrB, plansUrl(w.countyC.id)), 404, 'NOT_FOUND')
  assertProblem(t, await get(w.app, w.hrB, `${plansUrl(w.countyC.id)}/2026`), 404, 'NOT_FOUND')
  assertProblem(t, await put(w.app, w.hrB, `${plansUrl(w.countyC.id)}/2026`, { ...PLAN, year: undefined }, '"1"'), 404, 'NOT_FOUND')
  assertProblem(t, await get(w.app, w.hrC, `${plansUrl(w.countyC.id)}/2025`), 404, 'NOT_FOUND')
  assertProblem(t, await post(w.app, w.admin, plansUrl(99999), PLAN), 404, 'NOT_FOUND')
})

t.test('bad input: unknown fields and wrong types 400 naming the field; bad hours and dates 422 naming it', async (t) => {
  const w = await registry(t)
  const bad: Array<[Record<string, unknown>, number, string, string]> = [
    [{ ...PLAN, budget: 1 }, 400, 'VALIDATION_FAILED', '/budget'],
    [{ ...PLAN, publicLawHours: true }, 400, 'VALIDATION_FAILED', '/publicLawHours'],
    [{ ...PLAN, document: undefined }, 400, 'VALIDATION_FAILED', '/document'],
    [{ ...PLAN, year: 1999 }, 400, 'VALIDATION_FAILED', '/year'],
    [{ ...PLAN, skillsHours: 0.15 }, 422, 'PLAN_HOURS_INVALID', '/skillsHours'],
    [{ ...PLAN, professionalHours: '-2' }, 422, 'PLAN_HOURS_INVALID', '/professionalHours'],
    [{ ...PLAN, publicLawHours: 1000.5 }, 422, 'PLAN_HOURS_INVALID', '/publicLawHours'],
    [{ ...PLAN, year: 2028 }, 422, 'DATE_OUT_OF_RANGE', '/year'],
    [{ ...PLAN, approvedOn: '2026-12-02' }, 422, 'DATE_IN_FUTURE', '/approvedOn']
  ]
  for (const [payload, status, code, pointer] of bad) {
    const body = assertProblem(t, await post(w.app, w.admin, plansUrl(w.countyB.id), payload), status, code)
    t.ok(body.errors?.some((e: { pointer: string }) => e.pointer === pointer), `${code} names ${pointer}: ${JSON.stringify(body.errors)}`)
  }
  t.same(await queryRows(w.app, 'select id from training_plans'), [], 'nothing stored')
})

t.test('a correction needs If-Match: 428 without, 412 when stale; it replaces the plan, moves the version on and is audited before and after', async (t) => {
  const w = await registry(t)
  const created = await post(w.app, w.hrB, plansUrl(w.countyB.id), PLAN)
  const url = created.headers.location as string
  const change = { publicLawHours: 30, professionalHours: 20, skillsHours: 5, document: '太司发〔2026〕13号' }
  assertProblem(t, await put(w.app, w.hrB, url, change), 428, 'PRECONDITION_REQUIRED')
  assertProblem(t, await put(w.app, w.hrB, url, change, '"7"'), 412, 'PRECONDITION_FAILED')
  assertProblem(t, await put(w.app, w.hrB, url, { ...change, year: 2026 }, '"1"'), 400, 'VALIDATION_FAILED')
  assertProblem(t, await put(w.app, w.hrB, `${plansUrl(w.countyB.id)}/2025`, change, '"1"'), 404, 'NOT_FOUND')
  const res = await put(w.app, w.hrB, url, change, '"1"')
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.headers.etag, '"2"')
  t.match(res.json(), { year: 2026, totalHours: 55, meetsMinimum: false, approvedOn: null, note: null, document: '太司发〔2026〕13号', version: 2 })
  t.type(res.json().updatedAt, 'string')
  t.equal((await get(w.app, w.hrB, url)).headers.etag, '"2"')
  assertProblem(t, await put(w.app, w.hrB, url, change, '"1"'), 412, 'PRECONDITION_FAILED')
  const audit = await queryRows<{ action: string, before: string | null, after: string }>(w.app, 'select action, before, after from audit_events where entity = $1 order by id', 'training_plan')
  t.equal(audit.length, 2)
  t.equal(audit[1]?.action, 'update')
  t.match(JSON.parse(audit[1]?.before ?? '{}'), { skillsUnits: 900, version: 1 })
  t.match(JSON.parse(audit[1]?.after ?? '{}'), { skillsUnits: 450, version: 2 })
})

t.test('a retried create with the same Idempotency-Key answers the first again', async (t) => {
  const w = await registry(t)
  const send = async () => await w.app.inject({ method: 'POST', url: plansUrl(w.countyB.id), headers: { ...w.hrB, 'idempotency-key': 'plan-2026-b' }, payload: PLAN })
  const first = await send()
  const again = await send()
  t.equal(first.statusCode, 201)
  t.equal(again.statusCode, 201)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.same(again.json(), first.json())
  t.equal((await queryRows(w.app, 'select id from training_plans')).length, 1)
})

t.test('trainings answer organizerAgencyId and take it as another name for agencyId', async (t) => {
  const w = await registry(t)
  const byAgency = await w.createTraining(w.admin, { agencyId: w.countyB.id })
  t.equal(byAgency.statusCode, 201, byAgency.body)
  t.match(byAgency.json(), { agencyId: w.countyB.id, organizerAgencyId: w.countyB.id })
  const byOrganizer = await w.createTraining(w.admin, { organizerAgencyId: w.countyC.id })
  t.equal(byOrganizer.statusCode, 201, byOrganizer.body)
  t.match(byOrganizer.json(), { agencyId: w.countyC.id, organizerAgencyId: w.countyC.id })
  t.equal((await w.createTraining(w.admin, { agencyId: w.countyC.id, organizerAgencyId: w.countyC.id })).statusCode, 201, 'both, agreeing')
  const own = await w.createTraining(w.hrB)
  t.match(own.json(), { agencyId: w.countyB.id, organizerAgencyId: w.countyB.id }, 'default: the caller\'s agency')
  const read = (await get(w.app, w.admin, `/v1/trainings/${byOrganizer.json().id as number}`)).json()
  t.equal(read.organizerAgencyId, w.countyC.id)
  const body = assertProblem(t, await w.createTraining(w.admin, { agencyId: w.countyB.id, organizerAgencyId: w.countyC.id }), 422, 'FIELDS_DISAGREE')
  t.same(body.errors.map((e: { pointer: string }) => e.pointer), ['/organizerAgencyId'])
})
