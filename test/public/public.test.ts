// 公示 (rule 8; 001 line 28 "人员…全公开", 002 item 11, 003 line 293): confirmed agencies and the
// holders of a live card, without a token, rate-limited like /verify; never an ID number or a phone.
import t from 'tap'
import { assertProblem } from '../helper.js'
import { createAgency, post } from '../fixtures.js'
import { PUBLIC_PAGE_CSP } from '../../src/modules/public/page.js'
import { world } from '../security/fixtures/world.js'

const BROWSER = { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' }

t.test('public endpoints over one registry', async (t) => {
  const w = await world(t)
  const get = (url: string, headers: Record<string, string> = {}) => w.app.inject({ method: 'GET', url, headers })

  t.test('GET /v1/public/agencies: confirmed agencies with their latest 公告文号, no token, filters, pages', async (t) => {
    const res = await get('/v1/public/agencies')
    t.equal(res.statusCode, 200, res.body)
    const body = res.json()
    t.same(body.items.map((a: { id: number }) => a.id), [w.east.agency.id, w.west.agency.id], 'the unconfirmed city body is not listed')
    t.same(body.items[0], {
      id: w.east.agency.id,
      name: w.east.agency.name,
      kind: 'organ',
      level: 'county',
      regionCode: '140802',
      domains: ['市场监管'],
      confirmationYear: w.year,
      announcementNo: `公告〔${w.year}〕${w.east.agency.id}号`
    })
    t.same((await get('/v1/public/agencies?name=东湖')).json().items.map((a: { id: number }) => a.id), [w.east.agency.id], 'by name')
    t.same((await get('/v1/public/agencies?domain=城市管理')).json().items, [], 'by domain')
    t.equal((await get('/v1/public/agencies?domain=市场监管&regionCode=1408')).json().items.length, 2, 'by domain and region prefix')
    const first = (await get('/v1/public/agencies?limit=1')).json()
    t.equal(first.items.length, 1)
    const second = (await get(`/v1/public/agencies?limit=1&cursor=${first.nextCursor as string}`)).json()
    t.same(second.items.map((a: { id: number }) => a.id), [w.west.agency.id])
    t.equal(second.nextCursor, null)
    assertProblem(t, await get('/v1/public/agencies?regionCode=abc'), 400, 'VALIDATION_FAILED')
    assertProblem(t, await get('/v1/public/agencies?idNumber=1'), 400, 'VALIDATION_FAILED')
  })

  t.test('GET /v1/public/agencies/{id}/officers: name, card number, domains, validUntil of live-card holders only', async (t) => {
    const res = await get(`/v1/public/agencies/${w.east.agency.id}/officers`)
    t.equal(res.statusCode, 200, res.body)
    t.same(res.json(), { items: [{ name: w.east.officer.name, certificateNumber: w.east.certificate.number, domains: ['市场监管'], validUntil: res.json().items[0].validUntil }], nextCursor: null })
    t.notOk(res.body.includes(w.east.officer.idNumber), 'no ID number')
    t.notMatch(res.body, /1390000/, 'no phone')
    t.notOk(res.body.includes(w.east.spare.name), 'an officer without a card is not listed')
    t.equal(res.headers['cache-control'], 'no-store')
    const cityId = (await w.app.inject({ method: 'GET', url: '/v1/agencies?limit=1', headers: w.admin })).json().items[0].id
    assertProblem(t, await get(`/v1/public/agencies/${cityId as number}/officers`), 404, 'NOT_FOUND')
    assertProblem(t, await get('/v1/public/agencies/999999/officers'), 404, 'NOT_FOUND')
    t.equal((await post(w.app, w.admin, `/v1/certificates/${w.west.certificate.id}/suspension`, { reason: '立案调查' })).statusCode, 200)
    t.same((await get(`/v1/public/agencies/${w.west.agency.id}/officers`)).json().items, [], 'a suspended card is not a card one may enforce with')
  })

  t.test('the /public page: Chinese, its own CSP, a search box, a region filter, a roster; values escaped', async (t) => {
    const hostile = await createAgency(w.app, w.admin, { name: '<script>alert(1)</script>局', parentId: w.east.agency.id, domains: ['市场监管'], regionCode: '140803' })
    await post(w.app, w.admin, `/v1/agencies/${hostile.id}/confirmations`, { year: w.year, announcementNo: 'X〔1〕号', date: w.today })
    const res = await get('/public', BROWSER)
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/html; charset=utf-8/)
    t.equal(res.headers['content-security-policy'], PUBLIC_PAGE_CSP)
    t.match(res.body, /<html lang="zh-CN">/)
    t.match(res.body, /<h1>行政执法主体公示<\/h1>/)
    t.match(res.body, /<input type="search" name="q"/)
    t.match(res.body, /<option value="140803">/, 'the regions of confirmed bodies')
    t.ok(res.body.includes(`href="/public/agencies/${w.east.agency.id}"`))
    t.notMatch(res.body, /<script/i, 'no script, the hostile name escaped')
    t.ok(res.body.includes('&lt;script&gt;'))
    const searched = await get(`/public?q=${encodeURIComponent('西湖')}&from=singlemessage`, BROWSER)
    t.equal(searched.statusCode, 200, 'a shared link with a messenger\'s parameters still opens')
    t.ok(searched.body.includes(w.west.agency.name) && !searched.body.includes(w.east.agency.name), 'the search narrows')
    t.ok((await get('/public?region=140803', BROWSER)).body.includes('&lt;script&gt;'), 'the region filter')
    const roster = await get(`/public/agencies/${w.east.agency.id}`, BROWSER)
    t.equal(roster.statusCode, 200)
    t.ok(roster.body.includes(w.east.officer.name) && roster.body.includes(w.east.certificate.number), 'the roster')
    t.notOk(roster.body.includes(w.east.officer.idNumber), 'no ID number')
    const missing = await get('/public/agencies/999999', BROWSER)
    t.equal(missing.statusCode, 404)
    t.match(missing.body, /<h1>查无此执法主体<\/h1>/)
  })
})

t.test('PUBLIC_NAME_DISPLAY=masked masks names on every public answer', async (t) => {
  const w = await world(t, { PUBLIC_NAME_DISPLAY: 'masked' })
  const roster = (await w.app.inject({ method: 'GET', url: `/v1/public/agencies/${w.east.agency.id}/officers` })).json()
  t.equal(roster.items[0].name, '欧***')
  const page = (await w.app.inject({ method: 'GET', url: `/public/agencies/${w.east.agency.id}` })).body
  t.notOk(page.includes(w.east.officer.name))
  t.equal((await w.app.inject({ method: 'GET', url: `/v1/verify/${w.east.certificate.number}` })).json().holder, '欧***')
})

t.test('public endpoints are rate-limited like /verify (one budget per client)', async (t) => {
  const w = await world(t, { RATE_LIMIT_VERIFY_PER_MINUTE: 2 })
  t.equal((await w.app.inject({ method: 'GET', url: '/v1/public/agencies' })).statusCode, 200)
  t.equal((await w.app.inject({ method: 'GET', url: `/v1/verify/${w.east.certificate.number}` })).statusCode, 200)
  const over = assertProblem(t, await w.app.inject({ method: 'GET', url: '/v1/public/agencies' }), 429, 'RATE_LIMITED')
  t.ok(over)
  const page = await w.app.inject({ method: 'GET', url: '/public' })
  t.equal(page.statusCode, 429)
  t.match(page.body, /查询过于频繁/, 'the page answers its 429 as a Chinese page')
})
