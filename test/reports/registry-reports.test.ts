import t from 'tap'
import { assertProblem } from '../helper.js'
import { post } from '../fixtures.js'
import { registry } from '../core/setup.js'
import { execute } from '../db.js'

t.test('staffing report: every agency in scope, shortfalls first, paged', async (t) => {
  const { app, as, admin, city, countyB, countyC, certified, officer } = await registry(t)
  for (let i = 0; i < 21; i++) await certified(countyB.id)
  await certified(countyC.id)
  await officer(countyC.id, { legalReviewer: true })
  const all = (await app.inject({ method: 'GET', url: '/v1/reports/staffing', headers: admin })).json()
  t.same(all.items.map((r: { agencyId: number }) => r.agencyId), [countyB.id, city.id, countyC.id], 'B (short by 2) first')
  t.same(all.items[0], { agencyId: countyB.id, agencyName: countyB.name, officers: 21, certified: 21, reviewers: 0, required: 2, shortfall: 2, compliant: false })
  const page = (await app.inject({ method: 'GET', url: '/v1/reports/staffing?limit=2', headers: admin })).json()
  t.equal(page.items.length, 2)
  const rest = (await app.inject({ method: 'GET', url: `/v1/reports/staffing?limit=2&cursor=${page.nextCursor as string}`, headers: admin })).json()
  t.same(rest.items.map((r: { agencyId: number }) => r.agencyId), [countyC.id])
  t.equal(rest.nextCursor, null)
  // A cursor issued before every list shared one format (o:<offset of the next row>) reads the same.
  const old = (await app.inject({ method: 'GET', url: `/v1/reports/staffing?limit=2&cursor=${Buffer.from('o:2').toString('base64url')}`, headers: admin })).json()
  t.same(old, rest, 'an old o: cursor resumes at the same row')
  const feedCursor = Buffer.from('ev:2:2026-01-01T00:00:00.000Z').toString('base64url')
  t.match(assertProblem(t, await app.inject({ method: 'GET', url: `/v1/reports/staffing?cursor=${feedCursor}`, headers: admin }), 400, 'VALIDATION_FAILED').errors,
    [{ in: 'querystring', pointer: '/cursor' }], 'a change-feed cursor is not one of this list')
  const hrC = await as('hr', countyC.id)
  t.same((await app.inject({ method: 'GET', url: '/v1/reports/staffing', headers: hrC })).json().items.map((r: { agencyId: number }) => r.agencyId), [countyC.id], 'scoped')
  assertProblem(t, await app.inject({ method: 'GET', url: `/v1/reports/staffing?agencyId=${countyB.id}`, headers: hrC }), 404, 'NOT_FOUND')
  t.equal((await app.inject({ method: 'GET', url: `/v1/reports/staffing?agencyId=${countyB.id}`, headers: admin })).json().items.length, 1)
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/reports/staffing?cursor=!!', headers: admin }), 400, 'VALIDATION_FAILED')
})

t.test('certificates report: cards awaiting recall, and live certificates due within the window', async (t) => {
  const { app, as, admin, countyB, countyC, certified, today } = await registry(t)
  const a = await certified(countyB.id)
  const b = await certified(countyC.id)
  await post(app, admin, `/v1/officers/${a.officer.id}/departure`, { reason: 'retirement', date: '2026-11-01' })
  const soon = (await app.inject({ method: 'GET', url: '/v1/reports/certificates?dueWithinDays=30', headers: admin })).json()
  t.same(soon.items.map((r: { kind: string, certificateId: number }) => `${r.kind}:${r.certificateId}`), [`awaiting_recall:${a.certificate.id}`], 'a five-year card is not due within 30 days')
  const later = (await app.inject({ method: 'GET', url: '/v1/reports/certificates?dueWithinDays=3660', headers: admin })).json()
  t.same(later.items.map((r: { kind: string, certificateId: number }) => `${r.kind}:${r.certificateId}`), [`awaiting_recall:${a.certificate.id}`, `expiring:${b.certificate.id}`])
  const hrC = await as('hr', countyC.id)
  t.same((await app.inject({ method: 'GET', url: '/v1/reports/certificates?dueWithinDays=3660', headers: hrC })).json().items.map((r: { certificateId: number }) => r.certificateId), [b.certificate.id], 'scoped')
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/reports/certificates?dueWithinDays=-1', headers: admin }), 400, 'VALIDATION_FAILED')

  // A suspension whose set end has passed (the day moved on: written here as it would stand).
  const c = await certified(countyC.id)
  t.equal((await post(app, admin, `/v1/certificates/${c.certificate.id as number}/suspension`, { reason: '调查期间' })).statusCode, 200)
  await execute(app, "update certificates set suspended_until = '2026-01-31' where id = $1", c.certificate.id)
  const due = (await app.inject({ method: 'GET', url: '/v1/reports/certificates?dueWithinDays=30', headers: hrC })).json()
  t.same(due.items.map((r: { kind: string, certificateId: number }) => `${r.kind}:${r.certificateId}`), [`in_custody:${c.certificate.id as number}`, `suspension_overdue:${c.certificate.id as number}`], 'the card is held (暂扣), and its set end has passed')
  t.match(due.items[0], { status: 'suspended', heldSince: today }, 'in custody since the day of the suspension')
  t.match(due.items[1], { status: 'suspended', suspendedUntil: '2026-01-31' }, 'still suspended: a clerk reinstates, revokes or suspends again')
  const wide = (await app.inject({ method: 'GET', url: '/v1/reports/certificates?dueWithinDays=3660', headers: hrC })).json()
  t.same(wide.items.filter((r: { certificateId: number }) => r.certificateId === c.certificate.id).map((r: { kind: string }) => r.kind), ['in_custody', 'suspension_overdue'], 'the decision listed once, though expiring within the window too')
  t.equal((await app.inject({ method: 'GET', url: `/v1/verify/${c.certificate.number as string}` })).json().valid, false, 'and the card does not verify meanwhile')
})
