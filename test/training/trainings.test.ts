import t from 'tap'
import { assertProblem } from '../helper.js'
import { world } from './world.js'
import { queryRow } from '../db.js'

t.test('a training in hours answers 201 with its conversion: the figure as given, the rule, exact units', async (t) => {
  const { createTraining, admin } = await world(t)
  const res = await createTraining(admin, { hours: 1.5 })
  t.equal(res.statusCode, 201, res.body)
  const body = res.json()
  t.type(body.id, 'number')
  t.match(body, { category: 'public_law', hours: 1.5, minutes: null, rule: 'hours', units: 135, creditHours: 1.5, year: 2026, agencyId: null, mode: 'offline' })
})

t.test('a training in minutes converts at 45 minutes = 1 学时; hours may come as a decimal string', async (t) => {
  const { createTraining, admin } = await world(t)
  const minutes = await createTraining(admin, { hours: undefined, minutes: 1350, category: 'professional' })
  t.equal(minutes.statusCode, 201, minutes.body)
  t.match(minutes.json(), { hours: null, minutes: 1350, rule: 'minutes_45', units: 2700, creditHours: 30 })
  const text = await createTraining(admin, { hours: '0.1' })
  t.equal(text.statusCode, 201, text.body)
  t.match(text.json(), { hours: 0.1, units: 9, creditHours: 0.1 })
})

t.test('hours and minutes: both or neither is 422 HOURS_OR_MINUTES; a malformed figure is 400 naming it', async (t) => {
  const { createTraining, admin } = await world(t)
  assertProblem(t, await createTraining(admin, { hours: 2, minutes: 90 }), 422, 'HOURS_OR_MINUTES')
  assertProblem(t, await createTraining(admin, { hours: undefined }), 422, 'HOURS_OR_MINUTES')
  assertProblem(t, await createTraining(admin, { hours: null, minutes: null }), 422, 'HOURS_OR_MINUTES')
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ hours: 0.15 }, '/hours'],
    [{ hours: '2.25' }, '/hours'],
    [{ hours: 0 }, '/hours'],
    [{ hours: undefined, minutes: 0 }, '/minutes'],
    [{ hours: '1001' }, '/hours'],
    [{ hours: undefined, minutes: 45.5 }, '/minutes'],
    [{ hours: undefined, minutes: '90' }, '/minutes']
  ]
  for (const [fields, pointer] of cases) {
    const body = assertProblem(t, await createTraining(admin, fields), 400, 'VALIDATION_FAILED')
    t.ok(body.errors.some((e: { pointer: string }) => e.pointer === pointer), `${JSON.stringify(fields)} names ${pointer}`)
  }
})

t.test('an end date before the start date is 422 DATE_RANGE_INVALID; a training counts in the year it ends', async (t) => {
  const { createTraining, admin } = await world(t)
  assertProblem(t, await createTraining(admin, { startDate: '2026-03-02', endDate: '2026-03-01' }), 422, 'DATE_RANGE_INVALID')
  const across = await createTraining(admin, { startDate: '2025-12-30', endDate: '2026-01-02' })
  t.equal(across.json().year, 2026)
  const badDay = await createTraining(admin, { startDate: '2026-02-30', endDate: '2026-03-01' })
  assertProblem(t, badDay, 400, 'VALIDATION_FAILED')
})

t.test('bodies are strict: an unknown field or a wrong type is 400', async (t) => {
  const { createTraining, admin } = await world(t)
  const unknown = assertProblem(t, await createTraining(admin, { hourz: 3 }), 400, 'VALIDATION_FAILED')
  t.same(unknown.errors.map((e: { pointer: string }) => e.pointer), ['/hourz'])
  assertProblem(t, await createTraining(admin, { category: 'general' }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await createTraining(admin, { mode: 'hybrid' }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await createTraining(admin, { title: '' }), 400, 'VALIDATION_FAILED')
})

t.test('the organiser: omitted is the caller\'s agency; outside scope is 404; open to all is for admins only (403)', async (t) => {
  const { createTraining, admin, hrB, countyB, countyC } = await world(t)
  const own = await createTraining(hrB, {})
  t.equal(own.statusCode, 201, own.body)
  t.equal(own.json().agencyId, countyB.id)
  const sibling = assertProblem(t, await createTraining(hrB, { agencyId: countyC.id }), 404, 'AGENCY_OUT_OF_SCOPE')
  t.equal(sibling.errors[0].pointer, '/agencyId')
  assertProblem(t, await createTraining(hrB, { agencyId: 999999 }), 404, 'AGENCY_OUT_OF_SCOPE')
  assertProblem(t, await createTraining(hrB, { agencyId: null }), 403, 'FORBIDDEN')
  t.equal((await createTraining(admin, { agencyId: null })).json().agencyId, null)
  t.equal((await createTraining(admin, { agencyId: countyC.id })).json().agencyId, countyC.id)
})

t.test('roles: auditor may read trainings but not create one (403); no token is 401', async (t) => {
  const { app, as, createTraining, training, admin, countyB } = await world(t)
  const auditor = await as('auditor', countyB.id)
  assertProblem(t, await createTraining(auditor, {}), 403, 'FORBIDDEN')
  const clerk = await as('clerk', countyB.id)
  t.equal((await createTraining(clerk, {})).statusCode, 201, 'clerk may')
  const id = await training(admin)
  t.equal((await app.inject({ method: 'GET', url: `/v1/trainings/${id}`, headers: auditor })).statusCode, 200)
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/trainings', payload: {} }), 401, 'UNAUTHENTICATED')
})

t.test('scope: a caller sees trainings organised in scope and those open to all, never a sibling\'s (404)', async (t) => {
  const { app, training, admin, hrB, hrC, countyB, countyC, city } = await world(t)
  const open = await training(admin, { agencyId: null })
  const ofB = await training(hrB)
  const ofC = await training(hrC)
  const ofCity = await training(admin, { agencyId: city.id })
  const ids = async (headers: typeof hrB, qs = '') =>
    (await app.inject({ method: 'GET', url: `/v1/trainings${qs}`, headers })).json().items.map((x: { id: number }) => x.id)
  t.same(await ids(hrB), [open, ofB])
  t.same(await ids(hrC), [open, ofC])
  t.same(await ids(admin), [open, ofB, ofC, ofCity])
  t.same(await ids(admin, `?agencyId=${countyB.id}`), [ofB])
  assertProblem(t, await app.inject({ method: 'GET', url: `/v1/trainings/${ofC}`, headers: hrB }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ method: 'GET', url: `/v1/trainings/${ofCity}`, headers: hrB }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/trainings/424242', headers: admin }), 404, 'NOT_FOUND')
  t.equal((await app.inject({ method: 'GET', url: `/v1/trainings/${ofB}`, headers: hrB })).json().agencyId, countyB.id)
  t.not(countyB.id, countyC.id)
})

t.test('the list pages with a cursor and filters by year and category; a forged cursor is 400', async (t) => {
  const { app, training, admin } = await world(t)
  const a = await training(admin)
  const b = await training(admin, { category: 'professional' })
  const c = await training(admin, { startDate: '2025-05-01', endDate: '2025-05-01' })
  const first = (await app.inject({ method: 'GET', url: '/v1/trainings?limit=2', headers: admin })).json()
  t.same(first.items.map((x: { id: number }) => x.id), [a, b])
  t.type(first.nextCursor, 'string')
  const second = (await app.inject({ method: 'GET', url: `/v1/trainings?limit=2&cursor=${first.nextCursor as string}`, headers: admin })).json()
  t.same(second.items.map((x: { id: number }) => x.id), [c])
  t.equal(second.nextCursor, null)
  const y2025 = (await app.inject({ method: 'GET', url: '/v1/trainings?year=2025', headers: admin })).json()
  t.same(y2025.items.map((x: { id: number }) => x.id), [c])
  const pro = (await app.inject({ method: 'GET', url: '/v1/trainings?category=professional', headers: admin })).json()
  t.same(pro.items.map((x: { id: number }) => x.id), [b])
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/trainings?cursor=bm9wZQ', headers: admin }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/trainings?yaer=2025', headers: admin }), 400, 'VALIDATION_FAILED')
})

t.test('creating a training appends an audit event in the same transaction', async (t) => {
  const { app, training, hrB } = await world(t)
  const id = await training(hrB)
  const row = await queryRow(app, "select action, after from audit_events where entity = 'training' and entity_id = $1", String(id)) as { action: string, after: string }
  t.equal(row.action, 'create')
  t.match(JSON.parse(row.after), { id, units: 2700, rule: 'hours', rawHours: '30' })
})

t.test('a training and a training record, which never change once written, carry an ETag like every single resource', async (t) => {
  const { app, admin, training, record, officer, countyB } = await world(t)
  const id = await training(admin)
  const o = await officer(countyB.id)
  const r = await record(admin, { officerId: o.id })
  t.equal(r.statusCode, 201, r.body)
  for (const url of [`/v1/trainings/${id}`, `/v1/training-records/${r.json().id as number}`]) {
    const res = await app.inject({ method: 'GET', url, headers: admin })
    t.equal(res.statusCode, 200)
    t.equal(res.headers.etag, '"1"', url)
  }
})
