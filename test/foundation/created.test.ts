// A create answers where the new resource is and its version (issue 19.7): 201 with `Location`
// (a GET there reads it) and the `ETag` that GET answers, so a client can PATCH it
// with If-Match without reading it first.
import t from 'tap'
import { buildTestApp } from '../helper.js'
import { idNumber, post, uscc } from '../fixtures.js'

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
