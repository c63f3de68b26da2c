import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { formatCertificateNumber } from '../../src/domain/certificate-number.js'
import { shanghaiDate, yearOf } from '../../src/domain/dates.js'
import { assertProblem, buildTestApp, TEST_NOW } from '../helper.js'
import { createAgency, idNumber, post } from '../fixtures.js'

type Headers = { authorization: string }

/** Agency → confirmation for the clock's Shanghai year → officer → exam + passed result → certificate. */
async function certify (app: FastifyInstance, admin: Headers, now: Date, officerSeq: number) {
  const today = shanghaiDate(now)
  const year = yearOf(today)
  const agency = await createAgency(app, admin, { name: '示例市市场监督管理局', domains: ['市场监管'] })
  const confirmed = await post(app, admin, `/v1/agencies/${agency.id}/confirmations`, { year, announcementNo: `示例公告〔${year}〕1号`, date: today })
  if (confirmed.statusCode !== 201) throw new Error(`confirmation: ${confirmed.body}`)
  const id = idNumber(officerSeq, '19850101')
  const officer = await post(app, admin, '/v1/officers', { name: '张三', idNumber: id, agencyId: agency.id, phone: '13912345678', employeeNo: 'E-001' })
  if (officer.statusCode !== 201) throw new Error(`officer: ${officer.body}`)
  const officerId = officer.json().id as number
  const exam = await post(app, admin, '/v1/exams', { name: `${year}年行政执法资格考试`, date: today })
  const result = await post(app, admin, `/v1/exams/${exam.json().id as number}/results`, { officerId, score: 82 })
  if (result.statusCode !== 201 || result.json().passed !== true) throw new Error(`result: ${result.body}`)
  const cert = await post(app, admin, '/v1/certificates', { officerId, agencyId: agency.id })
  if (cert.statusCode !== 201) throw new Error(`certificate: ${cert.body}`)
  return { agency, idNumber: id, officerId, certificate: cert.json() as { id: number, number: string, validUntil: string } }
}

const verify = (app: FastifyInstance, number: string) => app.inject({ method: 'GET', url: `/v1/verify/${encodeURIComponent(number)}` })

t.test('the public check: no token, valid, the holder\'s name (公示, 001 line 28 "人员…全公开"), agency, no personal data, not cached', async (t) => {
  const { app, as, clock } = await buildTestApp(t)
  const admin = await as('admin')
  const { agency, idNumber: id, certificate } = await certify(app, admin, clock(), 11)
  const res = await verify(app, certificate.number)
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.headers['cache-control'], 'no-store')
  const body = res.json()
  t.match(body, {
    number: certificate.number,
    valid: true,
    status: 'active',
    statusLabel: '有效',
    holder: '张三',
    agency: agency.name,
    domains: ['市场监管'],
    validUntil: certificate.validUntil
  })
  t.type(body.checkedAt, 'string')
  t.notOk(res.body.includes(id), 'the ID number is nowhere in the body')
  t.notMatch(res.body, /\d{17}[\dX]/, 'nothing shaped like an ID number')
  t.notOk(res.body.includes('13912345678'), 'nor the phone')
  t.notOk(res.body.includes('E-001'), 'nor the employee number')
  t.same(Object.keys(body).sort(), ['agency', 'checkedAt', 'domains', 'holder', 'number', 'status', 'statusLabel', 'valid', 'validUntil'], 'only the public fields')
})

t.test('PUBLIC_NAME_DISPLAY=masked masks the holder\'s name', async (t) => {
  const { app, as, clock } = await buildTestApp(t, { PUBLIC_NAME_DISPLAY: 'masked' })
  const admin = await as('admin')
  const { certificate } = await certify(app, admin, clock(), 12)
  const res = await verify(app, certificate.number)
  t.equal(res.json().holder, '张*')
  t.notOk(res.body.includes('张三'), 'the full name is not shown')
})

t.test('a lowercase check x and surrounding spaces verify the same card', async (t) => {
  const { app, as, clock } = await buildTestApp(t)
  const admin = await as('admin')
  const { certificate } = await certify(app, admin, clock(), 12)
  const typed = ` ${certificate.number.toLowerCase()} `
  const res = await verify(app, typed)
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().number, certificate.number)
})

t.test('every status change shows at once: suspended, reinstated, cancelled', async (t) => {
  const { app, as, clock } = await buildTestApp(t)
  const admin = await as('admin')
  const { certificate } = await certify(app, admin, clock(), 13)
  const act = async (path: string, body: Record<string, unknown>) => {
    const res = await post(app, admin, `/v1/certificates/${certificate.id}/${path}`, body)
    t.equal(res.statusCode, 200, `${path}: ${res.body}`)
  }
  const expect = async (valid: boolean, status: string, statusLabel: string) => {
    const res = await verify(app, certificate.number)
    t.equal(res.statusCode, 200)
    t.match(res.json(), { valid, status, statusLabel }, `${status} ${statusLabel}`)
  }
  await act('suspension', { reason: '立案调查', until: '2027-06-30' })
  await expect(false, 'suspended', '已暂扣')
  await act('reinstatement', { reason: '调查终结' })
  await expect(true, 'active', '有效')
  await act('cancellation', { reason: '岗位调整' })
  await expect(false, 'cancelled', '已注销')
})

t.test('a revoked card is 已吊销 and not valid; a departure cancels it at once', async (t) => {
  const { app, as, clock } = await buildTestApp(t)
  const admin = await as('admin')
  const revoked = await certify(app, admin, clock(), 14)
  t.equal((await post(app, admin, `/v1/certificates/${revoked.certificate.id}/revocation`, { reason: '处分决定〔2026〕3号' })).statusCode, 200)
  t.match((await verify(app, revoked.certificate.number)).json(), { valid: false, status: 'revoked', statusLabel: '已吊销', holder: '张*' },
    'the name of a card that is no longer live is masked (rule 8 makes public only the holders of a live card)')
  const departed = await certify(app, admin, clock(), 15)
  const res = await post(app, admin, `/v1/officers/${departed.officerId}/departure`, { reason: 'retirement', date: shanghaiDate(clock()) })
  t.equal(res.statusCode, 200, res.body)
  t.match((await verify(app, departed.certificate.number)).json(), { valid: false, status: 'cancelled', statusLabel: '已注销' })
})

t.test('a mistyped number is 400 CERTIFICATE_NUMBER_INVALID; a well-formed unknown one is 404', async (t) => {
  const { app, as, clock } = await buildTestApp(t)
  const admin = await as('admin')
  const { certificate } = await certify(app, admin, clock(), 16)
  const n = certificate.number
  const last = n.slice(-1)
  const wrongCheck = n.slice(0, -1) + (last === '0' ? '1' : '0')
  const i = [...n.slice(0, 15)].findIndex((c, k) => c !== n[k + 1])
  const swapped = n.slice(0, i) + (n[i + 1] ?? '') + (n[i] ?? '') + n.slice(i + 2)
  const cases: Array<[string, string]> = [
    ['wrong check character', wrongCheck],
    ['two adjacent characters swapped', swapped],
    ['a character missing', n.slice(0, -1)],
    ['a character too many', `${n}0`],
    ['not digits', 'ABCDEFGHIJKLMNOP']
  ]
  for (const [what, bad] of cases) {
    t.not(bad, n, what)
    const problem = assertProblem(t, await verify(app, bad), 400, 'CERTIFICATE_NUMBER_INVALID')
    // A number of the right form with a typo is told to check it; anything else is not a number.
    const form = bad.length === 16 && /^\d{15}[\dX]$/.test(bad)
    t.match(problem.detail, form ? /^the number's check character does not match/ : /^not a certificate number: 16 characters/, what)
  }
  t.match(assertProblem(t, await verify(app, 'abc'), 400, 'CERTIFICATE_NUMBER_INVALID').detail, /^not a certificate number/, 'abc is not a certificate number, not a bad check character')
  const unknown = formatCertificateNumber({ regionCode: '140802', year: 2020, seq: 99999 })
  const missing = await verify(app, unknown)
  const res = assertProblem(t, missing, 404, 'NOT_FOUND')
  t.equal(missing.headers['cache-control'], 'no-store', 'a "no such card" answer is not cached either')
  t.notOk(JSON.stringify(res).includes(n), 'the answer names no other card')
})

t.test('a shared link opens whatever the messenger appended to it (the public check takes any query string)', async (t) => {
  const { app, as, clock } = await buildTestApp(t)
  const admin = await as('admin')
  const { certificate } = await certify(app, admin, clock(), 12)
  const page = await app.inject({ method: 'GET', url: `/verify/${certificate.number}?from=singlemessage&isappinstalled=0` })
  t.equal(page.statusCode, 200)
  t.match(page.body, /有效/)
  t.match((await app.inject({ method: 'GET', url: `/v1/verify/${certificate.number}?utm_source=x` })).json(), { valid: true })
})

t.test('an expired card is 已过期 and not valid, from the day after validUntil', async (t) => {
  let now = new Date('2019-06-01T02:00:00Z') // 10:00 in Shanghai
  const { app, as } = await buildTestApp(t, { CERTIFICATE_VALIDITY_YEARS: 1 }, { clock: () => now })
  const admin = await as('admin')
  const { certificate } = await certify(app, admin, now, 17)
  t.equal(certificate.validUntil, '2020-05-31', 'one year, to the day before the anniversary')
  t.match((await verify(app, certificate.number)).json(), { valid: true, status: 'active' }, 'valid when issued')

  now = new Date('2020-05-31T15:59:59Z') // 23:59:59 on the last valid day in Shanghai
  t.match((await verify(app, certificate.number)).json(), { valid: true, status: 'active', statusLabel: '有效' }, 'valid through its last day')

  now = new Date('2020-05-31T16:00:00Z') // 00:00 on 1 June in Shanghai
  const res = await verify(app, certificate.number)
  t.equal(res.statusCode, 200)
  t.match(res.json(), { valid: false, status: 'expired', statusLabel: '已过期', validUntil: '2020-05-31' }, 'expired at Shanghai midnight')

  now = TEST_NOW
  t.match((await verify(app, certificate.number)).json(), { valid: false, status: 'expired', statusLabel: '已过期' }, 'and still years later')
  t.equal((await app.inject({ method: 'GET', url: `/v1/certificates/${certificate.id}`, headers: admin })).json().status, 'expired', 'the registry agrees')
})

t.test('an expired card that was suspended reads as expired, not as suspended', async (t) => {
  let now = new Date('2019-06-01T02:00:00Z')
  const { app, as } = await buildTestApp(t, { CERTIFICATE_VALIDITY_YEARS: 1 }, { clock: () => now })
  const admin = await as('admin')
  const { certificate } = await certify(app, admin, now, 18)
  t.equal((await post(app, admin, `/v1/certificates/${certificate.id}/suspension`, { reason: '立案调查' })).statusCode, 200)
  now = TEST_NOW
  t.match((await verify(app, certificate.number)).json(), { valid: false, status: 'expired', statusLabel: '已过期' })
})
