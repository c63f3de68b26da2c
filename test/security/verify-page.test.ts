// The verification page (GET /verify/{number}) as a phone receives it, and the QR code that
// leads to it (GET /v1/certificates/{id}/qr.svg).
import t from 'tap'
import QRCode from 'qrcode'
import { formatCertificateNumber } from '../../src/domain/certificate-number.js'
import { PAGE_CSP, escapeHtml } from '../../src/modules/verify/page.js'
import { assertProblem } from '../helper.js'
import { createAgency, idNumber, post } from '../fixtures.js'
import { world } from './fixtures/world.js'

const NOW = new Date('2026-11-25T06:03:22Z') // 14:03:22 in Beijing
const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }

t.test('the page, over one registry', async (t) => {
  const w = await world(t, {}, { clock: () => NOW })

  t.test('a valid card: 有效 in green, the holder\'s name (公示), agency, domains, validity, time of the check; nothing else personal', async (t) => {
    const res = await w.app.inject({ method: 'GET', url: `/verify/${w.east.certificate.number}`, headers: BROWSER })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/html; charset=utf-8/)
    t.equal(res.headers['cache-control'], 'no-store')
    t.equal(res.headers['content-security-policy'], PAGE_CSP, 'the page\'s own policy: nothing loads, only its stylesheet')
    t.match(PAGE_CSP, /default-src 'none'/)
    const html = res.body
    t.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/)
    t.match(html, /<html lang="zh-CN">/)
    t.match(html, /<section class="verdict ok" role="status">.*<h1>有效<\/h1>/s)
    t.ok(html.includes(escapeHtml(w.east.officer.name)), 'the holder\'s name, in full by default (PUBLIC_NAME_DISPLAY=full)')
    t.ok(html.includes(escapeHtml(w.east.agency.name)), 'the agency')
    t.match(html, /市场监管/, 'the domains')
    t.match(html, /有效期至<\/dt><dd>20\d\d年\d{1,2}月\d{1,2}日/, 'valid until, as a Chinese date')
    t.match(html, /查询时间（北京时间）<\/dt><dd>2026年11月25日 14:03:22<\/dd>/, 'checked at, Beijing time')
    t.notOk(html.includes(w.east.officer.idNumber), 'not the ID number')
    t.notMatch(html, /<script|src=|href=/i, 'no script and no external asset')
  })

  t.test('no such card is a 404 page, a mistyped number a 400 page, in Chinese, even for a client that asks for JSON', async (t) => {
    const unknown = formatCertificateNumber({ regionCode: '140802', year: 2020, seq: 99999 })
    const n = w.east.certificate.number
    for (const headers of [BROWSER, { accept: 'application/json' }, {}]) {
      const missing = await w.app.inject({ method: 'GET', url: `/verify/${unknown}`, headers })
      t.equal(missing.statusCode, 404)
      t.match(missing.headers['content-type'], /^text\/html/)
      t.equal(missing.headers['cache-control'], 'no-store')
      t.match(missing.body, /<h1>查无此证<\/h1>/)
      const typo = await w.app.inject({ method: 'GET', url: `/verify/${n.slice(0, -1)}${n.endsWith('0') ? '1' : '0'}`, headers })
      t.equal(typo.statusCode, 400)
      t.match(typo.body, /<h1>证号有误<\/h1>/)
    }
    assertProblem(t, await w.app.inject({ method: 'GET', url: `/v1/verify/${unknown}`, headers: BROWSER }), 404, 'NOT_FOUND')
  })

  t.test('everything placed in the page is escaped', async (t) => {
    const hostile = '<img src=x onerror=alert(1)>"\'&局'
    const agency = await createAgency(w.app, w.admin, { name: hostile, parentId: w.city.id, domains: ['市场监管'] })
    await post(w.app, w.admin, `/v1/agencies/${agency.id}/confirmations`, { year: w.year, announcementNo: 'X', date: w.today })
    const created = await post(w.app, w.admin, '/v1/officers', { name: '<b>王</b>五', idNumber: idNumber(77, '19900307'), agencyId: agency.id })
    t.equal(created.statusCode, 201, created.body)
    await post(w.app, w.admin, `/v1/exams/${w.exam.id}/results`, { officerId: created.json().id, score: 90 })
    const cert = await post(w.app, w.admin, '/v1/certificates', { officerId: created.json().id, agencyId: agency.id })
    t.equal(cert.statusCode, 201, cert.body)
    const html = (await w.app.inject({ method: 'GET', url: `/verify/${cert.json().number as string}` })).body
    t.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;局'), 'agency escaped')
    t.ok(html.includes('&lt;b&gt;王&lt;/b&gt;五'), 'the name escaped')
    t.notMatch(html, /<img|<b>/)
    const typed = await w.app.inject({ method: 'GET', url: '/verify/%3Cscript%3Ealert(1)%3C%2Fscript%3E', headers: BROWSER })
    t.equal(typed.statusCode, 400)
    t.notMatch(typed.body, /<script/i)
    t.match(typed.body, /&lt;script&gt;/)
  })

  t.test('a suspended card reads 已暂扣, a cancelled one 已注销, a revoked one 已吊销, in red', async (t) => {
    const page = async () => (await w.app.inject({ method: 'GET', url: `/verify/${w.east.certificate.number}`, headers: BROWSER })).body
    t.equal((await post(w.app, w.admin, `/v1/certificates/${w.east.certificate.id}/suspension`, { reason: '立案调查' })).statusCode, 200)
    t.match(await page(), /class="verdict bad".*<h1>已暂扣<\/h1>/s)
    t.equal((await post(w.app, w.admin, `/v1/certificates/${w.east.certificate.id}/cancellation`, { reason: '岗位调整' })).statusCode, 200)
    t.match(await page(), /class="verdict bad".*<h1>已注销<\/h1>.*该证件已注销/s)
    t.equal((await post(w.app, w.admin, `/v1/certificates/${w.west.certificate.id}/revocation`, { reason: '处分决定' })).statusCode, 200)
    t.match((await w.app.inject({ method: 'GET', url: `/verify/${w.west.certificate.number}` })).body, /<h1>已吊销<\/h1>/)
  })
})

t.test('too many checks from one address: 429 with Retry-After, the page in Chinese whatever the Accept header (a QR scanner may send */* or nothing), problem+json from the API', async (t) => {
  const w = await world(t, { RATE_LIMIT_VERIFY_PER_MINUTE: 3 })
  const url = `/verify/${w.east.certificate.number}`
  for (let i = 0; i < 3; i++) t.equal((await w.app.inject({ method: 'GET', url, headers: BROWSER })).statusCode, 200)
  for (const accept of [BROWSER.accept, '*/*', undefined, 'application/json', 'application/problem+json']) {
    const page = await w.app.inject({ method: 'GET', url, headers: accept === undefined ? {} : { accept } })
    const asked = accept ?? 'no Accept'
    t.equal(page.statusCode, 429, asked)
    t.match(page.headers['content-type'], /^text\/html; charset=utf-8/, `${asked}: a page`)
    t.match(page.body, /<h1>查询过于频繁<\/h1>/, `${asked}: in Chinese`)
    const seconds = Number(page.headers['retry-after'])
    t.ok(seconds > 0, `${asked}: Retry-After`)
    t.ok(page.body.includes(`请于 ${seconds} 秒后再试`), `${asked}: and says when`)
    t.equal(page.headers['cache-control'], 'no-store')
  }
  for (const headers of [BROWSER, {}]) {
    const api = await w.app.inject({ method: 'GET', url: `/v1/verify/${w.east.certificate.number}`, headers })
    assertProblem(t, api, 429, 'RATE_LIMITED')
    t.ok(Number(api.headers['retry-after']) > 0, 'the API and the page share one budget per address')
  }
})

t.test('the QR code encodes the page address and nothing else, for readers in scope only', async (t) => {
  const w = await world(t, { PUBLIC_BASE_URL: 'https://zfzj.example.gov.cn/registry/' })
  const url = `/v1/certificates/${w.east.certificate.id}/qr.svg`
  const res = await w.app.inject({ method: 'GET', url, headers: w.admin })
  t.equal(res.statusCode, 200, res.body)
  t.match(res.headers['content-type'], /^image\/svg\+xml/)
  t.match(res.body, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
  const expected = `https://zfzj.example.gov.cn/registry/verify/${w.east.certificate.number}`
  t.equal(res.body, await QRCode.toString(expected, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }), `encodes exactly ${expected}`)
  t.notOk(res.body.includes(w.east.officer.idNumber))
  t.equal(res.headers['cache-control'], 'private, max-age=3600', 'nothing personal in it: the one authenticated answer a browser may keep')
  const eastClerk = await w.as('clerk', w.east.agency.id)
  const auditor = await w.as('auditor', w.east.agency.id)
  t.equal((await w.app.inject({ method: 'GET', url, headers: auditor })).statusCode, 200, 'every reader role in scope')
  assertProblem(t, await w.app.inject({ method: 'GET', url: `/v1/certificates/${w.west.certificate.id}/qr.svg`, headers: eastClerk }), 404, 'NOT_FOUND')
  assertProblem(t, await w.app.inject({ method: 'GET', url }), 401, 'UNAUTHENTICATED')
})
