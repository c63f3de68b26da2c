import t from 'tap'
import { assertProblem, buildTestApp } from '../helper.js'
import { createAgency, idNumber, post } from '../fixtures.js'

/** A city with two sibling counties (B and C), an admin, and a helper to register officers. */
async function registry (t: Parameters<typeof buildTestApp>[0], overrides: Parameters<typeof buildTestApp>[1] = {}) {
  const ctx = await buildTestApp(t, overrides)
  const admin = await ctx.as('admin')
  const city = await createAgency(ctx.app, admin, { level: 'city' })
  const countyB = await createAgency(ctx.app, admin, { parentId: city.id })
  const countyC = await createAgency(ctx.app, admin, { parentId: city.id })
  let seq = 200
  async function officer (agencyId: number) {
    const res = await post(ctx.app, admin, '/v1/officers', { name: '李四', idNumber: idNumber(++seq), agencyId })
    if (res.statusCode !== 201) throw new Error(`officer: ${res.body}`)
    return res.json() as { id: number }
  }
  async function exam (fields: Record<string, unknown> = {}) {
    const res = await post(ctx.app, admin, '/v1/exams', { name: '2026年上半年行政执法资格考试', date: '2026-05-16', ...fields })
    if (res.statusCode !== 201) throw new Error(`exam: ${res.body}`)
    return res.json() as { id: number, passMark: number }
  }
  return { ...ctx, admin, city, countyB, countyC, officer, exam }
}

t.test('create answers 201 with the session; the pass mark defaults to the configured one', async (t) => {
  const { app, admin } = await registry(t)
  const res = await post(app, admin, '/v1/exams', { name: '2026年上半年行政执法资格考试', date: '2026-05-16' })
  t.equal(res.statusCode, 201, res.body)
  const body = res.json()
  t.type(body.id, 'number')
  t.equal(body.name, '2026年上半年行政执法资格考试')
  t.equal(body.date, '2026-05-16')
  t.equal(body.passMark, 60, 'EXAM_PASS_MARK default')
  t.type(body.createdAt, 'string')
  t.equal((await app.inject({ method: 'GET', url: `/v1/exams/${body.id as number}`, headers: admin })).headers.etag, '"1"', 'a single resource carries an ETag (a session never changes: its only version)')
  const given = await post(app, admin, '/v1/exams', { name: '补考', date: '2026-11-14', passMark: 75 })
  t.equal(given.statusCode, 201)
  t.equal(given.json().passMark, 75, 'a pass mark can be given')
})

t.test('the default pass mark follows EXAM_PASS_MARK', async (t) => {
  const { exam } = await registry(t, { EXAM_PASS_MARK: 70 })
  t.equal((await exam()).passMark, 70)
})

t.test('create refuses bad input, naming each field', async (t) => {
  const { app, admin } = await registry(t)
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ['missing name and date', {}, ['/name', '/date']],
    ['pass mark above 100', { name: 'x', date: '2026-05-16', passMark: 101 }, ['/passMark']],
    ['pass mark as text', { name: 'x', date: '2026-05-16', passMark: '60' }, ['/passMark']],
    ['not a date', { name: 'x', date: '16/05/2026' }, ['/date']],
    ['unknown field', { name: 'x', date: '2026-05-16', location: '太原' }, ['/location']]
  ]
  for (const [what, payload, pointers] of cases) {
    const body = assertProblem(t, await post(app, admin, '/v1/exams', payload), 400, 'VALIDATION_FAILED')
    const named = body.errors.map((e: { pointer: string }) => e.pointer)
    for (const p of pointers) t.ok(named.includes(p), `${what}: names ${p} (${named.join(' ')})`)
  }
  t.equal((await app.inject({ method: 'GET', url: '/v1/exams', headers: admin })).json().items.length, 0, 'nothing created')
})

t.test('list pages with a cursor; one session reads by id, an unknown id is 404', async (t) => {
  const { app, as, countyB, exam } = await registry(t)
  const made = [await exam({ name: 'A' }), await exam({ name: 'B' }), await exam({ name: 'C' })]
  const hr = await as('hr', countyB.id)
  const first = (await app.inject({ method: 'GET', url: '/v1/exams?limit=2', headers: hr })).json()
  t.same(first.items.map((e: { id: number }) => e.id), [made[0]?.id, made[1]?.id])
  t.type(first.nextCursor, 'string')
  const second = (await app.inject({ method: 'GET', url: `/v1/exams?limit=2&cursor=${first.nextCursor as string}`, headers: hr })).json()
  t.same(second.items.map((e: { name: string }) => e.name), ['C'])
  t.equal(second.nextCursor, null)
  const one = await app.inject({ method: 'GET', url: `/v1/exams/${made[1]?.id ?? 0}`, headers: hr })
  t.equal(one.statusCode, 200)
  t.equal(one.json().name, 'B')
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/exams/99999', headers: hr }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/exams/abc', headers: hr }), 400, 'VALIDATION_FAILED')
})

t.test('a result: 201, and passed follows from the score and the pass mark', async (t) => {
  const { app, admin, countyB, officer, exam } = await registry(t)
  const e = await exam({ passMark: 60 })
  const cases: Array<[number, boolean | undefined, boolean]> = [
    [59, undefined, false],
    [60, undefined, true],
    [100, undefined, true],
    [0, false, false],
    [75, true, true]
  ]
  for (const [score, claimed, expected] of cases) {
    const o = await officer(countyB.id)
    const res = await post(app, admin, `/v1/exams/${e.id}/results`, { officerId: o.id, score, ...(claimed === undefined ? {} : { passed: claimed }) })
    t.equal(res.statusCode, 201, `score ${score}: ${res.body}`)
    t.match(res.json(), { examId: e.id, officerId: o.id, score, passed: expected }, `score ${score} → passed ${String(expected)}`)
  }
})

t.test('passed contradicting the score is 400 VALIDATION_FAILED naming /passed, and records nothing', async (t) => {
  const { app, admin, countyB, officer, exam } = await registry(t)
  const e = await exam()
  const o = await officer(countyB.id)
  for (const [score, passed] of [[59, true], [60, false]] as const) {
    const body = assertProblem(t, await post(app, admin, `/v1/exams/${e.id}/results`, { officerId: o.id, score, passed }), 400, 'VALIDATION_FAILED')
    t.same(body.errors.map((x: { pointer: string }) => x.pointer), ['/passed'], `score ${score} with passed=${String(passed)}`)
  }
  t.equal((await app.inject({ method: 'GET', url: `/v1/exams/${e.id}/results`, headers: admin })).json().items.length, 0, 'no result stored')
  t.equal((await post(app, admin, `/v1/exams/${e.id}/results`, { officerId: o.id, score: 60, passed: true })).statusCode, 201, 'the corrected result is accepted')
})

t.test('a result refuses bad scores and unknown fields', async (t) => {
  const { app, admin, countyB, officer, exam } = await registry(t)
  const e = await exam()
  const o = await officer(countyB.id)
  for (const payload of [{ officerId: o.id, score: 101 }, { officerId: o.id, score: -1 }, { officerId: o.id, score: 80.5 }, { officerId: o.id, score: '80' }, { officerId: o.id, score: 80, grade: 'A' }]) {
    assertProblem(t, await post(app, admin, `/v1/exams/${e.id}/results`, payload), 400, 'VALIDATION_FAILED')
  }
})

t.test('a second result for the same officer and exam is 409 EXAM_RESULT_EXISTS; another exam is fine', async (t) => {
  const { app, admin, countyB, officer, exam } = await registry(t)
  const e = await exam()
  const o = await officer(countyB.id)
  const first = await post(app, admin, `/v1/exams/${e.id}/results`, { officerId: o.id, score: 40 })
  t.equal(first.statusCode, 201)
  const dup = assertProblem(t, await post(app, admin, `/v1/exams/${e.id}/results`, { officerId: o.id, score: 90 }), 409, 'EXAM_RESULT_EXISTS')
  t.equal(dup.resultId, first.json().id, 'names the result already recorded')
  const retake = await exam({ name: '补考' })
  t.equal((await post(app, admin, `/v1/exams/${retake.id}/results`, { officerId: o.id, score: 90 })).statusCode, 201, 'a retake in another session')
})

t.test('an unknown exam is 404, for recording and for listing results', async (t) => {
  const { app, admin, countyB, officer } = await registry(t)
  const o = await officer(countyB.id)
  assertProblem(t, await post(app, admin, '/v1/exams/99999/results', { officerId: o.id, score: 80 }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/exams/99999/results', headers: admin }), 404, 'NOT_FOUND')
})

t.test('an officer outside the caller\'s scope (or unknown) is 404 naming /officerId', async (t) => {
  const { app, as, countyB, countyC, officer, exam } = await registry(t)
  const e = await exam()
  const inC = await officer(countyC.id)
  const clerkB = await as('clerk', countyB.id)
  for (const officerId of [inC.id, 99999]) {
    const body = assertProblem(t, await post(app, clerkB, `/v1/exams/${e.id}/results`, { officerId, score: 80 }), 404, 'NOT_FOUND')
    t.equal(body.errors[0].pointer, '/officerId')
  }
  const inB = await officer(countyB.id)
  t.equal((await post(app, clerkB, `/v1/exams/${e.id}/results`, { officerId: inB.id, score: 80 })).statusCode, 201, 'in scope: recorded')
  const clerkC = await as('clerk', countyC.id)
  t.equal((await post(app, clerkC, `/v1/exams/${e.id}/results`, { officerId: inC.id, score: 80 })).statusCode, 201, 'the sibling\'s clerk records its own')
})

t.test('roles: hr and auditor may read exams but get 403 on every POST', async (t) => {
  const { app, as, countyB, officer, exam } = await registry(t)
  const e = await exam()
  const o = await officer(countyB.id)
  for (const role of ['hr', 'auditor'] as const) {
    const h = await as(role, countyB.id)
    assertProblem(t, await post(app, h, '/v1/exams', { name: 'x', date: '2026-05-16' }), 403, 'FORBIDDEN')
    assertProblem(t, await post(app, h, `/v1/exams/${e.id}/results`, { officerId: o.id, score: 80 }), 403, 'FORBIDDEN')
    t.equal((await app.inject({ method: 'GET', url: '/v1/exams', headers: h })).statusCode, 200, `${role} reads the list`)
    t.equal((await app.inject({ method: 'GET', url: `/v1/exams/${e.id}/results`, headers: h })).statusCode, 200, `${role} reads results`)
  }
  const clerk = await as('clerk', countyB.id)
  t.equal((await post(app, clerk, '/v1/exams', { name: 'x', date: '2026-05-16' })).statusCode, 201, 'a clerk creates sessions')
  assertProblem(t, await post(app, {} as { authorization: string }, '/v1/exams', { name: 'x', date: '2026-05-16' }), 401, 'UNAUTHENTICATED')
})

t.test('GET results shows only officers in the caller\'s scope, and pages', async (t) => {
  const { app, admin, as, city, countyB, countyC, officer, exam } = await registry(t)
  const e = await exam()
  const b1 = await officer(countyB.id)
  const c1 = await officer(countyC.id)
  const b2 = await officer(countyB.id)
  for (const o of [b1, c1, b2]) await post(app, admin, `/v1/exams/${e.id}/results`, { officerId: o.id, score: 80 })
  const seen = async (h: { authorization: string }, q = '') =>
    (await app.inject({ method: 'GET', url: `/v1/exams/${e.id}/results${q}`, headers: h })).json()
  t.same((await seen(await as('hr', countyB.id))).items.map((r: { officerId: number }) => r.officerId), [b1.id, b2.id], 'B sees B\'s officers')
  t.same((await seen(await as('auditor', countyC.id))).items.map((r: { officerId: number }) => r.officerId), [c1.id], 'C sees C\'s officer')
  t.same((await seen(await as('clerk', city.id))).items.map((r: { officerId: number }) => r.officerId), [b1.id, c1.id, b2.id], 'the city sees both counties')
  const page = await seen(admin, '?limit=2')
  t.equal(page.items.length, 2)
  t.type(page.nextCursor, 'string')
  const rest = await seen(admin, `?limit=2&cursor=${page.nextCursor as string}`)
  t.same(rest.items.map((r: { officerId: number }) => r.officerId), [b2.id])
  t.equal(rest.nextCursor, null)
})

t.test('a result waits for the exam: 422 EXAM_NOT_HELD before its day, nothing stored; accepted from that day (Shanghai)', async (t) => {
  let now = new Date('2026-05-15T15:59:00Z') // 23:59 on 15 May in Shanghai
  const ctx = await buildTestApp(t, {}, { clock: () => now })
  const admin = await ctx.as('admin')
  const agency = await createAgency(ctx.app, admin, {})
  const officer = (await post(ctx.app, admin, '/v1/officers', { name: '王五', idNumber: idNumber(301), agencyId: agency.id })).json() as { id: number }
  const exam = (await post(ctx.app, admin, '/v1/exams', { name: '2026年上半年行政执法资格考试', date: '2026-05-16' })).json() as { id: number }
  const record = () => post(ctx.app, admin, `/v1/exams/${exam.id}/results`, { officerId: officer.id, score: 90 })
  const early = assertProblem(t, await record(), 422, 'EXAM_NOT_HELD')
  t.match(early.detail, /2026-05-16/)
  t.equal((await ctx.app.inject({ method: 'GET', url: `/v1/exams/${exam.id}/results`, headers: admin })).json().items.length, 0, 'no result stored')
  now = new Date('2026-05-15T16:00:00Z') // 00:00 on 16 May in Shanghai
  t.equal((await record()).statusCode, 201, 'recorded on the day of the exam')
})
