// Dates are plausible: nothing before 1949-10-01, nothing after today that has to have
// happened, plans no further than the end of next year, an officer's moves in order; each
// refusal names its field. Today is 2026-12-01 (test/clock.ts).
import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { ID_REASONS } from '../../src/domain/identity.js'
import { assertProblem } from '../helper.js'
import { idNumber, post } from '../fixtures.js'
import { registry } from './setup.js'
import { queryValue } from '../db.js'

/** Asserts a 422 with that code naming exactly that field. */
function refused (t: Test, res: LightMyRequestResponse, code: string, pointer: string, part = 'body') {
  const body = assertProblem(t, res, 422, code)
  t.same(body.errors.map((e: { in: string, pointer: string }) => [e.in, e.pointer]), [[part, pointer]], `${code} names ${pointer}`)
  t.match(body.errors[0].detail, / \/ \S/, 'the detail is bilingual')
  return body
}

t.test('joinedOn: not after today, not before 1949-10-01, on registration and on PATCH', async (t) => {
  const { app, admin, countyB, officer } = await registry(t)
  const register = (joinedOn: string, seq: number) => post(app, admin, '/v1/officers', { name: '王五', idNumber: idNumber(seq, '19300101'), agencyId: countyB.id, joinedOn })
  refused(t, await register('2026-12-02', 1), 'DATE_IN_FUTURE', '/joinedOn')
  refused(t, await register('1949-09-30', 2), 'DATE_OUT_OF_RANGE', '/joinedOn')
  t.equal(await queryValue(app, 'select count(*) from officers'), 0, 'nobody registered')
  t.equal((await register('2026-12-01', 3)).statusCode, 201, 'joined today')
  t.equal((await register('1949-10-01', 4)).statusCode, 201, 'joined on the founding day')

  const o = await officer(countyB.id, { joinedOn: '2010-05-01' })
  const patch = (joinedOn: string) => app.inject({ method: 'PATCH', url: `/v1/officers/${o.id}`, headers: { ...admin, 'if-match': `"${o.version}"` }, payload: { joinedOn } })
  refused(t, await patch('2027-01-01'), 'DATE_IN_FUTURE', '/joinedOn')
  refused(t, await patch('1900-01-01'), 'DATE_OUT_OF_RANGE', '/joinedOn')
  t.match((await app.inject({ method: 'GET', url: `/v1/officers/${o.id}`, headers: admin })).json(), { joinedOn: '2010-05-01', version: o.version }, 'nothing changed')
})

t.test('a departure or transfer is not dated before the officer joined, nor before their last move; joinedOn not after leaving', async (t) => {
  const { app, admin, countyB, countyC, officer } = await registry(t)
  const o = await officer(countyB.id, { joinedOn: '2020-03-01' })
  const move = (what: 'departure' | 'transfer', date: string) =>
    post(app, admin, `/v1/officers/${o.id}/${what}`, what === 'departure' ? { reason: 'resignation', date } : { toAgencyId: countyC.id, date })
  const early = refused(t, await move('departure', '2020-02-29'), 'DATE_BEFORE_JOINING', '/date')
  t.match(early.detail, /2020-03-01/, 'the detail says when they joined')
  refused(t, await move('transfer', '2019-12-31'), 'DATE_BEFORE_JOINING', '/date')
  refused(t, await move('departure', '1949-09-30'), 'DATE_OUT_OF_RANGE', '/date')
  t.equal((await move('transfer', '2024-06-01')).statusCode, 200, 'a transfer after joining')
  const late = refused(t, await move('departure', '2024-05-31'), 'DATE_BEFORE_LAST_MOVE', '/date')
  t.match(late.detail, /2024-06-01/, 'the detail says when they last moved')
  t.match((await app.inject({ method: 'GET', url: `/v1/officers/${o.id}`, headers: admin })).json(), { status: 'active', agencyId: countyC.id }, 'still serving at the new agency')

  const patch = async (joinedOn: string) => {
    const version = (await app.inject({ method: 'GET', url: `/v1/officers/${o.id}`, headers: admin })).json().version as number
    return app.inject({ method: 'PATCH', url: `/v1/officers/${o.id}`, headers: { ...admin, 'if-match': `"${version}"` }, payload: { joinedOn } })
  }
  refused(t, await patch('2024-06-02'), 'DATE_BEFORE_JOINING', '/joinedOn') // after the transfer
  t.equal((await move('departure', '2024-06-01')).statusCode, 200, 'leaving on the day of the last move')
  const after = refused(t, await patch('2024-06-02'), 'DATE_BEFORE_JOINING', '/joinedOn')
  t.match(after.detail, /2024-06-01/, 'joinedOn after departedOn names the departure')
  t.equal((await patch('2024-06-01')).statusCode, 200, 'joining on the day of leaving is not refused')
})

t.test('one taken on again today cannot be recorded as having left before that', async (t) => {
  const { app, admin, countyB, countyC, officer } = await registry(t)
  const o = await officer(countyB.id, { joinedOn: '2015-03-01' })
  t.equal((await post(app, admin, `/v1/officers/${o.id}/departure`, { reason: 'resignation', date: '2025-01-10' })).statusCode, 200)
  const again = await post(app, admin, '/v1/officers', { name: '张三', idNumber: o.idNumber, agencyId: countyC.id })
  t.equal(again.statusCode, 201, again.body)
  refused(t, await post(app, admin, `/v1/officers/${o.id}/departure`, { reason: 'resignation', date: '2026-11-30' }), 'DATE_BEFORE_LAST_MOVE', '/date')
  t.equal((await post(app, admin, `/v1/officers/${o.id}/departure`, { reason: 'resignation', date: '2026-12-01' })).statusCode, 200)
})

t.test('an officer import refuses the same dates, naming the row\'s field', async (t) => {
  const { app, admin, countyB, countyC, officer } = await registry(t)
  const o = await officer(countyB.id, { joinedOn: '2020-03-01' })
  t.equal((await post(app, admin, `/v1/officers/${o.id}/transfer`, { toAgencyId: countyC.id, date: '2024-06-01' })).statusCode, 200)
  const rows = [
    { name: '甲', idNumber: idNumber(1), agencyId: countyB.id, joinedOn: '2026-12-02' },
    { name: '乙', idNumber: idNumber(2), agencyId: countyB.id, joinedOn: '1949-01-01' },
    { name: '丙', idNumber: idNumber(3), agencyId: countyB.id, joinedOn: '2021-05-01', departureReason: 'resignation', departureDate: '2021-04-30' },
    { name: '丁', idNumber: idNumber(4), agencyId: countyB.id, departureReason: 'resignation', departureDate: '1949-09-30' },
    { name: '张三', idNumber: o.idNumber, agencyId: countyC.id, departureReason: 'resignation', departureDate: '2024-05-31' },
    { name: '张三', idNumber: o.idNumber, agencyId: countyC.id, joinedOn: '2024-06-02' }
  ]
  const res = await app.inject({ method: 'POST', url: '/v1/imports/officers?partial=true', headers: admin, payload: rows })
  t.equal(res.statusCode, 200, res.body)
  const results = res.json().results as Array<{ row: number, errors?: Array<{ code: string, pointer: string }> }>
  t.same(results.map((r) => (r.errors ?? []).map((e) => `${e.code} ${e.pointer}`)), [
    ['DATE_IN_FUTURE /joinedOn'],
    ['DATE_OUT_OF_RANGE /joinedOn'],
    ['DATE_BEFORE_JOINING /departureDate'],
    ['DATE_OUT_OF_RANGE /departureDate'],
    ['DATE_BEFORE_LAST_MOVE /departureDate'],
    ['VALIDATION_FAILED /idNumber'] // the same person twice in one file
  ])
  t.equal(await queryValue(app, 'select count(*) from officers'), 1, 'nobody imported')
  const ahead = await app.inject({ method: 'POST', url: '/v1/imports/officers', headers: admin, payload: [rows[0]] })
  t.match(assertProblem(t, ahead, 422, 'IMPORT_REJECTED').result.results[0].errors, [{ code: 'DATE_IN_FUTURE', pointer: '/joinedOn' }], 'all or nothing: refused before anything is written')
  const later = await app.inject({ method: 'POST', url: '/v1/imports/officers', headers: admin, payload: [rows[5]] })
  t.match(assertProblem(t, later, 422, 'IMPORT_REJECTED').result.results[0].errors, [{ code: 'DATE_BEFORE_JOINING', pointer: '/joinedOn' }], 'a joinedOn after the transfer, as PATCH')

  // One who left B and is taken on again at C by the row moves today: the row's departure cannot be earlier.
  const left = await officer(countyB.id, { joinedOn: '2015-03-01' })
  t.equal((await post(app, admin, `/v1/officers/${left.id}/departure`, { reason: 'resignation', date: '2025-01-10' })).statusCode, 200)
  const again = await app.inject({ method: 'POST', url: '/v1/imports/officers', headers: admin, payload: [{ name: '张三', idNumber: left.idNumber, agencyId: countyC.id, departureReason: 'resignation', departureDate: '2026-11-30' }] })
  t.match(assertProblem(t, again, 422, 'IMPORT_REJECTED').result.results[0].errors, [{ code: 'DATE_BEFORE_LAST_MOVE', pointer: '/departureDate' }], 'not before being taken on again')
})

t.test('agencies: a confirmation announced by today, for a year up to next; a merger or dissolution dated by today', async (t) => {
  const { app, admin, countyB, countyC } = await registry(t)
  const confirm = (year: number, date: string) => post(app, admin, `/v1/agencies/${countyC.id}/confirmations`, { year, announcementNo: `公告〔${year}〕8号`, date })
  refused(t, await confirm(2027, '2026-12-02'), 'DATE_IN_FUTURE', '/date')
  refused(t, await confirm(2025, '1949-09-30'), 'DATE_OUT_OF_RANGE', '/date')
  refused(t, await confirm(2028, '2026-12-01'), 'DATE_OUT_OF_RANGE', '/year')
  t.equal((await confirm(2027, '2026-12-01')).statusCode, 201, 'next year\'s confirmation announced in December')
  refused(t, await post(app, admin, `/v1/agencies/${countyB.id}/dissolution`, { date: '2026-12-02' }), 'DATE_IN_FUTURE', '/date')
  refused(t, await post(app, admin, `/v1/agencies/${countyB.id}/merger`, { date: '1949-01-01', successorId: countyC.id }), 'DATE_OUT_OF_RANGE', '/date')
  t.equal((await app.inject({ method: 'GET', url: `/v1/agencies/${countyB.id}`, headers: admin })).json().status, 'active', 'still active')
})

t.test('exams and trainings are planned up to the end of next year; training received is dated by today, from 1949-10-01', async (t) => {
  const { app, admin, officer, countyB } = await registry(t)
  const exam = (date: string) => post(app, admin, '/v1/exams', { name: '行政执法资格考试', date })
  refused(t, await exam('2028-01-01'), 'DATE_OUT_OF_RANGE', '/date')
  refused(t, await exam('1949-09-30'), 'DATE_OUT_OF_RANGE', '/date')
  t.equal((await exam('2027-12-31')).statusCode, 201, 'next year\'s session')
  const training = (startDate: string, endDate: string) => post(app, admin, '/v1/trainings', {
    title: '行政处罚法专题', category: 'public_law', hours: 3, startDate, endDate, mode: 'offline', provider: '市司法局', agencyId: countyB.id
  })
  refused(t, await training('2028-01-01', '2028-01-02'), 'DATE_OUT_OF_RANGE', '/startDate')
  refused(t, await training('2027-12-31', '2028-01-01'), 'DATE_OUT_OF_RANGE', '/endDate')
  refused(t, await training('1949-09-30', '1949-10-01'), 'DATE_OUT_OF_RANGE', '/startDate')
  t.equal((await training('2027-12-30', '2027-12-31')).statusCode, 201, 'planned for next year')
  const o = await officer(countyB.id)
  refused(t, await post(app, admin, '/v1/training-records', { officerId: o.id, category: 'public_law', hours: 3, date: '1949-09-30', evidence: '结业证书' }), 'DATE_OUT_OF_RANGE', '/date')
})

t.test('assessments grade a year under way or over; standings and reports look from 1949 to the end of next year', async (t) => {
  const { app, admin, officer, countyB } = await registry(t)
  const o = await officer(countyB.id)
  const assess = (year: number) => post(app, admin, '/v1/assessments', { officerId: o.id, year, grade: 'competent' })
  refused(t, await assess(2027), 'DATE_IN_FUTURE', '/year')
  t.equal((await assess(2026)).statusCode, 201, 'this year')
  const get = (url: string) => app.inject({ method: 'GET', url, headers: admin })
  for (const base of [`/v1/officers/${o.id}/training-summary`, '/v1/reports/training-compliance']) {
    refused(t, await get(`${base}?asOf=2028-01-01`), 'DATE_OUT_OF_RANGE', '/asOf', 'querystring')
    refused(t, await get(`${base}?asOf=1949-09-30`), 'DATE_OUT_OF_RANGE', '/asOf', 'querystring')
    refused(t, await get(`${base}?year=2028`), 'DATE_OUT_OF_RANGE', '/year', 'querystring')
    t.equal((await get(`${base}?year=2027&asOf=2027-12-31`)).statusCode, 200, `${base}: a forecast to the end of next year`)
  }
})

t.test('ID numbers: a province code first, born from 1900 to 16 years before today', async (t) => {
  const { app, admin, countyB } = await registry(t)
  const register = (id: string) => post(app, admin, '/v1/officers', { name: '赵四', idNumber: id, agencyId: countyB.id })
  const cases: Array<[string, string]> = [
    [idNumber(1, '19880512', '990000'), ID_REASONS.province],
    [idNumber(2, '18991231'), ID_REASONS.birthTooEarly],
    [idNumber(3, '20101202'), ID_REASONS.underSixteen]
  ]
  for (const [id, reason] of cases) {
    const body = refused(t, await register(id), 'ID_NUMBER_INVALID', '/idNumber')
    t.equal(body.detail, reason, reason)
  }
  t.equal((await register(idNumber(4, '20101201'))).statusCode, 201, '16 today')
  t.equal(await queryValue(app, 'select count(*) from officers'), 1, 'only they were registered')
})

t.test('a suspension runs at most to the card\'s last valid day', async (t) => {
  const { app, admin, countyB, certified } = await registry(t)
  const { certificate } = await certified(countyB.id)
  const card = (await app.inject({ method: 'GET', url: `/v1/certificates/${certificate.id}`, headers: admin })).json() as { validUntil: string }
  const suspend = (until: string) => post(app, admin, `/v1/certificates/${certificate.id}/suspension`, { reason: '立案调查', until })
  const beyond = refused(t, await suspend('2099-12-31'), 'DATE_OUT_OF_RANGE', '/until')
  t.match(beyond.detail, new RegExp(card.validUntil), 'the detail names the last valid day')
  t.equal((await app.inject({ method: 'GET', url: `/v1/certificates/${certificate.id}`, headers: admin })).json().status, 'active', 'nothing changed')
  t.equal((await suspend(card.validUntil)).statusCode, 200, 'until the last valid day')
})
