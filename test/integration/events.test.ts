// The change feed: domain events as CloudEvents, in order, in scope, resumable from a cursor.
// engine: sqlite-only in part — the restore test takes SQLite's online backup of the file
import t from 'tap'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { assertProblem, buildTestApp, sqliteStoreOf } from '../helper.js'
import { ADMIN_ACTOR, createAgency, distinctIdNumber, post, registerOfficers } from '../fixtures.js'
import { registry } from '../core/setup.js'
import { newTraining } from '../training/world.js'
import { sqliteOnly } from '../db.js'

interface CloudEvent { specversion: string, id: string, source: string, type: string, time: string, subject: string, datacontenttype: string, agencyid: number, data: Record<string, any> }
type Headers = { authorization: string }

t.test('every change a downstream system cares about is in the feed, in order, as a CloudEvent', async (t) => {
  const { app, admin, countyB, countyC, certified, year } = await registry(t)
  const { officer, certificate } = await certified(countyB.id)
  const cert = `/v1/certificates/${certificate.id}`
  await post(app, admin, `${cert}/suspension`, { reason: '调查期间' })
  await post(app, admin, `${cert}/reinstatement`, { reason: '调查结束' })
  await post(app, admin, `${cert}/revocation`, { reason: '违法执法' })
  await app.inject({ method: 'PATCH', url: `/v1/officers/${officer.id}`, headers: { ...admin, 'if-match': `"${officer.version}"` }, payload: { employeeNo: 'HR-1' } })
  const training = (await post(app, admin, '/v1/trainings', {
    title: '行政处罚法专题', category: 'public_law', hours: 3, startDate: `${year}-01-10`, endDate: `${year}-01-10`, mode: 'offline', provider: '市司法局', agencyId: countyB.id
  })).json()
  t.equal((await post(app, admin, `/v1/trainings/${training.id as number}/attendances`, { officerIds: [officer.id] })).statusCode, 200)
  t.equal((await post(app, admin, '/v1/training-records', { officerId: officer.id, category: 'professional', minutes: 90, date: `${year}-02-01`, evidence: '结业证书 2026-15' })).statusCode, 201)
  t.equal((await post(app, admin, `/v1/officers/${officer.id}/transfer`, { toAgencyId: countyC.id, date: `${year}-03-01` })).statusCode, 200)
  t.equal((await post(app, admin, `/v1/officers/${officer.id}/departure`, { reason: 'retirement', date: `${year}-04-01` })).statusCode, 200)

  const res = await app.inject({ method: 'GET', url: '/v1/events?limit=500', headers: admin })
  t.equal(res.statusCode, 200)
  const items = res.json().items as CloudEvent[]
  const mine = items.filter((e) => e.subject === `officers/${officer.id}` || e.subject === `certificates/${certificate.id}`)
  t.same(mine.map((e) => e.type.replace('cn.gov.registry.', '')), [
    'officer.registered', 'certificate.issued', 'certificate.suspended', 'certificate.reinstated', 'certificate.revoked',
    'officer.updated', 'training.recorded', 'training.recorded', 'officer.transferred', 'officer.departed'
  ])
  const ids = items.map((e) => Number(e.id))
  t.same(ids, [...ids].sort((a, b) => a - b), 'ids increase')
  const first = mine[0] as CloudEvent
  t.match(first, { specversion: '1.0', source: 'urn:enforcement-registry', datacontenttype: 'application/json', agencyid: countyB.id })
  t.match(first.time, /^\d{4}-\d{2}-\d{2}T/)
  t.match(first.data.officer.idNumber, /\*{8}/, 'ID numbers are masked')
  t.match(mine[4]?.data, { previousStatus: 'active', reason: '违法执法', certificate: { status: 'revoked' } })
  t.same(mine[5]?.data.changed, ['employeeNo'])
  t.match(mine[6]?.data, { kind: 'attendance', trainingId: training.id, category: 'public_law', hours: 3 })
  t.match(mine[7]?.data, { kind: 'external', category: 'professional', hours: 2 })
  t.match(mine[8], { agencyid: countyC.id, data: { fromAgencyId: countyB.id, toAgencyId: countyC.id, date: `${year}-03-01` } })
  t.same(Object.keys(mine[8]?.data ?? {}), ['officer', 'fromAgencyId', 'toAgencyId', 'date'], 'the data\'s keys in the order they were written, on either engine (PostgreSQL would sort a jsonb\'s)')
  t.match(mine[9]?.data, { reason: 'retirement', date: `${year}-04-01`, officer: { status: 'departed' } })
})

t.test('a consumer that saves nextCursor gets exactly the newer events, and only its scope', async (t) => {
  const { app, admin, as, countyB, countyC, officer } = await registry(t)
  const hrB = await as('hr', countyB.id)
  const hrC = await as('hr', countyC.id)
  const feed = async (headers: Headers, cursor?: string, limit = 500) => {
    const res = await app.inject({ method: 'GET', url: `/v1/events?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, headers })
    t.equal(res.statusCode, 200, res.body.slice(0, 200))
    return res.json() as { items: CloudEvent[], nextCursor: string }
  }

  const b1 = await officer(countyB.id)
  await officer(countyC.id)
  const start = await feed(hrB)
  t.same(start.items.map((e) => e.subject), [`officers/${b1.id}`], 'county B sees its own officer only')
  t.type(start.nextCursor, 'string')
  const idle = await feed(hrB, start.nextCursor)
  t.same(idle.items, [], 'nothing new')
  t.equal(idle.nextCursor, start.nextCursor, 'up to date: the same cursor back')

  // Events outside B's scope move its cursor on without being shown.
  await officer(countyC.id)
  const skipped = await feed(hrB, start.nextCursor)
  t.same(skipped.items, [])
  const b2 = await officer(countyB.id)
  const b3 = await officer(countyB.id)
  const moved = await post(app, admin, `/v1/officers/${b2.id}/transfer`, { toAgencyId: countyC.id, date: '2026-05-01' })
  t.equal(moved.statusCode, 200)

  const later = await feed(hrB, skipped.nextCursor)
  t.same(later.items.map((e) => `${e.type.split('.').pop() ?? ''} ${e.subject}`), [
    `registered officers/${b2.id}`, `registered officers/${b3.id}`, `transferred officers/${b2.id}`
  ], 'exactly the newer events, the transfer out included')
  t.same((await feed(hrB, later.nextCursor)).items, [], 'and nothing twice')

  // Small pages walk the same sequence as one big page.
  const all = (await feed(hrC)).items.map((e) => e.id)
  const walked: string[] = []
  let cursor: string | undefined
  for (let i = 0; i < 20; i++) {
    const page = await feed(hrC, cursor, 1)
    walked.push(...page.items.map((e) => e.id))
    if (page.items.length === 0) break
    cursor = page.nextCursor
  }
  t.same(walked, all, 'paged one by one, the same events')
  t.ok(all.length >= 3, 'county C sees its officers and the transfer in')

  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/events?cursor=not-ours', headers: hrB }), 400, 'VALIDATION_FAILED')

  // A cursor past the newest event: the database went back to an older backup, and the next
  // events will take ids this consumer has passed. Not an empty page: the consumer must know.
  const newest = Number(/^ev:([0-9]+):/.exec(Buffer.from(later.nextCursor, 'base64url').toString())?.[1])
  const ahead = assertProblem(t, await app.inject({ method: 'GET', url: `/v1/events?cursor=${Buffer.from(`id:${newest + 1}`).toString('base64url')}`, headers: hrB }), 409, 'FEED_CURSOR_MISMATCH')
  t.match(ahead.errors, [{ in: 'querystring', pointer: '/cursor' }])
  t.match(ahead.detail, new RegExp(`newest event is ${newest}`))
  t.equal((await app.inject({ method: 'GET', url: `/v1/events?cursor=${later.nextCursor}`, headers: hrB })).statusCode, 200, 'the cursor at the newest event is fine')
})

t.test('a phone changed only in the digits a mask hides is still a change in the feed, and shown masked', async (t) => {
  const { app, admin, countyB, officer } = await registry(t) // phone 13812345678
  const o = await officer(countyB.id)
  const res = await app.inject({ method: 'PATCH', url: `/v1/officers/${o.id}`, headers: { ...admin, 'if-match': `"${o.version}"` }, payload: { phone: '13899995678' } })
  t.equal(res.statusCode, 200, res.body)
  const updated = ((await app.inject({ method: 'GET', url: '/v1/events?limit=500', headers: admin })).json().items as CloudEvent[])
    .filter((e) => e.subject === `officers/${o.id}` && e.type.endsWith('officer.updated'))
  t.same(updated.map((e) => e.data.changed), [['phone']])
  t.equal(updated[0]?.data.officer.phone, '138****5678')
})

t.test('attendances recorded together: an event per officer, numbered with the rest, each in its officer\'s scope, resumable in the middle', async (t) => {
  const { app, admin, as, countyB, countyC, officer, year } = await registry(t)
  const hrB = await as('hr', countyB.id)
  const [b1, c1, b2, c2] = [await officer(countyB.id), await officer(countyC.id), await officer(countyB.id), await officer(countyC.id)]
  const training = (await post(app, admin, '/v1/trainings', {
    title: '行政执法公共法律知识', category: 'public_law', hours: 2, startDate: `${year}-01-10`, endDate: `${year}-01-10`, mode: 'online', provider: '市司法局', agencyId: null
  })).json()
  t.equal((await post(app, admin, `/v1/trainings/${training.id as number}/attendances`, { officerIds: [b1.id, c1.id, b2.id, c2.id] })).statusCode, 200)
  const after = await officer(countyB.id)
  const feed = async (headers: Headers, limit = 500, cursor?: string) =>
    (await app.inject({ method: 'GET', url: `/v1/events?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, headers })).json() as { items: CloudEvent[], nextCursor: string }

  const all = (await feed(admin)).items
  const recorded = all.filter((e) => e.type === 'cn.gov.registry.training.recorded')
  t.same(recorded.map((e) => [e.subject, e.agencyid]), [
    [`officers/${b1.id}`, countyB.id], [`officers/${c1.id}`, countyC.id], [`officers/${b2.id}`, countyB.id], [`officers/${c2.id}`, countyC.id]
  ], 'one event per officer, in the order recorded, each in its officer\'s agency')
  t.same(recorded[1]?.data, { officerId: c1.id, kind: 'attendance', trainingId: training.id, category: 'public_law', year, units: 180, hours: 2 })
  const ids = all.map((e) => Number(e.id))
  t.same(ids, Array.from({ length: ids.length }, (_, i) => (ids[0] as number) + i), 'ids one after the other, the batch\'s among them')
  t.equal(all.at(-1)?.subject, `officers/${after.id}`, 'and what came after, after it')

  t.same((await feed(hrB)).items.filter((e) => e.type.endsWith('training.recorded')).map((e) => e.subject), [`officers/${b1.id}`, `officers/${b2.id}`],
    'county B hears of its own officers only')
  for (const [who, headers] of [['admin', admin], ['county B', hrB]] as const) {
    const whole = (await feed(headers)).items.map((e) => e.id)
    const walked: string[] = []
    let cursor: string | undefined
    for (let i = 0; i < 30; i++) {
      const page = await feed(headers, 1, cursor)
      walked.push(...page.items.map((e) => e.id))
      if (page.items.length === 0) break
      cursor = page.nextCursor
    }
    t.same(walked, whole, `${who}: one by one, a cursor inside the batch resumes inside it`)
  }
})

t.test('a scope with few events among many: found however far apart, and the cursor then stands at the newest', async (t) => {
  const { app, admin, as, countyB, countyC, officer, year } = await registry(t)
  const hrB = await as('hr', countyB.id)
  const b1 = await officer(countyB.id)
  const start = (await app.inject({ method: 'GET', url: '/v1/events?limit=10', headers: hrB })).json() as { items: CloudEvent[], nextCursor: string }
  t.same(start.items.map((e) => e.subject), [`officers/${b1.id}`])
  // 1,200 registrations and 1,200 attendances (three stored batches) in county C: 2,400 event ids.
  const many = await registerOfficers(app, countyC.id, 1200)
  const training = await newTraining(app, admin, { title: '安全生产执法', hours: 2, startDate: `${year}-01-10`, endDate: `${year}-01-10`, agencyId: countyC.id })
  const imported = await app.inject({ method: 'POST', url: '/v1/imports/attendances', headers: { ...admin, 'content-type': 'application/x-ndjson' }, payload: many.map((officerId) => JSON.stringify({ trainingId: training, officerId })).join('\n') })
  t.equal(imported.statusCode, 200, imported.body.slice(0, 300))
  const b2 = await officer(countyB.id)
  const next = await app.inject({ method: 'GET', url: `/v1/events?limit=1&cursor=${start.nextCursor}`, headers: hrB })
  t.same((next.json().items as CloudEvent[]).map((e) => e.subject), [`officers/${b2.id}`], 'the next event of county B, 2,400 ids further')
  const admins = (await app.inject({ method: 'GET', url: `/v1/events?limit=500&cursor=${start.nextCursor}`, headers: admin })).json() as { items: CloudEvent[] }
  t.equal(Number(admins.items.at(-1)?.id) - Number(start.items[0]?.id), 500, 'the admin\'s page: the next 500, batch events among them')
  const head = (await app.inject({ method: 'GET', url: `/v1/events?limit=10&cursor=${next.json().nextCursor as string}`, headers: hrB })).json() as { items: CloudEvent[], nextCursor: string }
  t.same(head.items, [])
  const lastId = Number(/^ev:([0-9]+):/.exec(Buffer.from(head.nextCursor, 'base64url').toString())?.[1])
  t.equal(lastId, Number(next.json().items[0].id), 'caught up: the cursor stands at the newest event')
})

t.test('restored from an older backup, the feed refuses a cursor from before the restore, even once it has grown past it', sqliteOnly('SQLite\'s online backup of the file, restored by copying it'), async (t) => {
  const dir = t.testdir({ live: {}, restored: {} })
  const live = join(dir, 'live', 'registry.db')
  const restored = join(dir, 'restored', 'registry.db')
  let n = 0
  const people = async (app: typeof a.app, agencyId: number, count: number) => { for (let i = 0; i < count; i++) await app.services.officers.register(ADMIN_ACTOR, { name: `人员${n}`, idNumber: distinctIdNumber(100 + n++), agencyId }) }
  const a = await buildTestApp(t, { DATABASE_PATH: live })
  const admin = await a.as('admin')
  const agency = await createAgency(a.app, admin, { level: 'county' })
  await people(a.app, agency.id, 3)
  await sqliteStoreOf(a.app).sqlite.backup(restored) // the nightly backup
  await people(a.app, agency.id, 3) // after it: events the consumer reads, then lost with the disk
  const read = (await a.app.inject({ method: 'GET', url: '/v1/events?limit=500', headers: admin })).json() as { nextCursor: string }
  await a.app.close()
  copyFileSync(join(dir, 'live', 'id-encryption.key'), join(dir, 'restored', 'id-encryption.key'))

  const b = await buildTestApp(t, { DATABASE_PATH: restored })
  const adminB = await b.as('clerk', agency.id)
  await people(b.app, agency.id, 6) // the restored feed grows past the consumer's cursor, at ids it had passed
  const poll = await b.app.inject({ method: 'GET', url: `/v1/events?cursor=${read.nextCursor}`, headers: adminB })
  t.match(assertProblem(t, poll, 409, 'FEED_CURSOR_MISMATCH').detail, /is not the one this cursor was made at/, 'not a page that skips the new events silently')
  const again = (await b.app.inject({ method: 'GET', url: '/v1/events?limit=500', headers: adminB })).json() as { items: CloudEvent[], nextCursor: string }
  t.equal((await b.app.inject({ method: 'GET', url: `/v1/events?cursor=${again.nextCursor}`, headers: adminB })).statusCode, 200, 'read again from the start, the consumer goes on')
})
