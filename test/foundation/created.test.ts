// A create answers where the new resource is and its version (issue 19.7): 201 with `Location`
// (a GET there reads it) and the `ETag` that GET answers, so a client can PATCH it
// with If-Match without reading it first.
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from '../helper.js'
import { idNumber, post, uscc } from '../fixtures.js'
import { queryRows, tableNames } from '../db.js'
import { testClock } from '../clock.js'

type Admin = { authorization: string }
type Create = (url: string, payload: Record<string, unknown>) => Promise<{ id: number }>

/** One of each resource a create route makes, through `create`; also a confirmation and an exam
 *  result (created with their parents). `n` keeps names and numbers apart between tests. */
async function oneOfEach (t: Test, app: FastifyInstance, admin: Admin, today: string, n: number, create: Create) {
  const year = Number(today.slice(0, 4))
  const agency = await create('/v1/agencies', { name: `创建测试局${n}`, uscc: uscc(60 + n), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  t.equal((await post(app, admin, `/v1/agencies/${agency.id}/confirmations`, { year, announcementNo: `测试公告〔${year}〕${n}号`, date: today })).statusCode, 201)
  const officer = await create('/v1/officers', { name: `创建${n}`, idNumber: idNumber(60 + n), agencyId: agency.id })
  const exam = await create('/v1/exams', { name: '资格考试', date: today })
  t.equal((await post(app, admin, `/v1/exams/${exam.id}/results`, { officerId: officer.id, score: 90 })).statusCode, 201)
  const card = await create('/v1/certificates', { officerId: officer.id, agencyId: agency.id })
  await create('/v1/trainings', { title: '培训', category: 'public_law', hours: 2, startDate: today, endDate: today, mode: 'offline', provider: '市司法局', agencyId: agency.id })
  await create('/v1/training-records', { officerId: officer.id, category: 'professional', hours: 1, date: today, evidence: '证书' })
  await create('/v1/users', { username: `created-${n}`, password: 'Created-Password-1', role: 'clerk', agencyId: agency.id })
  await create('/v1/clients', { name: `创建系统${n}`, role: 'hr', agencyId: agency.id })
  return { officer, card, year }
}

t.test('every create answers Location and ETag, as the GET of that location does', async (t) => {
  const { app, as, today } = await buildTestApp(t)
  const admin = await as('admin')
  const made: Array<[string, Awaited<ReturnType<typeof post>>]> = []
  await oneOfEach(t, app, admin, today, 1, async (url, payload) => {
    const res = await post(app, admin, url, payload)
    t.equal(res.statusCode, 201, `${url}: ${res.body}`)
    made.push([url, res])
    return res.json() as { id: number }
  })
  for (const [url, res] of made) {
    const location = res.headers.location as string
    t.equal(location, `${url}/${res.json().id as number}`, `${url}: Location names the new resource`)
    const read = await app.inject({ method: 'GET', url: location, headers: admin })
    t.equal(read.statusCode, 200, `GET ${location}`)
    t.equal(res.headers.etag, read.headers.etag, `${url}: the ETag a GET answers`)
    t.equal(read.json().id, res.json().id, `${url}: the same resource`)
  }
})

t.test('every row a request writes is dated by the service clock, never by the database\'s own now', async (t) => {
  // A day no machine running this suite is at, so a row dated by the database's now shows.
  const clock = testClock(new Date('2025-03-10T02:00:00Z'))
  const { app, as, today } = await buildTestApp(t, {}, { clock })
  const admin = await as('admin')
  const created: Create = async (url, payload) => {
    const res = await post(app, admin, url, payload)
    t.equal(res.statusCode, 201, `${url}: ${res.body}`)
    return res.json() as { id: number }
  }
  const { officer, card, year } = await oneOfEach(t, app, admin, today, 2, created)
  // A card taken into custody, then cancelled by the departure: a custody, a recall and a move.
  t.equal((await post(app, admin, `/v1/certificates/${card.id}/suspension`, { reason: '涉嫌违纪，接受调查' })).statusCode, 200)
  t.equal((await post(app, admin, `/v1/officers/${officer.id}/departure`, { reason: 'retirement', date: today })).statusCode, 200)
  await created('/v1/assessments', { officerId: officer.id, year: year - 1, grade: 'competent' })
  const day = clock().toISOString().slice(0, 10)
  const wrong: string[] = []
  const dated = new Set<string>()
  for (const table of (await tableNames(app)).filter((name) => !name.startsWith('__drizzle'))) {
    for (const row of await queryRows<Record<string, unknown>>(app, `select * from "${table}"`)) {
      const at = row.created_at
      if (typeof at === 'string') dated.add(table)
      if (typeof at === 'string' && at.slice(0, 10) !== day) wrong.push(`${table}: ${at}`)
    }
  }
  t.same([...dated].sort(), ['agencies', 'agency_confirmations', 'assessments', 'card_custodies', 'card_recalls', 'certificates', 'clients', 'exam_results', 'exams', 'officer_moves', 'officers', 'training_records', 'trainings', 'users'], 'every table with a created_at was written')
  t.same([...new Set(wrong.map((w) => w.split(':')[0]))], [], `created_at of every table is the clock's day (${day}), not the machine's: ${wrong.slice(0, 3).join('; ')}`)
})
