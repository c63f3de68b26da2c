import t from 'tap'
import { checkCertificateNumber } from '../../src/domain/certificate-number.js'
import { assertProblem, buildTestApp } from '../helper.js'
import { createAgency, idNumber, post } from '../fixtures.js'
import { registry } from './setup.js'

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
  assertProblem(t, await issue(u.id, unconfirmed.id), 409, 'AGENCY_NOT_CONFIRMED')
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

t.test('staffing applies the 5% rule to real data: certified officers against active legal reviewers', async (t) => {
  const { app, admin, countyB, certified, officer } = await registry(t)
  for (let i = 0; i < 21; i++) await certified(countyB.id)
  const url = `/v1/agencies/${countyB.id}/staffing`
  t.same((await app.inject({ method: 'GET', url, headers: admin })).json(),
    { agencyId: countyB.id, agencyName: countyB.name, officers: 21, reviewers: 0, required: 2, shortfall: 2, compliant: false })
  await officer(countyB.id, { legalReviewer: true })
  await officer(countyB.id, { legalReviewer: true, auxiliary: true })
  const one = (await app.inject({ method: 'GET', url, headers: admin })).json()
  t.equal(one.reviewers, 1, 'an auxiliary reviewer does not count')
  t.equal(one.shortfall, 1)
  const r2 = await officer(countyB.id, { legalReviewer: true })
  const ok = (await app.inject({ method: 'GET', url, headers: admin })).json()
  t.equal(ok.compliant, true)
  await post(app, admin, `/v1/officers/${r2.id}/departure`, { reason: 'resignation', date: '2026-11-01' })
  t.equal((await app.inject({ method: 'GET', url, headers: admin })).json().compliant, false, 'a departed reviewer no longer counts')
})

t.test('an expired card is not active (rule 1): it leaves staffing and the active list, and a new card replaces it, the old one cancelled with its recall', async (t) => {
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
  t.equal((await get(`/v1/agencies/${agency.id}/staffing`)).officers, 1)
  assertProblem(t, await issue(), 409, 'CERTIFICATE_EXISTS')

  now = new Date('2026-06-01T02:00:00Z') // 1 June 2026: the card's last valid day was yesterday
  await confirm(2026)
  t.equal((await get(`/v1/agencies/${agency.id}/staffing`)).officers, 0, 'an expired card does not make its holder an officer of rule 4')
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
  t.equal((await get(`/v1/agencies/${agency.id}/staffing`)).officers, 1)
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
  app.store.sqlite.prepare('insert into exam_results (exam_id, officer_id, score, passed) values (?, ?, 90, 1)').run(exam.id, officer.id)
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
  const region = (app.store.sqlite.prepare('select region_code from agencies where id = ?').pluck().get(countyB.id)) as string
  app.store.sqlite.prepare('insert into certificate_sequences (region_code, year, last_seq) values (?, ?, 99999) on conflict (region_code, year) do update set last_seq = 99999').run(region, year)
  const certificates = () => app.store.sqlite.prepare('select count(*) from certificates').pluck().get()
  const before = certificates()
  assertProblem(t, await post(app, admin, '/v1/certificates', { officerId: o.id, agencyId: countyB.id }), 409, 'CERTIFICATE_NUMBERS_EXHAUSTED')
  t.equal(certificates(), before, 'no certificate')
  t.equal(app.store.sqlite.prepare('select last_seq from certificate_sequences where region_code = ? and year = ?').pluck().get(region, year), 99999, 'the sequence did not move')
})
