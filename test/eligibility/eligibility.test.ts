// POST /v1/eligibility through the API: every reason code, in agreement with issuing (POST
// /v1/certificates refuses for the same reason) and verification (GET /v1/verify/{number} says
// invalid exactly when the card's own status stops the officer); teams, numbers, bad input, scope.
import t from 'tap'
import { assertProblem } from '../helper.js'
import { execute } from '../db.js'
import { createAgency, post } from '../fixtures.js'
import { world, type Answer } from './world.js'

const codes = (r: Answer['results'][number]) => r.reasons.map((x) => x.code)

t.test('every reason code agrees with issuing and verification', async (t) => {
  const w = await world(t)
  const { app, admin, city, countyB, countyC } = w
  const act = async (certificateId: number, action: string) => {
    const res = await post(app, admin, `/v1/certificates/${certificateId}/${action}`, { reason: '测试' })
    if (res.statusCode !== 200) throw new Error(`${action}: ${res.body}`)
  }
  const fine = await w.certified(countyB.id)
  const suspended = await w.certified(countyB.id)
  await act(suspended.certificate.id, 'suspension')
  const revoked = await w.certified(countyB.id)
  await act(revoked.certificate.id, 'revocation')
  const cancelled = await w.certified(countyB.id)
  await act(cancelled.certificate.id, 'cancellation')
  const expired = await w.certified(countyB.id)
  await execute(app, 'update certificates set valid_until = $1 where id = $2', '2026-11-30', expired.certificate.id)
  const departed = await w.certified(countyB.id)
  const left = await post(app, admin, `/v1/officers/${departed.officer.id}/departure`, { reason: 'resignation', date: w.today })
  t.equal(left.statusCode, 200, left.body)
  const auxiliary = await w.officer(countyB.id, { auxiliary: true })
  const police = await w.officer(countyB.id, { police: true })
  const uncertified = await w.officer(countyB.id)
  const cityWide = await w.certified(city.id)
  const ended = await createEndedAgencyOfficer()
  async function createEndedAgencyOfficer () {
    const { id } = await createAgency(app, admin, { parentId: city.id })
    await w.confirm(id)
    const holder = await w.certified(id)
    const end = await post(app, admin, `/v1/agencies/${id}/dissolution`, { date: w.today })
    if (end.statusCode !== 200) throw new Error(`dissolution: ${end.body}`)
    return { ...holder, agencyId: id }
  }
  for (const o of [auxiliary, police]) await post(app, admin, `/v1/exams/${w.exam.id}/results`, { officerId: o.id, score: 90 })

  // [name, officer, certificate number or null, domain, agencyId, reasons, what issuing says (null: not compared)]
  const cases: Array<[string, number, string | null, string, number | undefined, string[], string | null]> = [
    ['a certified officer in post', fine.officer.id, fine.certificate.number, '市场监管', undefined, [], 'CERTIFICATE_EXISTS'],
    ['suspended card', suspended.officer.id, suspended.certificate.number, '市场监管', undefined, ['CERTIFICATE_SUSPENDED'], 'CERTIFICATE_EXISTS'],
    ['revoked card', revoked.officer.id, revoked.certificate.number, '市场监管', undefined, ['CERTIFICATE_REVOKED'], 'REQUALIFICATION_REQUIRED'],
    ['cancelled card', cancelled.officer.id, cancelled.certificate.number, '市场监管', undefined, ['CERTIFICATE_CANCELLED'], null],
    ['expired card', expired.officer.id, expired.certificate.number, '市场监管', undefined, ['CERTIFICATE_EXPIRED'], null],
    ['departed: the departure cancelled the card', departed.officer.id, departed.certificate.number, '市场监管', undefined, ['OFFICER_DEPARTED', 'CERTIFICATE_CANCELLED'], 'OFFICER_DEPARTED'],
    ['auxiliary', auxiliary.id, null, '市场监管', undefined, ['OFFICER_AUXILIARY', 'NO_CERTIFICATE'], 'OFFICER_AUXILIARY'],
    ['police', police.id, null, '市场监管', undefined, ['OFFICER_POLICE', 'NO_CERTIFICATE'], 'OFFICER_POLICE'],
    ['no certificate', uncertified.id, null, '市场监管', undefined, ['NO_CERTIFICATE'], 'EXAM_NOT_PASSED'],
    ['a domain the card lacks', fine.officer.id, fine.certificate.number, '城市管理', undefined, ['DOMAIN_NOT_COVERED'], null],
    ['a city card covers 城市管理', cityWide.officer.id, cityWide.certificate.number, '城市管理', undefined, [], null],
    ['another agency than asked', fine.officer.id, fine.certificate.number, '市场监管', countyC.id, ['WRONG_AGENCY'], null],
    ['the agency asked', fine.officer.id, fine.certificate.number, '市场监管', countyB.id, [], null],
    ['the issuing agency dissolved', ended.officer.id, ended.certificate.number, '市场监管', undefined, ['AGENCY_ENDED'], 'AGENCY_NOT_ACTIVE'],
    ['unknown officer', 999_999, null, '市场监管', undefined, ['OFFICER_NOT_FOUND'], null]
  ]
  for (const [name, officerId, number, domain, agencyId, reasons, issuing] of cases) {
    const answer = await w.check(admin, { officerIds: [officerId], domain, ...(agencyId === undefined ? {} : { agencyId }) })
    const [r] = answer.results
    if (r === undefined) throw new Error('no result')
    t.same(codes(r), reasons, `${name}: reasons`)
    t.equal(r.eligible, reasons.length === 0, `${name}: eligible iff no reason`)
    t.ok(r.reasons.every((x) => /[\u4e00-\u9fff]/.test(x.detail) && /[a-z]{3}/.test(x.detail)), `${name}: details in Chinese and English`)
    if (number !== null) {
      t.equal(r.certificate?.number, number, `${name}: the card judged`)
      const verified = (await app.inject({ method: 'GET', url: `/v1/verify/${number}` })).json() as { valid: boolean, status: string }
      t.equal(verified.valid, !reasons.some((c) => c.startsWith('CERTIFICATE_')), `${name}: verification says valid exactly when the card's status lets the officer act`)
      t.equal(verified.status, r.certificate?.status, `${name}: the same status as verification`)
      const byNumber = await w.check(admin, { certificateNumbers: [number], domain, ...(agencyId === undefined ? {} : { agencyId }) })
      t.same([byNumber.results[0]?.officerId, byNumber.results[0] && codes(byNumber.results[0])], [officerId, reasons], `${name}: the same answer by number`)
    }
    if (issuing !== null) {
      const agency = officerId === ended.officer.id ? ended.agencyId : countyB.id
      const issue = await post(app, admin, '/v1/certificates', { officerId, agencyId: agency })
      t.equal(issue.json().code, issuing, `${name}: issuing answers ${issuing}`)
    }
  }

  const team = await w.check(admin, { officerIds: [fine.officer.id, suspended.officer.id, cityWide.officer.id, 999_999], domain: '市场监管' })
  t.same(team.results.map((r) => r.officerId), [fine.officer.id, suspended.officer.id, cityWide.officer.id, null], 'results in request order; unknown officer null')
  t.same(team.team, { eligibleCount: 2, minimum: 2, sufficient: true }, 'two of four may act: the team suffices')
  const short = await w.check(admin, { officerIds: [fine.officer.id, suspended.officer.id], domain: '市场监管' })
  t.same(short.team, { eligibleCount: 1, minimum: 2, sufficient: false }, 'one alone does not (行政处罚法 art. 42)')
  t.equal(short.domain, '市场监管')
  t.equal(short.agencyId, null)
})

t.test('TEAM_MINIMUM sets the team\'s minimum', async (t) => {
  const w = await world(t, { TEAM_MINIMUM: 3 })
  const a = await w.certified(w.countyB.id)
  const b = await w.certified(w.countyC.id)
  const answer = await w.check(w.admin, { officerIds: [a.officer.id, b.officer.id], domain: '市场监管' })
  t.same(answer.team, { eligibleCount: 2, minimum: 3, sufficient: false })
  const c = await w.certified(w.city.id)
  t.same((await w.check(w.admin, { officerIds: [a.officer.id, b.officer.id, c.officer.id], domain: '市场监管' })).team, { eligibleCount: 3, minimum: 3, sufficient: true })
  const twice = await w.check(w.admin, { certificateNumbers: [a.certificate.number, b.certificate.number], domain: '市场监管' })
  t.same(twice.results.map((r) => r.certificateNumber), [a.certificate.number, b.certificate.number], 'by number: each result names its number')
})

t.test('an agency whose confirmation lapsed: eligibility and issuing both say AGENCY_NOT_CONFIRMED', async (t) => {
  const w = await world(t)
  const holder = await w.certified(w.countyB.id)
  const other = await w.officer(w.countyB.id)
  await post(w.app, w.admin, `/v1/exams/${w.exam.id}/results`, { officerId: other.id, score: 90 })
  // To 1 April of next year: this year's confirmation stood until 31 March (CONFIRMATION_GRACE_UNTIL).
  const next = Date.parse(`${w.year + 1}-04-01T02:00:00Z`)
  w.advance(next - w.clock().getTime())
  const admin = await w.as('admin')
  const answer = await w.check(admin, { officerIds: [holder.officer.id], domain: '市场监管' })
  t.same(codes(answer.results[0] ?? { reasons: [] } as never), ['AGENCY_NOT_CONFIRMED'])
  t.equal(answer.results[0]?.certificate?.status, 'active', 'the card itself is still valid')
  t.equal((await post(w.app, admin, '/v1/certificates', { officerId: other.id, agencyId: w.countyB.id })).json().code, 'AGENCY_NOT_CONFIRMED', 'issuing refuses alike')
  const res = await post(w.app, admin, `/v1/agencies/${w.countyB.id}/confirmations`, { year: w.year + 1, announcementNo: '公告〔次年〕1号', date: `${w.year + 1}-04-01` })
  t.equal(res.statusCode, 201, res.body)
  t.ok((await w.check(admin, { officerIds: [holder.officer.id], domain: '市场监管' })).results[0]?.eligible, 'confirmed again: eligible')
})

t.test('a past instant is judged by the cards\' history and the departure day', async (t) => {
  const w = await world(t)
  const { admin } = w
  const a = await w.certified(w.countyB.id)
  const issuedAt = w.clock()
  w.advance(60 * 60 * 1000) // an hour later
  await post(w.app, admin, `/v1/certificates/${a.certificate.id}/suspension`, { reason: '暂扣待查' })
  const now = await w.check(admin, { officerIds: [a.officer.id], domain: '市场监管' })
  t.same(codes(now.results[0] ?? { reasons: [] } as never), ['CERTIFICATE_SUSPENDED'], 'now: suspended')
  const before = new Date(issuedAt.getTime() + 30 * 60 * 1000).toISOString()
  const then = await w.check(admin, { officerIds: [a.officer.id], domain: '市场监管', at: before })
  t.equal(then.at, before)
  t.same([then.results[0]?.eligible, then.results[0]?.certificate?.status], [true, 'active'], 'half an hour after issue, before the suspension: it was valid')
  const beforeIssue = new Date(issuedAt.getTime() - 60_000).toISOString()
  t.same(codes((await w.check(admin, { officerIds: [a.officer.id], domain: '市场监管', at: beforeIssue })).results[0] ?? { reasons: [] } as never), ['NO_CERTIFICATE'], 'before its issue: no card')
  const shanghai = before.replace('Z', '+00:00')
  t.equal((await w.check(admin, { officerIds: [a.officer.id], domain: '市场监管', at: shanghai })).at, before, 'an offset is read as the same instant')

  const b = await w.certified(w.countyB.id)
  w.advance(60_000)
  const departedAt = w.clock()
  await post(w.app, admin, `/v1/officers/${b.officer.id}/departure`, { reason: 'retirement', date: w.today })
  const earlier = new Date(departedAt.getTime() - 1000).toISOString()
  t.same(codes((await w.check(admin, { officerIds: [b.officer.id], domain: '市场监管', at: earlier })).results[0] ?? { reasons: [] } as never), ['OFFICER_DEPARTED'],
    'a departure dated today counts from the start of today, even before it was recorded')
  w.advance(60_000)
  const later = await w.check(admin, { officerIds: [b.officer.id], domain: '市场监管' })
  t.same(codes(later.results[0] ?? { reasons: [] } as never), ['OFFICER_DEPARTED', 'CERTIFICATE_CANCELLED'], 'a minute after the departure: not eligible')
  const ahead = new Date(w.clock().getTime() + 23 * 60 * 60 * 1000).toISOString()
  t.equal((await w.ask(admin, { officerIds: [a.officer.id], domain: '市场监管', at: ahead })).statusCode, 200, 'up to a day ahead is judged')
})

t.test('bad input is refused naming the field', async (t) => {
  const w = await world(t)
  const cases: Array<[string, Record<string, unknown>, number, string, string]> = [
    ['an unknown field', { officerIds: [1], domain: '市场监管', extra: 1 }, 400, 'VALIDATION_FAILED', '/extra'],
    ['no domain', { officerIds: [1] }, 400, 'VALIDATION_FAILED', '/domain'],
    ['a blank domain', { officerIds: [1], domain: '  ' }, 400, 'VALIDATION_FAILED', '/domain'],
    ['neither list', { domain: '市场监管' }, 400, 'VALIDATION_FAILED', '/officerIds'],
    ['both lists', { officerIds: [1], certificateNumbers: ['1408022026000011'], domain: '市场监管' }, 400, 'VALIDATION_FAILED', '/certificateNumbers'],
    ['an empty list', { officerIds: [], domain: '市场监管' }, 400, 'VALIDATION_FAILED', '/officerIds'],
    ['more than 50', { officerIds: Array.from({ length: 51 }, (_, i) => i + 1), domain: '市场监管' }, 400, 'VALIDATION_FAILED', '/officerIds'],
    ['the same officer twice', { officerIds: [1, 1], domain: '市场监管' }, 400, 'VALIDATION_FAILED', '/officerIds'],
    ['not an id', { officerIds: ['x'], domain: '市场监管' }, 400, 'VALIDATION_FAILED', '/officerIds/0'],
    ['a mistyped number', { certificateNumbers: ['1408022026000011', '1408022026000012'], domain: '市场监管' }, 400, 'CERTIFICATE_NUMBER_INVALID', '/certificateNumbers/'],
    ['not a timestamp', { officerIds: [1], domain: '市场监管', at: '2026-12-01' }, 400, 'VALIDATION_FAILED', '/at'],
    ['a leap second', { officerIds: [1], domain: '市场监管', at: '2016-12-31T23:59:60Z' }, 400, 'VALIDATION_FAILED', '/at'],
    ['two days ahead', { officerIds: [1], domain: '市场监管', at: new Date(w.clock().getTime() + 2 * 86_400_000).toISOString() }, 422, 'INSTANT_TOO_FAR_AHEAD', '/at'],
    ['not an agency id', { officerIds: [1], domain: '市场监管', agencyId: 0 }, 400, 'VALIDATION_FAILED', '/agencyId']
  ]
  for (const [name, body, status, code, pointer] of cases) {
    const problem = assertProblem(t, await w.ask(w.admin, body), status, code)
    const pointers = ((problem.errors ?? []) as Array<{ pointer: string }>).map((e) => e.pointer)
    t.ok(pointers.some((p) => p.startsWith(pointer)), `${name}: names ${pointer} (${pointers.join(' ')})`)
  }
})

t.test('scope: officers and numbers outside the caller\'s agencies answer OFFICER_NOT_FOUND, not a 404', async (t) => {
  const w = await world(t)
  const mine = await w.certified(w.countyB.id)
  const theirs = await w.certified(w.countyC.id)
  for (const role of ['clerk', 'hr', 'auditor', 'casework'] as const) {
    const headers = await w.as(role, w.countyB.id)
    const answer = await w.check(headers, { officerIds: [mine.officer.id, theirs.officer.id], domain: '市场监管' })
    t.same(answer.results.map((r) => [r.officerId, r.eligible, codes(r)]), [[mine.officer.id, true, []], [null, false, ['OFFICER_NOT_FOUND']]], `${role}: the other county's officer is not found`)
    t.equal(answer.results[1]?.certificate, null, `${role}: nothing about them leaks`)
    const numbers = await w.check(headers, { certificateNumbers: [theirs.certificate.number, mine.certificate.number], domain: '市场监管' })
    t.same(numbers.results.map((r) => [r.officerId, codes(r)]), [[null, ['OFFICER_NOT_FOUND']], [mine.officer.id, []]], `${role}: by number too`)
    t.same(answer.team, { eligibleCount: 1, minimum: 2, sufficient: false })
  }
})

t.test('the casework role: eligibility and verification, nothing else', async (t) => {
  const w = await world(t)
  const holder = await w.certified(w.countyB.id)
  const made = await post(w.app, w.admin, '/v1/clients', { name: '执法办案系统', role: 'casework', agencyId: w.city.id })
  t.equal(made.statusCode, 201, made.body)
  const { clientId, clientSecret } = made.json() as { clientId: string, clientSecret: string }
  t.match(clientId, /^casework-/)
  const token = await w.app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret } })
  t.equal(token.statusCode, 200, token.body)
  const headers = { authorization: `Bearer ${token.json().access_token as string}` }
  const ok = await w.ask(headers, { officerIds: [holder.officer.id], domain: '市场监管' })
  t.equal(ok.statusCode, 200, ok.body)
  t.equal(ok.json().results[0].eligible, true)
  t.equal((await w.app.inject({ method: 'GET', url: `/v1/verify/${holder.certificate.number}`, headers })).statusCode, 200, 'verification')
  for (const [method, url] of [['GET', '/v1/officers'], ['GET', `/v1/officers/${holder.officer.id}`], ['GET', '/v1/certificates'], ['GET', `/v1/certificates/${holder.certificate.id}`], ['GET', '/v1/agencies'], ['POST', '/v1/officers/lookup']] as const) {
    assertProblem(t, await w.app.inject({ method, url, headers, ...(method === 'POST' ? { payload: { idNumber: '14010519850612302X' } } : {}) }), 403, 'FORBIDDEN')
  }
  const user = await post(w.app, w.admin, '/v1/users', { username: 'case-system', password: 'Case-Password-2026', role: 'casework', agencyId: w.countyB.id })
  t.equal(user.statusCode, 201, user.body)
  t.equal(user.json().role, 'casework')
})
