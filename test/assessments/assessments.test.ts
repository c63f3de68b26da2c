import t from 'tap'
import { assertProblem, buildTestApp } from '../helper.js'
import { createAgency, idNumber, post } from '../fixtures.js'

async function registry (t: Parameters<typeof buildTestApp>[0]) {
  const ctx = await buildTestApp(t)
  const admin = await ctx.as('admin')
  const city = await createAgency(ctx.app, admin, { level: 'city' })
  const countyB = await createAgency(ctx.app, admin, { parentId: city.id })
  const countyC = await createAgency(ctx.app, admin, { parentId: city.id })
  let seq = 300
  async function officer (agencyId: number) {
    const res = await post(ctx.app, admin, '/v1/officers', { name: '王五', idNumber: idNumber(++seq), agencyId })
    if (res.statusCode !== 201) throw new Error(`officer: ${res.body}`)
    return res.json() as { id: number }
  }
  return { ...ctx, admin, city, countyB, countyC, officer }
}

type Row = { id: number, officerId: number, year: number, grade: string }

t.test('record answers 201 with the grade; hr and clerk may record in scope', async (t) => {
  const { app, admin, as, countyB, officer } = await registry(t)
  const o = await officer(countyB.id)
  const res = await post(app, admin, '/v1/assessments', { officerId: o.id, year: 2025, grade: 'excellent' })
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json(), { officerId: o.id, year: 2025, grade: 'excellent' })
  t.type(res.json().id, 'number')
  t.type(res.json().createdAt, 'string')
  for (const [role, year] of [['hr', 2024], ['clerk', 2023]] as const) {
    const r = await post(app, await as(role, countyB.id), '/v1/assessments', { officerId: o.id, year, grade: 'competent' })
    t.equal(r.statusCode, 201, `${role}: ${r.body}`)
  }
})

t.test('record refuses bad input, naming each field', async (t) => {
  const { app, admin, countyB, officer } = await registry(t)
  const o = await officer(countyB.id)
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ officerId: o.id, year: 2025, grade: 'good' }, '/grade'],
    [{ officerId: o.id, year: 1999, grade: 'competent' }, '/year'],
    [{ officerId: o.id, year: '2025', grade: 'competent' }, '/year'],
    [{ officerId: o.id, grade: 'competent' }, '/year'],
    [{ officerId: o.id, year: 2025, grade: 'competent', note: 'x' }, '/note']
  ]
  for (const [payload, pointer] of cases) {
    const body = assertProblem(t, await post(app, admin, '/v1/assessments', payload), 400, 'VALIDATION_FAILED')
    t.ok(body.errors.some((e: { pointer: string }) => e.pointer === pointer), `names ${pointer}`)
  }
})

t.test('a second grade for the same officer and year is 409 ASSESSMENT_EXISTS and keeps the first', async (t) => {
  const { app, admin, countyB, officer } = await registry(t)
  const o = await officer(countyB.id)
  const first = await post(app, admin, '/v1/assessments', { officerId: o.id, year: 2025, grade: 'competent' })
  t.equal(first.statusCode, 201)
  const dup = assertProblem(t, await post(app, admin, '/v1/assessments', { officerId: o.id, year: 2025, grade: 'incompetent' }), 409, 'ASSESSMENT_EXISTS')
  t.equal(dup.assessmentId, first.json().id)
  t.equal((await post(app, admin, '/v1/assessments', { officerId: o.id, year: 2026, grade: 'basically_competent' })).statusCode, 201, 'another year is fine')
  const list = (await app.inject({ method: 'GET', url: `/v1/assessments?officerId=${o.id}`, headers: admin })).json()
  t.same(list.items.map((a: Row) => [a.year, a.grade]), [[2025, 'competent'], [2026, 'basically_competent']])
})

t.test('an officer outside the caller\'s scope, or unknown, is 404 naming /officerId', async (t) => {
  const { app, as, countyB, countyC, officer } = await registry(t)
  const inC = await officer(countyC.id)
  for (const role of ['hr', 'clerk'] as const) {
    const h = await as(role, countyB.id)
    for (const officerId of [inC.id, 99999]) {
      const body = assertProblem(t, await post(app, h, '/v1/assessments', { officerId, year: 2025, grade: 'competent' }), 404, 'NOT_FOUND')
      t.equal(body.errors[0].pointer, '/officerId')
    }
  }
  const list = (await app.inject({ method: 'GET', url: '/v1/assessments', headers: await as('admin') })).json()
  t.equal(list.items.length, 0, 'nothing recorded')
})

t.test('roles: an auditor reads but gets 403 on POST', async (t) => {
  const { app, as, countyB, officer } = await registry(t)
  const o = await officer(countyB.id)
  const auditor = await as('auditor', countyB.id)
  assertProblem(t, await post(app, auditor, '/v1/assessments', { officerId: o.id, year: 2025, grade: 'competent' }), 403, 'FORBIDDEN')
  t.equal((await app.inject({ method: 'GET', url: '/v1/assessments', headers: auditor })).statusCode, 200)
})

t.test('the list filters by officer and year, pages, and is scoped: a sibling agency sees none', async (t) => {
  const { app, admin, as, city, countyB, countyC, officer } = await registry(t)
  const b1 = await officer(countyB.id)
  const b2 = await officer(countyB.id)
  const c1 = await officer(countyC.id)
  const made: Array<[number, number]> = [[b1.id, 2024], [b1.id, 2025], [b2.id, 2025], [c1.id, 2025]]
  for (const [officerId, year] of made) {
    t.equal((await post(app, admin, '/v1/assessments', { officerId, year, grade: 'competent' })).statusCode, 201)
  }
  const list = async (h: { authorization: string }, q = '') =>
    (await app.inject({ method: 'GET', url: `/v1/assessments${q}`, headers: h })).json() as { items: Row[], nextCursor: string | null }
  const pairs = (l: { items: Row[] }) => l.items.map((a) => [a.officerId, a.year])

  const hrB = await as('hr', countyB.id)
  t.same(pairs(await list(hrB)), [[b1.id, 2024], [b1.id, 2025], [b2.id, 2025]], 'B sees its own officers only')
  t.same(pairs(await list(hrB, `?officerId=${b1.id}`)), [[b1.id, 2024], [b1.id, 2025]], 'by officer')
  t.same(pairs(await list(hrB, '?year=2025')), [[b1.id, 2025], [b2.id, 2025]], 'by year')
  t.same(pairs(await list(hrB, `?officerId=${b1.id}&year=2024`)), [[b1.id, 2024]], 'both')
  t.same(pairs(await list(hrB, `?officerId=${c1.id}`)), [], 'a sibling\'s officer by id: nothing')

  const hrC = await as('hr', countyC.id)
  t.same(pairs(await list(hrC, `?officerId=${b1.id}`)), [], 'the sibling sees none of B\'s')
  t.same(pairs(await list(hrC)), [[c1.id, 2025]])
  t.equal((await list(await as('auditor', city.id))).items.length, 4, 'the city sees both counties')

  const first = await list(admin, '?limit=3')
  t.equal(first.items.length, 3)
  t.type(first.nextCursor, 'string')
  const rest = await list(admin, `?limit=3&cursor=${first.nextCursor as string}`)
  t.same(pairs(rest), [[c1.id, 2025]])
  t.equal(rest.nextCursor, null)
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/assessments?grade=competent', headers: admin }), 400, 'VALIDATION_FAILED')
})
