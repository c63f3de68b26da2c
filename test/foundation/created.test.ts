// A create answers where the new resource is and its version (issue 19.7): 201 with `Location`
// (a GET there reads it) and the `ETag` that GET answers, so a client can PATCH it
// with If-Match without reading it first.
import t from 'tap'
import { buildTestApp } from '../helper.js'
import { idNumber, post, uscc } from '../fixtures.js'
import { queryRows, tableNames } from '../db.js'

t.test('every create answers Location and ETag, as the GET of that location does', async (t) => {
  const { app, as, today } = await buildTestApp(t)
  const admin = await as('admin')
  const year = Number(today.slice(0, 4))
  const made: Array<[string, Awaited<ReturnType<typeof post>>]> = []
  const create = async (url: string, payload: Record<string, unknown>) => {
    const res = await post(app, admin, url, payload)
    t.equal(res.statusCode, 201, `${url}: ${res.body}`)
    made.push([url, res])
    return res.json() as { id: number }
  }
  const agency = await create('/v1/agencies', { name: '位置测试局', uscc: uscc(61), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  t.equal((await post(app, admin, `/v1/agencies/${agency.id}/confirmations`, { year, announcementNo: `测试公告〔${year}〕1号`, date: today })).statusCode, 201)
  const officer = await create('/v1/officers', { name: '位置', idNumber: idNumber(61), agencyId: agency.id })
  const exam = await create('/v1/exams', { name: '资格考试', date: today })
  t.equal((await post(app, admin, `/v1/exams/${exam.id}/results`, { officerId: officer.id, score: 90 })).statusCode, 201)
  await create('/v1/certificates', { officerId: officer.id, agencyId: agency.id })
  await create('/v1/trainings', { title: '培训', category: 'public_law', hours: 2, startDate: today, endDate: today, mode: 'offline', provider: '市司法局', agencyId: agency.id })
  await create('/v1/training-records', { officerId: officer.id, category: 'professional', hours: 1, date: today, evidence: '证书' })
  await create('/v1/users', { username: 'located', password: 'Located-Password-1', role: 'clerk', agencyId: agency.id })
  await create('/v1/clients', { name: '位置系统', role: 'hr', agencyId: agency.id })

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
  const { app, as, today, clock } = await buildTestApp(t)
  const admin = await as('admin')
  const year = Number(today.slice(0, 4))
  const agency = (await post(app, admin, '/v1/agencies', { name: '时钟测试局', uscc: uscc(62), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })).json() as { id: number }
  await post(app, admin, `/v1/agencies/${agency.id}/confirmations`, { year, announcementNo: `测试公告〔${year}〕2号`, date: today })
  const officer = (await post(app, admin, '/v1/officers', { name: '时钟', idNumber: idNumber(62), agencyId: agency.id })).json() as { id: number }
  const exam = (await post(app, admin, '/v1/exams', { name: '资格考试', date: today })).json() as { id: number }
  await post(app, admin, `/v1/exams/${exam.id}/results`, { officerId: officer.id, score: 90 })
  const card = (await post(app, admin, '/v1/certificates', { officerId: officer.id, agencyId: agency.id })).json() as { id: number }
  await post(app, admin, '/v1/trainings', { title: '培训', category: 'public_law', hours: 2, startDate: today, endDate: today, mode: 'offline', provider: '市司法局', agencyId: agency.id })
  await post(app, admin, '/v1/training-records', { officerId: officer.id, category: 'professional', hours: 1, date: today, evidence: '证书' })
  // A card taken into custody, then cancelled by the departure: a custody, a recall and a move.
  t.equal((await post(app, admin, `/v1/certificates/${card.id}/suspension`, { reason: '涉嫌违纪，接受调查' })).statusCode, 200)
  t.equal((await post(app, admin, `/v1/officers/${officer.id}/departure`, { reason: 'retirement', date: today })).statusCode, 200)
  await post(app, admin, '/v1/users', { username: 'clocked', password: 'Clocked-Password-1', role: 'clerk', agencyId: agency.id })
  await post(app, admin, '/v1/clients', { name: '时钟系统', role: 'hr', agencyId: agency.id })
  await post(app, admin, '/v1/assessments', { officerId: officer.id, year: year - 1, grade: 'competent' })
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
