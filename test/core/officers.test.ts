// engine: sqlite-only in part — one test counts the looks of SQLite's freshness watch (db/changes)
import t from 'tap'
import { once } from 'node:events'
import { connect } from 'node:net'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { assertProblem, buildTestApp, fileStoreLookingPerRequest } from '../helper.js'
import { createAgency, idNumber, post } from '../fixtures.js'
import { registry } from './setup.js'
import { queryValue, execute, sqliteOnly } from '../db.js'

t.test('register: 201 with the ID number whole for admin and clerk, masked for hr, and masked in every list', async (t) => {
  const { app, as, admin, countyB, officer } = await registry(t)
  const o = await officer(countyB.id)
  t.match(o.idNumber, /^\d{17}[\dX]$/, 'admin sees it whole')
  const clerk = await as('clerk', countyB.id)
  const hr = await as('hr', countyB.id)
  const clerkRead = await app.inject({ method: 'GET', url: `/v1/officers/${o.id}`, headers: clerk })
  t.equal(clerkRead.json().idNumber, o.idNumber)
  t.equal(clerkRead.headers['cache-control'], 'no-store', 'the whole ID number is not kept by a browser or proxy')
  const hrView = (await app.inject({ method: 'GET', url: `/v1/officers/${o.id}`, headers: hr })).json()
  t.equal(hrView.idNumber, `${o.idNumber.slice(0, 6)}********${o.idNumber.slice(14)}`)
  for (const h of [admin, clerk, hr]) {
    const item = (await app.inject({ method: 'GET', url: '/v1/officers', headers: h })).json().items[0]
    t.match(item.idNumber, /^\d{6}\*{8}[\dX]{4}$/, 'masked in the list')
    t.equal(item.phone, '138****5678', 'phone masked in the list')
  }
})

t.test('register refuses a bad ID number (422 naming the field), a second registration of a person (409), and an agency out of scope (404)', async (t) => {
  const { app, as, countyB, countyC, officer } = await registry(t)
  const good = idNumber(5)
  const badCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0')
  const hrB = await as('hr', countyB.id)
  const wrong = await post(app, hrB, '/v1/officers', { name: '李四', idNumber: badCheck, agencyId: countyB.id })
  t.equal(assertProblem(t, wrong, 422, 'ID_NUMBER_INVALID').errors[0].pointer, '/idNumber')
  const badDate = await post(app, hrB, '/v1/officers', { name: '李四', idNumber: '110105199913450012', agencyId: countyB.id })
  assertProblem(t, badDate, 422, 'ID_NUMBER_INVALID')
  const first = await officer(countyC.id, { idNumber: good })
  const dup = await post(app, hrB, '/v1/officers', { name: '李四', idNumber: good, agencyId: countyB.id })
  const body = assertProblem(t, dup, 409, 'ID_NUMBER_TAKEN')
  t.notOk('officerId' in body, 'an officer in another scope is not named')
  t.ok(first.id)
  assertProblem(t, await post(app, hrB, '/v1/officers', { name: '王五', idNumber: idNumber(6), agencyId: countyC.id }), 404, 'AGENCY_OUT_OF_SCOPE')
  assertProblem(t, await post(app, await as('auditor', countyB.id), '/v1/officers', { name: '王五', idNumber: idNumber(6), agencyId: countyB.id }), 403, 'FORBIDDEN')
})

t.test('lookup by ID number in the body: exact, scoped, and never through a URL', async (t) => {
  const { app, as, countyB, countyC, officer } = await registry(t)
  const o = await officer(countyB.id)
  const hrB = await as('hr', countyB.id)
  const hrC = await as('hr', countyC.id)
  const found = await post(app, hrB, '/v1/officers/lookup', { idNumber: o.idNumber })
  t.equal(found.statusCode, 200)
  t.equal(found.json().id, o.id)
  assertProblem(t, await post(app, hrC, '/v1/officers/lookup', { idNumber: o.idNumber }), 404, 'NOT_FOUND')
  assertProblem(t, await post(app, hrB, '/v1/officers/lookup', { idNumber: idNumber(999) }), 404, 'NOT_FOUND')
  t.equal((await app.inject({ method: 'GET', url: `/v1/officers?idNumber=${o.idNumber}`, headers: hrB })).statusCode, 400, 'not accepted as a query parameter')
})

t.test('PATCH corrects data with If-Match; the sibling agency cannot see or change the officer', async (t) => {
  const { app, as, countyB, countyC, officer } = await registry(t)
  const o = await officer(countyB.id)
  const hrB = await as('hr', countyB.id)
  const hrC = await as('hr', countyC.id)
  const url = `/v1/officers/${o.id}`
  assertProblem(t, await app.inject({ method: 'GET', url, headers: hrC }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ method: 'PATCH', url, headers: { ...hrC, 'if-match': '"1"' }, payload: { legalReviewer: true } }), 404, 'NOT_FOUND')
  const res = await app.inject({ method: 'PATCH', url, headers: { ...hrB, 'if-match': '"1"' }, payload: { legalReviewer: true, employeeNo: 'E-7' } })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().legalReviewer, true)
  t.equal(res.headers.etag, '"2"')
  assertProblem(t, await app.inject({ method: 'PATCH', url, headers: { ...hrB, 'if-match': '"1"' }, payload: { supervisor: true } }), 412, 'PRECONDITION_FAILED')
  assertProblem(t, await app.inject({ method: 'PATCH', url, headers: hrB, payload: { supervisor: true } }), 428, 'PRECONDITION_REQUIRED')
  assertProblem(t, await app.inject({ method: 'PATCH', url, headers: { ...hrB, 'if-match': '"2"' }, payload: { agencyId: countyC.id } }), 400, 'VALIDATION_FAILED')
})

t.test('If-Match compares strongly (RFC 9110): a weak or lookalike tag is 412, a value without quotes is 400 naming the header, * is 428, a list matches by any of its tags; a refused change changes nothing', async (t) => {
  const { app, as, countyB, countyC, officer } = await registry(t)
  const o = await officer(countyB.id)
  const hrB = await as('hr', countyB.id)
  const hrC = await as('hr', countyC.id)
  const url = `/v1/officers/${o.id}`
  const { employeeNo } = (await app.inject({ method: 'GET', url, headers: hrB })).json()
  const patch = (ifMatch: string, headers = hrB) => app.inject({ method: 'PATCH', url, headers: { ...headers, 'if-match': ifMatch }, payload: { employeeNo: `E-${ifMatch}` } })
  const unchanged = async (why: string) => {
    const read = await app.inject({ method: 'GET', url, headers: hrB })
    t.equal(read.headers.etag, '"1"', `${why}: still at its first version`)
    t.equal(read.json().employeeNo, employeeNo, `${why}: nothing written`)
  }
  for (const weak of ['W/"1"', '"01"', '"1.0"', '"abc"', '"5", W/"1"']) {
    const body = assertProblem(t, await patch(weak), 412, 'PRECONDITION_FAILED')
    t.match(body.detail, /ETag "1"/, `${weak}: the detail names the current ETag`)
    await unchanged(weak)
  }
  t.match(assertProblem(t, await patch('W/"1"'), 412, 'PRECONDITION_FAILED').detail, /weak/, 'and says a weak tag never matches')
  for (const [sent, example] of [['1', '"1"'], ['abc', '"3"'], ['"1', '"3"'], ['1"', '"3"'], ['"1" "2"', '"3"'], ["'1'", '"3"'], ['w/"1"', '"3"'], ['"1 "', '"3"'], [',', '"3"']] as const) {
    const body = assertProblem(t, await patch(sent), 400, 'VALIDATION_FAILED')
    t.same(body.errors, [{ in: 'headers', pointer: '/if-match', detail: body.detail }], `${sent}: names the header`)
    t.equal(body.detail, `If-Match must be the ETag with its quotes, e.g. ${example} (the ETag header of your last GET) / If-Match 须为带英文引号的 ETag，如 ${example}`, `${sent}: says the expected form`)
    await unchanged(sent)
  }
  t.match(assertProblem(t, await patch('*'), 428, 'PRECONDITION_REQUIRED').detail, /If-Match: \*/, '* says no version')
  await unchanged('*')
  assertProblem(t, await patch('W/"1"', hrC), 404, 'NOT_FOUND') // the condition is weighed once the resource is found
  const listed = await patch(' "7" , ,"1"')
  t.equal(listed.statusCode, 200, listed.body)
  t.equal(listed.headers.etag, '"2"', 'a list whose strong tags include the current one matches')
  t.equal((await patch('"2"')).headers.etag, '"3"', 'and the plain form goes on working')
})

t.test('departure cancels every live certificate in the same answer, opens recalls, and the card stops verifying', async (t) => {
  const { app, as, countyB, certified } = await registry(t)
  const { officer, certificate } = await certified(countyB.id)
  const hrB = await as('hr', countyB.id)
  const res = await post(app, hrB, `/v1/officers/${officer.id}/departure`, { reason: 'retirement', date: '2026-11-20' })
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.equal(body.officer.status, 'departed')
  t.equal(body.officer.departureReason, 'retirement')
  t.equal(body.cancelled.length, 1)
  t.equal(body.cancelled[0].number, certificate.number)
  t.equal(body.cancelled[0].previousStatus, 'active')
  const verify = (await app.inject({ method: 'GET', url: `/v1/verify/${certificate.number}` })).json()
  t.equal(verify.valid, false)
  t.equal(verify.status, 'cancelled')
  const history = (await app.inject({ method: 'GET', url: `/v1/certificates/${certificate.id}/history`, headers: hrB })).json()
  t.same(history.events.map((e: { action: string }) => e.action), ['issue', 'cancel'])
  t.equal(history.recalls[0].status, 'open')
  assertProblem(t, await post(app, hrB, `/v1/officers/${officer.id}/departure`, { reason: 'other', date: '2026-11-21' }), 409, 'OFFICER_DEPARTED')
  assertProblem(t, await post(app, hrB, `/v1/officers/${officer.id}/transfer`, { toAgencyId: countyB.id, date: '2026-11-21' }), 409, 'OFFICER_DEPARTED')
  const admin = await as('admin')
  assertProblem(t, await post(app, admin, '/v1/certificates', { officerId: officer.id, agencyId: countyB.id }), 409, 'OFFICER_DEPARTED')
})

t.test('transfer moves the person, cancels only the old agency\'s card, and keeps exams for a new card', async (t) => {
  const { app, as, admin, city, countyB, countyC, certified } = await registry(t)
  const { officer, certificate } = await certified(countyB.id)
  const clerkCity = await as('clerk', city.id)
  const hrB = await as('hr', countyB.id)
  assertProblem(t, await post(app, hrB, `/v1/officers/${officer.id}/transfer`, { toAgencyId: countyC.id, date: '2026-11-20' }), 404, 'AGENCY_OUT_OF_SCOPE')
  assertProblem(t, await post(app, clerkCity, `/v1/officers/${officer.id}/transfer`, { toAgencyId: countyB.id, date: '2026-11-20' }), 422, 'SAME_AGENCY')
  const res = await post(app, clerkCity, `/v1/officers/${officer.id}/transfer`, { toAgencyId: countyC.id, date: '2026-11-20' })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().officer.agencyId, countyC.id)
  t.equal(res.json().officer.status, 'active')
  t.same(res.json().cancelled.map((c: { id: number }) => c.id), [certificate.id])
  assertProblem(t, await app.inject({ method: 'GET', url: `/v1/officers/${officer.id}`, headers: hrB }), 404, 'NOT_FOUND')
  const again = await post(app, admin, '/v1/certificates', { officerId: officer.id, agencyId: countyC.id })
  t.equal(again.statusCode, 201, 'the passed exam still counts at the new agency')
})

t.test('a person who left is taken on again by another agency: the same officer, history kept, by registration or by import', async (t) => {
  const { app, as, admin, countyB, countyC, certified } = await registry(t)
  const hrB = await as('hr', countyB.id)
  const hrC = await as('hr', countyC.id)
  const { officer } = await certified(countyB.id, { joinedOn: '2015-03-01' })
  t.equal((await post(app, hrB, `/v1/officers/${officer.id}/departure`, { reason: 'transfer', date: '2026-11-20' })).statusCode, 200)
  const { officer: leaving, certificate: leavingCard } = await certified(countyB.id)
  // A departure still to come is not recorded ahead (it would cancel the card now): the person still serves.
  const ahead = assertProblem(t, await post(app, hrB, `/v1/officers/${leaving.id}/departure`, { reason: 'retirement', date: '2999-12-31' }), 422, 'DATE_IN_FUTURE')
  t.match(ahead.errors, [{ in: 'body', pointer: '/date' }])
  assertProblem(t, await post(app, hrB, `/v1/officers/${leaving.id}/transfer`, { toAgencyId: countyC.id, date: '2999-12-31' }), 422, 'DATE_IN_FUTURE')
  t.match((await app.inject({ method: 'GET', url: `/v1/officers/${leaving.id}`, headers: hrB })).json(), { status: 'active', agencyId: countyB.id, departedOn: null }, 'still at their post')
  t.equal((await app.inject({ method: 'GET', url: `/v1/verify/${leavingCard.number as string}` })).json().valid, true, 'their card still valid')
  assertProblem(t, await post(app, hrC, '/v1/officers', { name: '别人', idNumber: leaving.idNumber, agencyId: countyC.id }), 409, 'ID_NUMBER_TAKEN') // still serving
  const record = await post(app, admin, '/v1/training-records', { officerId: officer.id, category: 'public_law', hours: 3, date: '2026-11-01', evidence: '结业证书' })
  t.equal(record.statusCode, 201, record.body)

  const rejoined = await post(app, hrC, '/v1/officers', { name: '张三', idNumber: officer.idNumber, agencyId: countyC.id, employeeNo: 'C-9' })
  t.equal(rejoined.statusCode, 201, rejoined.body)
  t.match(rejoined.json(), { id: officer.id, agencyId: countyC.id, status: 'active', departedOn: null, departureReason: null, employeeNo: 'C-9', joinedOn: '2015-03-01' }, 'their service history (joinedOn) stays')
  const summary = (await app.inject({ method: 'GET', url: `/v1/officers/${officer.id}/training-summary`, headers: hrC })).json()
  t.equal(summary.publicLawHours, 3, 'the training history came along')
  const card = await post(app, admin, '/v1/certificates', { officerId: officer.id, agencyId: countyC.id })
  t.equal(card.statusCode, 201, 'and the passed exam: the new agency issues a card')
  assertProblem(t, await app.inject({ method: 'GET', url: `/v1/officers/${officer.id}`, headers: hrB }), 404, 'NOT_FOUND')
  t.equal(await queryValue(app, "select count(*) from officer_moves where officer_id = $1 and kind = 'rejoin'", officer.id), 1)
  t.equal(await queryValue(app, "select count(*) from domain_events where type = 'cn.gov.registry.officer.rejoined'"), 1, 'in the change feed')
  const feedOf = async (headers: { authorization: string }) => ((await app.inject({ method: 'GET', url: '/v1/events?limit=500', headers })).json().items as Array<{ type: string }>).map((e) => e.type)
  t.ok((await feedOf(hrC)).includes('cn.gov.registry.officer.rejoined'), 'the new agency hears of it')
  t.notOk((await feedOf(hrB)).includes('cn.gov.registry.officer.rejoined'), 'the agency left does not learn where they work now')
  const taken = assertProblem(t, await post(app, hrB, '/v1/officers', { name: '张三', idNumber: officer.idNumber, agencyId: countyB.id }), 409, 'ID_NUMBER_TAKEN')
  t.same(taken.errors.map((e: { pointer: string }) => e.pointer), ['/idNumber'], 'an active person is still taken')

  // The same through an HR import: a person who left C now serves at B.
  // (dated today: not before their taking on again today, the last move)
  t.equal((await post(app, hrC, `/v1/officers/${officer.id}/departure`, { reason: 'resignation', date: '2026-12-01' })).statusCode, 200)
  const imported = await app.inject({ method: 'POST', url: '/v1/imports/officers', headers: hrB, payload: [{ name: '张三', idNumber: officer.idNumber, agencyId: countyB.id }] })
  t.equal(imported.statusCode, 200, imported.body)
  t.match(imported.json(), { updated: 1, results: [{ row: 1, outcome: 'updated', officerId: officer.id }] })
  t.match((await app.inject({ method: 'GET', url: `/v1/officers/${officer.id}`, headers: hrB })).json(), { agencyId: countyB.id, status: 'active' })
})

t.test('a read officer is never stale: a change by another process (the CLI, a second server) shows at the next request', async (t) => {
  const { file, store } = fileStoreLookingPerRequest(t)
  const { app, as } = await buildTestApp(t, { DATABASE_PATH: file }, { store })
  const admin = await as('admin')
  const city = await createAgency(app, admin, { level: 'city' })
  const countyB = await createAgency(app, admin, { parentId: city.id })
  const countyC = await createAgency(app, admin, { parentId: city.id })
  const o = (await post(app, admin, '/v1/officers', { name: '张三', idNumber: idNumber(901), agencyId: countyB.id })).json()
  const clerkB = await as('clerk', countyB.id)
  const read = () => app.inject({ method: 'GET', url: `/v1/officers/${o.id as number}`, headers: clerkB })
  t.equal((await read()).json().name, '张三')
  t.equal((await read()).json().name, '张三', 'read twice (the second from memory)')
  const other = openSqliteStore(file)
  t.teardown(() => other.close())
  await execute(other, "update officers set name = '张叁', version = version + 1 where id = $1", o.id)
  const renamed = await read()
  t.equal(renamed.json().name, '张叁', 'the other process\'s change')
  t.equal(renamed.headers.etag, `"${(o.version as number) + 1}"`, 'and its version')
  await execute(other, 'update officers set agency_id = $1 where id = $2', countyC.id, o.id)
  assertProblem(t, await read(), 404, 'NOT_FOUND')
})

/** A keep-alive HTTP/1.1 connection to `port` that sends a request when told and resolves with
 *  its answer's status and body; one request at a time, Content-Length answers only (what the
 *  API gives here). */
async function connection (port: number) {
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  let buffered = Buffer.alloc(0)
  let waiting: ((answer: { status: number, body: string }) => void) | undefined
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk])
    const end = buffered.indexOf('\r\n\r\n')
    if (end < 0 || waiting === undefined) return
    const head = buffered.subarray(0, end).toString()
    const length = Number(/content-length: (\d+)/i.exec(head)?.[1])
    if (buffered.length < end + 4 + length) return
    const answer = { status: Number(head.split(' ')[1]), body: buffered.subarray(end + 4, end + 4 + length).toString() }
    buffered = buffered.subarray(end + 4 + length)
    const resolve = waiting
    waiting = undefined
    resolve(answer)
  })
  return {
    /** Writes the request at once (before this returns) and gives its answer. */
    get (path: string, authorization: string) {
      socket.write(`GET ${path} HTTP/1.1\r\nhost: registry\r\nauthorization: ${authorization}\r\n\r\n`)
      return new Promise<{ status: number, body: string }>((resolve) => { waiting = resolve })
    },
    close: () => socket.destroy()
  }
}

t.test('requests that arrive together share one look at other processes\' commits, and each sees every commit made before it was sent', sqliteOnly('counts the looks of the WAL freshness watch'), async (t) => {
  const { file, store } = fileStoreLookingPerRequest(t)
  const { app, as } = await buildTestApp(t, { DATABASE_PATH: file }, { store })
  const admin = await as('admin')
  const county = await createAgency(app, admin, { level: 'city' })
  const ids: number[] = []
  for (let i = 0; i < 12; i++) ids.push((await post(app, admin, '/v1/officers', { name: '张三', idNumber: idNumber(950 + i), agencyId: county.id })).json().id)
  const { authorization } = await as('clerk', county.id)
  const port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port)
  const connections = await Promise.all(ids.map(() => connection(port)))
  t.teardown(() => { for (const c of connections) c.close() })
  // Each connection's first request: the token is verified once, then known.
  for (const [i, c] of connections.entries()) t.equal((await c.get(`/v1/officers/${ids[i]!}`, authorization)).status, 200)
  const watch = store.changes
  const other = openSqliteStore(file)
  t.teardown(() => other.close())
  for (const name of ['张叁', '张仨']) {
    await execute(other, 'update officers set name = $1, version = version + 1', name)
    const looks = watch.looks()
    // Written in one go: on loopback they are all in the server's sockets before it next polls.
    const answers = await Promise.all(connections.map((c, i) => c.get(`/v1/officers/${ids[i]!}`, authorization)))
    t.same(answers.map((a) => JSON.parse(a.body).name), ids.map(() => name), `all ${ids.length} see the other process's commit`)
    const taken = watch.looks() - looks
    t.ok(taken >= 1 && taken <= 2, `one look (two at most, if the kernel was slow to deliver some) for ${ids.length} requests that arrived together: ${taken}`)
  }
  const looks = watch.looks()
  for (const [i, c] of connections.slice(0, 3).entries()) t.equal((await c.get(`/v1/officers/${ids[i]!}`, authorization)).status, 200)
  t.equal(watch.looks() - looks, 3, 'one look each for requests sent one after another')
})

t.test('re-joining: the joinedOn sent dates the new stint; training dated between the departure and the re-join is not credited (OFFICER_DEPARTED); the years served before keep their standing', async (t) => {
  const { app, admin, countyB, countyC, officer } = await registry(t)
  const o = await officer(countyB.id, { joinedOn: '2010-03-01', idNumber: idNumber(601, '19800101') })
  const year2025 = async () => (await app.inject({ method: 'GET', url: `/v1/officers/${o.id}/training-summary?year=2025`, headers: admin })).json()
  t.match(await year2025(), { inScope: true, status: 'non_compliant' }, '2025, before leaving: served, nothing done')
  t.equal((await post(app, admin, `/v1/officers/${o.id}/departure`, { reason: 'resignation', date: '2026-02-01' })).statusCode, 200)
  assertProblem(t, await post(app, admin, '/v1/officers', { name: '张三', idNumber: idNumber(601, '19800101'), agencyId: countyC.id, joinedOn: '2026-01-15' }), 422, 'DATE_BEFORE_LAST_MOVE')
  const back = await post(app, admin, '/v1/officers', { name: '张三', idNumber: idNumber(601, '19800101'), agencyId: countyC.id, joinedOn: '2026-09-01' })
  t.equal(back.statusCode, 201, back.body)
  t.match(back.json(), { id: o.id, agencyId: countyC.id, status: 'active', joinedOn: '2010-03-01' }, 'the same person, who first joined in 2010')
  t.equal(await queryValue(app, "select date from officer_moves where officer_id = $1 and kind = 'rejoin'", o.id), '2026-09-01', 'the new stint begins on the joinedOn sent')
  t.match(await year2025(), { inScope: true, status: 'non_compliant' }, 'a closed year does not change when someone comes back')
  const etag = (await app.inject({ method: 'GET', url: `/v1/officers/${o.id}`, headers: admin })).headers.etag as string
  const fix = await app.inject({ method: 'PATCH', url: `/v1/officers/${o.id}`, headers: { ...admin, 'if-match': etag }, payload: { joinedOn: '2010-04-01' } })
  t.equal(fix.statusCode, 200, `their first joining day can still be corrected: ${fix.body.slice(0, 200)}`)
  const external = (date: string) => post(app, admin, '/v1/training-records', { officerId: o.id, category: 'public_law', hours: 2, date, evidence: '证书' })
  const gap = assertProblem(t, await external('2026-05-10'), 409, 'OFFICER_DEPARTED')
  t.match(gap.detail, /taken on again on 2026-09-01/)
  t.equal((await external('2026-01-20')).statusCode, 201, 'before leaving: history, credited')
  t.equal((await external('2026-09-02')).statusCode, 201, 'in the new stint')
  const course = await post(app, admin, '/v1/trainings', { title: '法律知识轮训', category: 'public_law', hours: 3, startDate: '2026-06-01', endDate: '2026-06-02', mode: 'offline', provider: '司法局' })
  const attended = (await post(app, admin, `/v1/trainings/${course.json().id as number}/attendances`, { officerIds: [o.id] })).json()
  t.match(attended.results, [{ officerId: o.id, outcome: 'officer_departed' }], 'an attendance in the gap is refused too')
})
