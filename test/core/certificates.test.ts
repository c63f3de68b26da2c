import t from 'tap'
import { checkCertificateNumber } from '../../src/domain/certificate-number.js'
import { assertProblem, buildTestApp } from '../helper.js'
import { createAgency, idNumber, post } from '../fixtures.js'
import { registry } from './setup.js'
import { queryValue, execute } from '../db.js'

t.test('issue assigns a checked number, validity from config, the agency\'s domains, and is listed and readable in scope only', async (t) => {
  const { app, as, countyB, countyC, certified } = await registry(t)
  const { certificate } = await certified(countyB.id)
  const full = (await app.inject({ method: 'GET', url: `/v1/certificates/${certificate.id}`, headers: await as('auditor', countyB.id) })).json()
  t.ok(checkCertificateNumber(full.number), 'the number carries a valid check character')
  t.match(full.number, /^140802\d{4}\d{5}[\dX]$/)
  t.equal(full.status, 'active')
  t.same(full.domains, ['市场监管'])
  t.equal(Number(full.validUntil.slice(0, 4)) - Number(full.issuedOn.slice(0, 4)), 5, 'five years by default')
  const hrC = await as('hr', countyC.id)
  assertProblem(t, await app.inject({ method: 'GET', url: `/v1/certificates/${certificate.id}`, headers: hrC }), 404, 'NOT_FOUND')
  t.equal((await app.inject({ method: 'GET', url: '/v1/certificates', headers: hrC })).json().items.length, 0)
  t.equal((await app.inject({ method: 'GET', url: `/v1/certificates?agencyId=${countyB.id}&status=active`, headers: await as('hr', countyB.id) })).json().items.length, 1)
})

t.test('every refusal of rule 1 has its own code', async (t) => {
  const { app, admin, year, today, city, countyB, countyC, exam, officer, certified } = await registry(t)
  const passed = async (o: { id: number }) => post(app, admin, `/v1/exams/${exam.id as number}/results`, { officerId: o.id, score: 75 })
  const issue = (officerId: number, agencyId: number, extra = {}) => post(app, admin, '/v1/certificates', { officerId, agencyId, ...extra })

  const noExam = await officer(countyB.id)
  assertProblem(t, await issue(noExam.id, countyB.id), 422, 'EXAM_NOT_PASSED')
  await post(app, admin, `/v1/exams/${exam.id as number}/results`, { officerId: noExam.id, score: 40 })
  assertProblem(t, await issue(noExam.id, countyB.id), 422, 'EXAM_NOT_PASSED')

  const aux = await officer(countyB.id, { auxiliary: true })
  await passed(aux)
  assertProblem(t, await issue(aux.id, countyB.id), 422, 'OFFICER_AUXILIARY')
  const police = await officer(countyB.id, { police: true })
  await passed(police)
  assertProblem(t, await issue(police.id, countyB.id), 422, 'OFFICER_POLICE')

  const { officer: holder } = await certified(countyB.id)
  const dup = assertProblem(t, await issue(holder.id, countyB.id), 409, 'CERTIFICATE_EXISTS')
  t.same(dup.refusals, ['CERTIFICATE_EXISTS'])
  assertProblem(t, await issue(holder.id, countyC.id), 422, 'OFFICER_NOT_AT_AGENCY')
  assertProblem(t, await issue(holder.id, countyB.id, { domains: ['生态环境'] }), 409, 'CERTIFICATE_EXISTS')

  const other = await officer(countyB.id)
  await passed(other)
  assertProblem(t, await issue(other.id, countyB.id, { domains: ['生态环境'] }), 422, 'DOMAIN_NOT_HELD')

  const unconfirmed = await createAgency(app, admin, { parentId: city.id })
  const u = await officer(unconfirmed.id)
  await passed(u)
  const notConfirmed = assertProblem(t, await issue(u.id, unconfirmed.id), 409, 'AGENCY_NOT_CONFIRMED')
  t.equal(notConfirmed.detail, `agency ${unconfirmed.id} has no confirmation for ${year} (last year's stands only until 03-31): record it with POST /v1/agencies/${unconfirmed.id}/confirmations / 该执法主体未登记 ${year} 年度确认公告（上年度确认仅至 3月31日），请先通过 POST /v1/agencies/${unconfirmed.id}/confirmations 登记`, 'names the year and the route that records it')
  await post(app, admin, `/v1/agencies/${unconfirmed.id}/confirmations`, { year: year - 1, announcementNo: 'old', date: `${year - 1}-03-01` })
  assertProblem(t, await issue(u.id, unconfirmed.id), 409, 'AGENCY_NOT_CONFIRMED')
  await post(app, admin, `/v1/agencies/${unconfirmed.id}/confirmations`, { year, announcementNo: 'new', date: today })
  t.equal((await issue(u.id, unconfirmed.id)).statusCode, 201, 'confirmed for this year: issued')

  const m = await officer(countyC.id)
  await passed(m)
  await post(app, admin, `/v1/agencies/${countyC.id}/merger`, { date: today, successorId: countyB.id })
  const merged = assertProblem(t, await issue(m.id, countyC.id), 409, 'AGENCY_NOT_ACTIVE')
  t.same(merged.refusals, ['AGENCY_NOT_ACTIVE'])
  assertProblem(t, await issue(999999, countyB.id), 404, 'NOT_FOUND')
})

t.test('the status machine through the routes: every allowed change, every refused one, each in the history', async (t) => {
  const { app, admin, as, countyB, certified } = await registry(t)
  const { certificate } = await certified(countyB.id)
  const url = (p: string) => `/v1/certificates/${certificate.id}/${p}`
  const act = (p: string, body: Record<string, unknown> = { reason: '测试' }) => post(app, admin, url(p), body)

  assertProblem(t, await act('reinstatement'), 409, 'CERTIFICATE_TRANSITION_NOT_ALLOWED')
  const s = await act('suspension', { reason: '立案调查', until: '2027-01-31' })
  t.equal(s.json().status, 'suspended')
  t.equal(s.json().suspendedUntil, '2027-01-31')
  assertProblem(t, await act('suspension'), 409, 'CERTIFICATE_TRANSITION_NOT_ALLOWED')
  t.equal((await act('reinstatement')).json().status, 'active')
  t.equal((await act('revocation', { reason: '处分决定〔2026〕3号' })).json().status, 'revoked')
  for (const p of ['suspension', 'reinstatement', 'revocation', 'cancellation']) {
    assertProblem(t, await act(p), 409, 'CERTIFICATE_TRANSITION_NOT_ALLOWED')
  }
  assertProblem(t, await act('suspension', { reason: '' }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await post(app, await as('hr', countyB.id), url('suspension'), { reason: 'x' }), 403, 'FORBIDDEN')

  const history = (await app.inject({ method: 'GET', url: url('history'), headers: admin })).json()
  t.same(history.events.map((e: { action: string, toStatus: string }) => `${e.action}:${e.toStatus}`),
    ['issue:active', 'suspend:suspended', 'reinstate:active', 'revoke:revoked'])
  t.ok(history.events.every((e: { actor: string, at: string }) => e.actor.startsWith('user:') && e.at), 'actor and time on each')
  t.equal(history.recalls.length, 1, 'revocation opened a recall')

  const { certificate: second } = await certified(countyB.id)
  t.equal((await post(app, admin, `/v1/certificates/${second.id}/cancellation`, { reason: '注销' })).json().status, 'cancelled')
})

t.test('card recall: open after a final change, closed once as recovered or lost', async (t) => {
  const { app, admin, countyB, certified, today } = await registry(t)
  const { certificate } = await certified(countyB.id)
  const recall = (body: Record<string, unknown>) => post(app, admin, `/v1/certificates/${certificate.id}/recall`, body)
  assertProblem(t, await recall({ outcome: 'recovered', date: today }), 409, 'RECALL_CLOSED')
  await post(app, admin, `/v1/certificates/${certificate.id}/cancellation`, { reason: '注销' })
  const closed = await recall({ outcome: 'lost', date: today, note: '登报声明作废' })
  t.equal(closed.statusCode, 200, closed.body)
  t.equal(closed.json().status, 'lost')
  assertProblem(t, await recall({ outcome: 'recovered', date: today }), 409, 'RECALL_CLOSED')
  assertProblem(t, await post(app, admin, '/v1/certificates/99999/recall', { outcome: 'lost', date: today }), 404, 'NOT_FOUND')
})

t.test('staffing applies the 5% rule to real data: the headcount (002 item 11 "本单位执法人员总数", police included, whatever their cards) against active legal reviewers, certified beside', async (t) => {
  const { app, admin, countyB, certified, officer } = await registry(t)
  for (let i = 0; i < 18; i++) await certified(countyB.id)
  await officer(countyB.id) // no card yet: still one of the heads
  await officer(countyB.id, { police: true }) // police: under the 人民警察法, but an officer of the unit
  await officer(countyB.id, { auxiliary: true }) // auxiliary staff are not officers (002 item 10)
  const url = `/v1/agencies/${countyB.id}/staffing`
  t.same((await app.inject({ method: 'GET', url, headers: admin })).json(),
    { agencyId: countyB.id, agencyName: countyB.name, officers: 20, certified: 18, reviewers: 0, required: 1, shortfall: 1, compliant: false })
  await officer(countyB.id, { legalReviewer: true }) // 21 heads now: two reviewers needed
  await officer(countyB.id, { legalReviewer: true, auxiliary: true })
  const one = (await app.inject({ method: 'GET', url, headers: admin })).json()
  t.equal(one.officers, 21, 'the reviewer is one of the heads; the auxiliary one is not')
  t.equal(one.reviewers, 1, 'an auxiliary reviewer does not count')
  t.equal(one.shortfall, 1)
  const r2 = await officer(countyB.id, { legalReviewer: true })
  const ok = (await app.inject({ method: 'GET', url, headers: admin })).json()
  t.equal(ok.compliant, true)
  await post(app, admin, `/v1/officers/${r2.id}/departure`, { reason: 'resignation', date: '2026-11-01' })
  t.equal((await app.inject({ method: 'GET', url, headers: admin })).json().compliant, false, 'a departed reviewer no longer counts')
})

t.test('an expired card is not active (rule 1): it leaves the certified count and the active list, and a new card replaces it, the old one cancelled with its recall', async (t) => {
  let now = new Date('2025-06-01T02:00:00Z') // 10:00 in Shanghai
  const { app, as } = await buildTestApp(t, { CERTIFICATE_VALIDITY_YEARS: 1 }, { clock: () => now })
  const admin = await as('admin')
  const get = async (url: string) => (await app.inject({ method: 'GET', url, headers: admin })).json()
  const agency = await createAgency(app, admin, { domains: ['市场监管'] })
  const confirm = (year: number) => post(app, admin, `/v1/agencies/${agency.id}/confirmations`, { year, announcementNo: `公告〔${year}〕1号`, date: `${year}-01-10` })
  await confirm(2025)
  const officer = (await post(app, admin, '/v1/officers', { name: '李四', idNumber: idNumber(7, '19800101'), agencyId: agency.id })).json() as { id: number }
  const exam = (await post(app, admin, '/v1/exams', { name: '2025年行政执法资格考试', date: '2025-05-20' })).json() as { id: number }
  await post(app, admin, `/v1/exams/${exam.id}/results`, { officerId: officer.id, score: 85 })
  const issue = () => post(app, admin, '/v1/certificates', { officerId: officer.id, agencyId: agency.id })
  const first = (await issue()).json() as { id: number, validUntil: string }
  t.equal(first.validUntil, '2026-05-31')
  const ids = async (status: string) => ((await get(`/v1/certificates?agencyId=${agency.id}&status=${status}`)).items as Array<{ id: number }>).map((c) => c.id)
  t.match(await get(`/v1/agencies/${agency.id}/staffing`), { officers: 1, certified: 1 })
  assertProblem(t, await issue(), 409, 'CERTIFICATE_EXISTS')

  now = new Date('2026-06-01T02:00:00Z') // 1 June 2026: the card's last valid day was yesterday
  await confirm(2026)
  t.match(await get(`/v1/agencies/${agency.id}/staffing`), { officers: 1, certified: 0 }, 'an expired card leaves certified; the person is still one of the heads of rule 4')
  t.same(await ids('active'), [], 'not listed as active')
  t.same(await ids('expired'), [first.id], 'listed as expired')

  const renewed = await issue()
  t.equal(renewed.statusCode, 201, renewed.body)
  const second = renewed.json() as { id: number, status: string, validUntil: string }
  t.match(second, { status: 'active', validUntil: '2027-05-31' })
  t.match(await get(`/v1/certificates/${first.id}`), { status: 'cancelled', statusReason: 'renewal' }, 'the expired card is cancelled')
  const history = await get(`/v1/certificates/${first.id}/history`)
  t.match(history.events.at(-1), { action: 'cancel', fromStatus: 'expired', toStatus: 'cancelled', reason: 'renewal' })
  t.match(history.recalls, [{ status: 'open', reason: 'renewal', openedOn: '2026-06-01' }], 'and its card is to be handed back')
  t.same(await ids('active'), [second.id])
  t.same(await ids('cancelled'), [first.id])
  t.match(await get(`/v1/agencies/${agency.id}/staffing`), { officers: 1, certified: 1 })
  assertProblem(t, await issue(), 409, 'CERTIFICATE_EXISTS') // a card still valid is not replaced
})

t.test('an expired card that is suspended is not replaced by a new one: the suspension (暂扣待查) is for a clerk to end', async (t) => {
  let now = new Date('2025-06-01T02:00:00Z')
  const { app, as } = await buildTestApp(t, { CERTIFICATE_VALIDITY_YEARS: 1 }, { clock: () => now })
  const admin = await as('admin')
  const agency = await createAgency(app, admin, { domains: ['市场监管'] })
  const confirm = (year: number) => post(app, admin, `/v1/agencies/${agency.id}/confirmations`, { year, announcementNo: `公告〔${year}〕5号`, date: `${year}-01-10` })
  await confirm(2025)
  const officer = (await post(app, admin, '/v1/officers', { name: '孙八', idNumber: idNumber(11, '19800101'), agencyId: agency.id })).json() as { id: number }
  const exam = (await post(app, admin, '/v1/exams', { name: '2025年上半年行政执法资格考试', date: '2025-05-20' })).json() as { id: number }
  await post(app, admin, `/v1/exams/${exam.id}/results`, { officerId: officer.id, score: 85 })
  const issue = () => post(app, admin, '/v1/certificates', { officerId: officer.id, agencyId: agency.id })
  const card = (await issue()).json() as { id: number }
  t.equal((await post(app, admin, `/v1/certificates/${card.id}/suspension`, { reason: '涉嫌违法违规执法，暂扣待查' })).statusCode, 200)
  now = new Date('2026-06-01T02:00:00Z')
  await confirm(2026) // announced in January, recorded now: a date after today is refused
  assertProblem(t, await issue(), 409, 'CERTIFICATE_EXISTS')
  t.match((await app.inject({ method: 'GET', url: `/v1/certificates/${card.id}`, headers: admin })).json(), { status: 'expired', storedStatus: 'suspended' }, 'left as it was')
})

t.test('a card holder cannot be marked auxiliary or police (rule 1), by PATCH or by import, until the card is cancelled', async (t) => {
  const { app, admin, countyB, certified } = await registry(t)
  const { officer, certificate } = await certified(countyB.id)
  const url = `/v1/officers/${officer.id}`
  const patch = (payload: Record<string, unknown>, version: number) => app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': `"${version}"` }, payload })
  const aux = assertProblem(t, await patch({ auxiliary: true }, officer.version), 422, 'OFFICER_AUXILIARY')
  t.match(aux.errors, [{ pointer: '/auxiliary', detail: new RegExp(certificate.number) }], 'names the field and the card')
  assertProblem(t, await patch({ police: true, employeeNo: 'P-1' }, officer.version), 422, 'OFFICER_POLICE')
  const unchanged = (await app.inject({ method: 'GET', url, headers: admin })).json()
  t.match(unchanged, { auxiliary: false, police: false, version: officer.version, employeeNo: null }, 'nothing of the refused changes was written')
  t.match((await app.inject({ method: 'GET', url: `/v1/verify/${certificate.number}` })).json(), { valid: true })

  const imported = await app.inject({
    method: 'POST',
    url: '/v1/imports/officers?partial=true',
    headers: admin,
    payload: [{ name: '张三', idNumber: officer.idNumber, agencyId: countyB.id, auxiliary: true }]
  })
  t.equal(imported.statusCode, 200, imported.body)
  t.match(imported.json().results, [{ row: 1, outcome: 'error', errors: [{ code: 'OFFICER_AUXILIARY', pointer: '/auxiliary' }] }], 'an HR import is refused the same way')

  t.equal((await post(app, admin, `/v1/certificates/${certificate.id}/cancellation`, { reason: '转为辅助人员' })).statusCode, 200)
  const done = await patch({ auxiliary: true }, officer.version)
  t.equal(done.statusCode, 200, done.body)
  t.equal(done.json().auxiliary, true, 'once the card is cancelled the change goes through')
})

t.test('only an exam already held qualifies: a passed result of a later exam (written behind the service\'s back) is EXAM_NOT_PASSED until its day', async (t) => {
  let now = new Date('2025-06-01T02:00:00Z')
  const { app, as } = await buildTestApp(t, {}, { clock: () => now })
  const admin = await as('admin')
  const agency = await createAgency(app, admin, { domains: ['市场监管'] })
  await post(app, admin, `/v1/agencies/${agency.id}/confirmations`, { year: 2025, announcementNo: '公告〔2025〕1号', date: '2025-01-10' })
  const officer = (await post(app, admin, '/v1/officers', { name: '赵六', idNumber: idNumber(8, '19800101'), agencyId: agency.id })).json() as { id: number }
  const exam = (await post(app, admin, '/v1/exams', { name: '2025年上半年行政执法资格考试', date: '2025-06-10' })).json() as { id: number }
  await execute(app, 'insert into exam_results (exam_id, officer_id, score, passed) values ($1, $2, 90, true)', exam.id, officer.id)
  const issue = () => post(app, admin, '/v1/certificates', { officerId: officer.id, agencyId: agency.id })
  assertProblem(t, await issue(), 422, 'EXAM_NOT_PASSED')
  now = new Date('2025-06-10T02:00:00Z')
  t.equal((await issue()).statusCode, 201, 'from the exam\'s day on')
})

t.test('dates that cannot be: a suspension until a past day, a recall closed before it opened or in the future, an empty domain list', async (t) => {
  const { app, admin, countyB, certified, today } = await registry(t)
  const { certificate } = await certified(countyB.id)
  const past = assertProblem(t, await post(app, admin, `/v1/certificates/${certificate.id}/suspension`, { reason: '立案调查', until: '2020-01-01' }), 422, 'DATE_RANGE_INVALID')
  t.same(past.errors.map((e: { pointer: string }) => e.pointer), ['/until'])
  t.equal((await app.inject({ method: 'GET', url: `/v1/certificates/${certificate.id}`, headers: admin })).json().status, 'active', 'nothing changed')
  t.equal((await post(app, admin, `/v1/certificates/${certificate.id}/suspension`, { reason: '立案调查', until: today })).statusCode, 200, 'until today is fine')
  await post(app, admin, `/v1/certificates/${certificate.id}/reinstatement`, { reason: '调查结束' }) // the card returned: a cancellation recalls it
  await post(app, admin, `/v1/certificates/${certificate.id}/cancellation`, { reason: '注销' })
  const recall = (date: string) => post(app, admin, `/v1/certificates/${certificate.id}/recall`, { outcome: 'recovered', date })
  for (const date of ['2019-01-01', '2999-01-01']) {
    const bad = assertProblem(t, await recall(date), 422, 'DATE_RANGE_INVALID')
    t.same(bad.errors.map((e: { pointer: string }) => e.pointer), ['/date'], date)
  }
  t.equal((await recall(today)).statusCode, 200, 'closed the day it opened')
  const other = await certified(countyB.id)
  await post(app, admin, `/v1/certificates/${other.certificate.id}/cancellation`, { reason: '注销' })
  const empty = assertProblem(t, await post(app, admin, '/v1/certificates', { officerId: other.officer.id, agencyId: countyB.id, domains: [] }), 400, 'VALIDATION_FAILED')
  t.match(JSON.stringify(empty.errors), /\/domains/)
})

t.test('a merger lists for reissue only the cards still valid, not an expired one', async (t) => {
  let now = new Date('2025-06-01T02:00:00Z')
  const { app, as } = await buildTestApp(t, { CERTIFICATE_VALIDITY_YEARS: 1 }, { clock: () => now })
  const admin = await as('admin')
  const agency = await createAgency(app, admin, { domains: ['市场监管'] })
  const successor = await createAgency(app, admin, { domains: ['市场监管'] })
  await post(app, admin, `/v1/agencies/${agency.id}/confirmations`, { year: 2025, announcementNo: '公告〔2025〕2号', date: '2025-01-10' })
  const exam = (await post(app, admin, '/v1/exams', { name: '2025年上半年行政执法资格考试', date: '2025-05-20' })).json() as { id: number }
  const holder = async (seq: number) => {
    const o = (await post(app, admin, '/v1/officers', { name: '钱七', idNumber: idNumber(seq, '19800101'), agencyId: agency.id })).json() as { id: number }
    await post(app, admin, `/v1/exams/${exam.id}/results`, { officerId: o.id, score: 80 })
    return (await post(app, admin, '/v1/certificates', { officerId: o.id, agencyId: agency.id })).json() as { id: number }
  }
  await holder(9) // valid until 2026-05-31
  now = new Date('2025-12-01T02:00:00Z')
  const current = await holder(10) // valid until 2026-11-30
  now = new Date('2026-07-01T02:00:00Z')
  const merged = await post(app, admin, `/v1/agencies/${agency.id}/merger`, { date: '2026-07-01', successorId: successor.id })
  t.equal(merged.statusCode, 200, merged.body)
  t.same(merged.json().certificatesToReissue.map((c: { id: number }) => c.id), [current.id])
})

t.test('when a region has given all 99,999 numbers of the year, an issue is 409 CERTIFICATE_NUMBERS_EXHAUSTED and nothing is written', async (t) => {
  const { app, admin, countyB, officer, exam, year } = await registry(t)
  const o = await officer(countyB.id)
  await post(app, admin, `/v1/exams/${exam.id as number}/results`, { officerId: o.id, score: 80 })
  const region = await queryValue<string>(app, 'select region_code from agencies where id = $1', countyB.id)
  await execute(app, 'insert into certificate_sequences (region_code, year, last_seq) values ($1, $2, 99999) on conflict (region_code, year) do update set last_seq = 99999', region, year)
  const certificates = async () => queryValue(app, 'select count(*) from certificates')
  const before = await certificates()
  assertProblem(t, await post(app, admin, '/v1/certificates', { officerId: o.id, agencyId: countyB.id }), 409, 'CERTIFICATE_NUMBERS_EXHAUSTED')
  t.equal(await certificates(), before, 'no certificate')
  t.equal(await queryValue(app, 'select last_seq from certificate_sequences where region_code = $1 and year = $2', region, year), 99999, 'the sequence did not move')
})

t.test('003 line 223 暂扣: a suspension takes the card into custody (heldSince), reinstatement returns it; revoked while held, it is recovered at once', async (t) => {
  const { app, admin, countyB, certified, today } = await registry(t)
  const get = async (id: number) => (await app.inject({ method: 'GET', url: `/v1/certificates/${id}`, headers: admin })).json()
  const history = async (id: number) => (await app.inject({ method: 'GET', url: `/v1/certificates/${id}/history`, headers: admin })).json()
  const { certificate } = await certified(countyB.id)
  t.equal((await get(certificate.id)).heldSince, null, 'an active card is with its holder')
  t.match((await post(app, admin, `/v1/certificates/${certificate.id}/suspension`, { reason: '立案调查' })).json(), { status: 'suspended', heldSince: today })
  t.match((await history(certificate.id)).custodies, [{ heldSince: today, endedOn: null, outcome: null }], 'a custody record opened')
  t.match((await post(app, admin, `/v1/certificates/${certificate.id}/reinstatement`, { reason: '调查结束' })).json(), { status: 'active', heldSince: null })
  t.match((await history(certificate.id)).custodies, [{ heldSince: today, endedOn: today, outcome: 'returned' }], 'card returned')

  const other = await certified(countyB.id)
  await post(app, admin, `/v1/certificates/${other.certificate.id}/suspension`, { reason: '立案调查' })
  const revoked = await post(app, admin, `/v1/certificates/${other.certificate.id}/revocation`, { reason: '违法执法' })
  t.match(revoked.json(), { status: 'revoked', heldSince: null })
  const h = await history(other.certificate.id)
  t.match(h.custodies, [{ outcome: 'retained', endedOn: today }], 'the bureau keeps the card')
  t.match(h.recalls, [{ status: 'recovered', closedOn: today }], 'already in hand: no recall left open')
  const report = (await app.inject({ method: 'GET', url: '/v1/reports/certificates?dueWithinDays=0', headers: admin })).json()
  t.same(report.items.filter((r: { kind: string }) => r.kind !== 'expiring').map((r: { kind: string }) => r.kind), [], 'nothing awaiting recall, nothing in custody')
})

t.test('吊销 is a sanction: the same person gets no new card on an exam passed before the revocation (REQUALIFICATION_REQUIRED), only after passing again', async (t) => {
  let now = new Date('2026-03-01T02:00:00Z')
  const { app, as } = await buildTestApp(t, {}, { clock: () => now })
  const admin = await as('admin')
  const a = await createAgency(app, admin, { domains: ['市场监管'] })
  const b = await createAgency(app, admin, { domains: ['市场监管'] })
  for (const ag of [a, b]) await post(app, admin, `/v1/agencies/${ag.id}/confirmations`, { year: 2026, announcementNo: `公告〔2026〕${ag.id}号`, date: '2026-01-10' })
  const officer = (await post(app, admin, '/v1/officers', { name: '钱七', idNumber: idNumber(31, '19800101'), agencyId: a.id })).json() as { id: number }
  const exam = (await post(app, admin, '/v1/exams', { name: '2026年第一次考试', date: '2026-02-20' })).json() as { id: number }
  await post(app, admin, `/v1/exams/${exam.id}/results`, { officerId: officer.id, score: 88 })
  const card = (await post(app, admin, '/v1/certificates', { officerId: officer.id, agencyId: a.id })).json() as { id: number }
  now = new Date('2026-04-01T02:00:00Z')
  t.equal((await post(app, admin, `/v1/certificates/${card.id}/revocation`, { reason: '违法执法受到处分' })).statusCode, 200)
  const again = assertProblem(t, await post(app, admin, '/v1/certificates', { officerId: officer.id, agencyId: a.id }), 422, 'REQUALIFICATION_REQUIRED')
  t.same(again.refusals, ['REQUALIFICATION_REQUIRED'])
  t.equal((await post(app, admin, `/v1/officers/${officer.id}/transfer`, { toAgencyId: b.id, date: '2026-04-01' })).statusCode, 200)
  assertProblem(t, await post(app, admin, '/v1/certificates', { officerId: officer.id, agencyId: b.id }), 422, 'REQUALIFICATION_REQUIRED')
  const retake = (await post(app, admin, '/v1/exams', { name: '2026年第二次考试', date: '2026-05-16' })).json() as { id: number }
  now = new Date('2026-05-20T02:00:00Z')
  await post(app, admin, `/v1/exams/${retake.id}/results`, { officerId: officer.id, score: 75 })
  t.equal((await post(app, admin, '/v1/certificates', { officerId: officer.id, agencyId: b.id })).statusCode, 201, 'passed again after the revocation')
})

t.test('001 line 14 确认 every year: last year\'s confirmation stands until 31 March (CONFIRMATION_GRACE_UNTIL), flagged confirmationDue; then AGENCY_NOT_CONFIRMED', async (t) => {
  let now = new Date('2027-01-05T02:00:00Z')
  const { app, as } = await buildTestApp(t, {}, { clock: () => now })
  const admin = await as('admin')
  const agency = await createAgency(app, admin, { domains: ['市场监管'] })
  now = new Date('2026-01-05T02:00:00Z')
  await post(app, admin, `/v1/agencies/${agency.id}/confirmations`, { year: 2026, announcementNo: '公告〔2026〕1号', date: '2026-01-05' })
  const exam = (await post(app, admin, '/v1/exams', { name: '考试', date: '2026-01-05' })).json() as { id: number }
  const person = async (n: number) => {
    const o = (await post(app, admin, '/v1/officers', { name: '孙九', idNumber: idNumber(40 + n, '19800101'), agencyId: agency.id })).json() as { id: number }
    await post(app, admin, `/v1/exams/${exam.id}/results`, { officerId: o.id, score: 90 })
    return o.id
  }
  const first = await person(1)
  const second = await person(2)
  now = new Date('2027-01-05T02:00:00Z')
  t.match((await app.inject({ method: 'GET', url: `/v1/agencies/${agency.id}`, headers: admin })).json(), { confirmedYears: [2026], confirmationDue: true, reconfirmationDue: false })
  t.equal((await post(app, admin, '/v1/certificates', { officerId: first, agencyId: agency.id })).statusCode, 201, '5 January: last year\'s confirmation stands')
  now = new Date('2027-04-01T02:00:00Z')
  assertProblem(t, await post(app, admin, '/v1/certificates', { officerId: second, agencyId: agency.id }), 409, 'AGENCY_NOT_CONFIRMED')
  await post(app, admin, `/v1/agencies/${agency.id}/confirmations`, { year: 2027, announcementNo: '公告〔2027〕1号', date: '2027-04-01' })
  t.match((await app.inject({ method: 'GET', url: `/v1/agencies/${agency.id}`, headers: admin })).json(), { confirmationDue: false })
  t.equal((await post(app, admin, '/v1/certificates', { officerId: second, agencyId: agency.id })).statusCode, 201)
})
