import t from 'tap'
import { post, registerOfficers } from '../fixtures.js'
import { assertProblem } from '../helper.js'
import { world } from './world.js'
import { queryValue, queryRow, queryRows } from '../db.js'

t.test('hundreds of officers in one call: each recorded once, credited in the year the training ends', async (t) => {
  const { app, training, attend, summary, admin, countyB } = await world(t)
  const ids = await registerOfficers(app, countyB.id, 300)
  ids.reverse() // request order, not registration order
  const id = await training(admin, { hours: undefined, minutes: 1350, category: 'professional' })
  const res = await attend(admin, id, ids)
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const body = res.json()
  t.match(body, { trainingId: id, recorded: 300, alreadyRecorded: 0, rejected: 0 })
  t.same(body.results.map((r: { officerId: number }) => r.officerId), ids, 'one result per id, in request order')
  t.ok(body.results.every((r: { outcome: string, recordId?: number }) => r.outcome === 'recorded' && typeof r.recordId === 'number'))
  const recordOf = (recordId: number) => queryValue<number | undefined>(app, 'select officer_id from training_records where id = $1 and training_id = $2', recordId, id)
  t.same(await Promise.all(body.results.map((r: { recordId: number }) => recordOf(r.recordId))), ids,
    'each recordId is the record of that officer')
  const count = await queryRow(app, 'select count(*) n, sum(units) u from training_records where training_id = $1', id) as { n: number, u: number }
  t.same(count, { n: 300, u: 300 * 2700 })
  const totals = await queryRow(app, 'select count(*) n, min(professional_units) lo, max(professional_units) hi, max(public_law_units) pl from training_totals where year = 2026')
  t.same(totals, { n: 300, lo: 2700, hi: 2700, pl: 0 }, 'the totals table moved with the records')
  const s = (await summary(admin, ids[299]!, '?year=2026')).json()
  t.equal(s.professionalHours, 30)
  t.equal(s.publicLawHours, 0)
})

t.test('unknown, out-of-scope and departed officers are reported per id; the rest are recorded', async (t) => {
  const { app, officer, training, attend, summary, hrB, admin, countyB, countyC } = await world(t)
  const mine = await officer(countyB.id)
  const gone = await officer(countyB.id)
  const theirs = await officer(countyC.id)
  t.equal((await post(app, admin, `/v1/officers/${gone.id}/departure`, { reason: 'retirement', date: '2026-05-01' })).statusCode, 200)
  const id = await training(hrB, { startDate: '2026-05-10', endDate: '2026-05-11' })
  const res = await attend(hrB, id, [mine.id, 987654, theirs.id, gone.id, mine.id])
  t.equal(res.statusCode, 200, res.body)
  t.same(res.json().results.map((r: { officerId: number, outcome: string }) => [r.officerId, r.outcome]), [
    [mine.id, 'recorded'],
    [987654, 'not_found'],
    [theirs.id, 'not_found'],
    [gone.id, 'officer_departed'],
    [mine.id, 'already_recorded']
  ])
  t.match(res.json(), { recorded: 1, alreadyRecorded: 1, rejected: 3 })
  t.equal((await summary(admin, theirs.id, '?year=2026')).json().publicLawHours, 0, 'the sibling\'s officer got nothing')
  t.equal((await summary(admin, gone.id, '?year=2026')).json().publicLawHours, 0, 'the departed officer got nothing')

  // HR sends the training the officer did in March, before leaving on 1 May: that is history.
  const earlier = await training(hrB, { startDate: '2026-03-01', endDate: '2026-03-02' })
  const late = await attend(hrB, earlier, [gone.id])
  t.same(late.json().results.map((r: { outcome: string }) => r.outcome), ['recorded'], 'training completed before the departure is recorded, even late')
  t.equal((await summary(admin, gone.id, '?year=2026')).json().publicLawHours, 30)
  const onTheDay = await training(hrB, { startDate: '2026-04-30', endDate: '2026-05-01' })
  t.same((await attend(hrB, onTheDay, [gone.id])).json().results.map((r: { outcome: string }) => r.outcome), ['officer_departed'], 'ending on the day of leaving is too late')
})

t.test('a repeated call (an HR retry) reports already_recorded and never counts twice', async (t) => {
  const { app, officer, training, attend, summary, hrB, countyB } = await world(t)
  const a = await officer(countyB.id)
  const b = await officer(countyB.id)
  const id = await training(hrB)
  t.equal((await attend(hrB, id, [a.id])).json().recorded, 1)
  const again = (await attend(hrB, id, [a.id, b.id])).json()
  t.same(again.results.map((r: { outcome: string }) => r.outcome), ['already_recorded', 'recorded'])
  const third = (await attend(hrB, id, [a.id, b.id])).json()
  t.match(third, { recorded: 0, alreadyRecorded: 2, rejected: 0 })
  t.equal((await summary(hrB, a.id, '?year=2026')).json().publicLawHours, 30, 'still 30, not 60')
  const rows = await queryRow(app, 'select count(*) n from training_records where training_id = $1', id) as { n: number }
  t.equal(rows.n, 2)
  const audits = await queryRows(app, "select after from audit_events where entity = 'training' and action = 'record_attendances'") as Array<{ after: string }>
  t.same(audits.map((r) => JSON.parse(r.after).officerIds), [[a.id], [b.id]], 'one audit event per call that recorded something, naming who')
})

t.test('a training outside the caller\'s view is 404; an unknown one too', async (t) => {
  const { as, officer, training, attend, hrB, hrC, admin, countyB, city } = await world(t)
  const o = await officer(countyB.id)
  const ofC = await training(hrC)
  const ofCity = await training(admin, { agencyId: city.id })
  assertProblem(t, await attend(hrB, ofC, [o.id]), 404, 'NOT_FOUND')
  assertProblem(t, await attend(hrB, ofCity, [o.id]), 404, 'NOT_FOUND')
  assertProblem(t, await attend(hrB, 999999, [o.id]), 404, 'NOT_FOUND')
  const open = await training(admin, { agencyId: null })
  t.equal((await attend(hrB, open, [o.id])).json().recorded, 1, 'a training open to all takes anyone\'s officers')
  const cityClerk = await as('clerk', city.id)
  t.equal((await attend(cityClerk, ofCity, [o.id])).json().recorded, 1, 'the organiser records officers below it')
})

t.test('roles and input: auditor is 403; an empty list, a non-integer id or an unknown field is 400', async (t) => {
  const { as, officer, training, attend, app, hrB, countyB } = await world(t)
  const o = await officer(countyB.id)
  const id = await training(hrB)
  const auditor = await as('auditor', countyB.id)
  assertProblem(t, await attend(auditor, id, [o.id]), 403, 'FORBIDDEN')
  assertProblem(t, await attend(hrB, id, []), 400, 'VALIDATION_FAILED')
  assertProblem(t, await post(app, hrB, `/v1/trainings/${id}/attendances`, { officerIds: [String(o.id)] }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await post(app, hrB, `/v1/trainings/${id}/attendances`, { officerIds: [o.id], date: '2026-01-01' }), 400, 'VALIDATION_FAILED')
  const rows = await queryRow(app, 'select count(*) n from training_records') as { n: number }
  t.equal(rows.n, 0, 'nothing recorded by refused calls')
})

t.test('the attendee list shows only officers in the caller\'s scope, paged', async (t) => {
  const { app, as, officer, training, attend, admin, hrB, hrC, countyB, countyC } = await world(t)
  const b1 = await officer(countyB.id)
  const b2 = await officer(countyB.id)
  const c1 = await officer(countyC.id)
  const id = await training(admin, { agencyId: null })
  await attend(admin, id, [b1.id, c1.id, b2.id])
  const list = async (headers: typeof hrB, qs = '') => (await app.inject({ method: 'GET', url: `/v1/trainings/${id}/attendances${qs}`, headers })).json()
  t.same((await list(hrB)).items.map((a: { officerId: number }) => a.officerId), [b1.id, b2.id])
  t.same((await list(hrC)).items.map((a: { officerId: number }) => a.officerId), [c1.id])
  const page1 = await list(admin, '?limit=2')
  t.equal(page1.items.length, 2)
  t.match(page1.items[0], { officerId: b1.id, agencyId: countyB.id, officerName: String })
  t.type(page1.items[0].recordId, 'number')
  const page2 = await list(admin, `?limit=2&cursor=${page1.nextCursor as string}`)
  t.same(page2.items.map((a: { officerId: number }) => a.officerId), [b2.id])
  const auditor = await as('auditor', countyB.id)
  t.equal((await list(auditor)).items.length, 2, 'auditor reads')
  const ofC = await training(hrC)
  assertProblem(t, await app.inject({ method: 'GET', url: `/v1/trainings/${ofC}/attendances`, headers: hrB }), 404, 'NOT_FOUND')
})

t.test('training not yet ended is credited to nobody: 422 TRAINING_NOT_COMPLETED for attendances, external records and import rows, nothing stored', async (t) => {
  const { app, admin, hrB, countyB, officer, training, attend, record, summary } = await world(t) // today: 2026-06-15
  const o = await officer(countyB.id)
  const later = await training(hrB, { startDate: '2026-06-10', endDate: '2026-06-16' })
  const refused = assertProblem(t, await attend(hrB, later, [o.id]), 422, 'TRAINING_NOT_COMPLETED')
  t.match(refused.detail, /2026-06-16/)
  const external = assertProblem(t, await record(hrB, { officerId: o.id, hours: 30, date: '2026-06-16' }), 422, 'TRAINING_NOT_COMPLETED')
  t.same(external.errors.map((e: { pointer: string }) => e.pointer), ['/date'])
  const imported = await app.inject({
    method: 'POST',
    url: '/v1/imports/attendances?partial=true',
    headers: { ...admin, 'content-type': 'application/x-ndjson' },
    payload: JSON.stringify({ trainingId: later, officerId: o.id }) + '\n'
  })
  t.match(imported.json(), { created: 0, failed: 1, results: [{ outcome: 'error', errors: [{ code: 'TRAINING_NOT_COMPLETED', pointer: '/trainingId' }] }] })
  t.match((await summary(hrB, o.id)).json(), { publicLawHours: 0, records: [] }, 'nothing credited')
  t.equal((await record(hrB, { officerId: o.id, hours: 1, date: '2026-06-15' })).statusCode, 201, 'a record dated today is fine')
  const today = await training(hrB, { startDate: '2026-06-15', endDate: '2026-06-15', hours: 2 })
  t.equal((await attend(hrB, today, [o.id])).statusCode, 200, 'so is a training that ends today')
})
