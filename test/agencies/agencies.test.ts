import t from 'tap'
import { assertProblem, buildTestApp } from '../helper.js'
import { createAgency, post, uscc } from '../fixtures.js'

async function tree (t: Parameters<typeof buildTestApp>[0]) {
  const ctx = await buildTestApp(t)
  const admin = await ctx.as('admin')
  const city = await createAgency(ctx.app, admin, { level: 'city' })
  const countyB = await createAgency(ctx.app, admin, { parentId: city.id })
  const countyC = await createAgency(ctx.app, admin, { parentId: city.id })
  const townD = await createAgency(ctx.app, admin, { parentId: countyB.id, level: 'township' })
  return { ...ctx, admin, city, countyB, countyC, townD }
}

t.test('create answers 201 with id, a canonical USCC and no confirmation yet', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  const res = await post(app, admin, '/v1/agencies', { name: '示例市市场监督管理局', uscc: uscc(77).toLowerCase(), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  t.equal(res.statusCode, 201, res.body)
  const body = res.json()
  t.equal(body.uscc, uscc(77), 'stored upper-case')
  t.equal(body.status, 'active')
  t.same(body.confirmedYears, [])
  t.equal(body.parentId, null)
  t.notOk('path' in body, 'the tree path is internal')
})

t.test('USCC: a wrong check character is 422 USCC_INVALID naming the field; a second use is 409', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  const good = uscc(5)
  const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0')
  const body = { name: '甲局', kind: 'organ', level: 'city', regionCode: '140802', domains: [] }
  const wrong = await post(app, admin, '/v1/agencies', { ...body, uscc: bad })
  t.equal(assertProblem(t, wrong, 422, 'USCC_INVALID').errors[0].pointer, '/uscc')
  t.equal((await post(app, admin, '/v1/agencies', { ...body, uscc: good })).statusCode, 201)
  assertProblem(t, await post(app, admin, '/v1/agencies', { ...body, uscc: good }), 409, 'USCC_TAKEN')
})

t.test('scope: a token reaches its agency and everything below, and nothing beside it (404)', async (t) => {
  const { app, as, countyB, countyC, townD, city } = await tree(t)
  const hrB = await as('hr', countyB.id)
  const list = await app.inject({ method: 'GET', url: '/v1/agencies', headers: hrB })
  t.same(list.json().items.map((a: { id: number }) => a.id), [countyB.id, townD.id])
  t.equal((await app.inject({ method: 'GET', url: `/v1/agencies/${townD.id}`, headers: hrB })).statusCode, 200)
  for (const other of [countyC.id, city.id, 9999]) {
    assertProblem(t, await app.inject({ method: 'GET', url: `/v1/agencies/${other}`, headers: hrB }), 404, 'NOT_FOUND')
    assertProblem(t, await app.inject({ method: 'GET', url: `/v1/agencies/${other}/staffing`, headers: hrB }), 404, 'NOT_FOUND')
  }
})

t.test('roles: hr and auditor may read but not register agencies (403); a clerk registers only inside scope', async (t) => {
  const { app, as, countyB, countyC } = await tree(t)
  for (const role of ['hr', 'auditor'] as const) {
    const h = await as(role, countyB.id)
    assertProblem(t, await post(app, h, '/v1/agencies', { name: '乙局', uscc: uscc(900), kind: 'organ', level: 'township', regionCode: '140802', domains: [], parentId: countyB.id }), 403, 'FORBIDDEN')
  }
  const clerkB = await as('clerk', countyB.id)
  const fields = { name: '丙所', kind: 'entrusted', level: 'township', regionCode: '140802', domains: ['农业'] }
  t.equal((await post(app, clerkB, '/v1/agencies', { ...fields, uscc: uscc(901), parentId: countyB.id })).statusCode, 201)
  assertProblem(t, await post(app, clerkB, '/v1/agencies', { ...fields, uscc: uscc(902), parentId: countyC.id }), 404, 'AGENCY_OUT_OF_SCOPE')
  assertProblem(t, await post(app, clerkB, '/v1/agencies', { ...fields, uscc: uscc(903) }), 403, 'FORBIDDEN')
})

t.test('PATCH needs the current ETag: none is 428, stale is 412 and changes nothing', async (t) => {
  const { app, admin, countyB } = await tree(t)
  const url = `/v1/agencies/${countyB.id}`
  const read = await app.inject({ method: 'GET', url, headers: admin })
  const etag = read.headers.etag as string
  t.equal(etag, '"1"')
  assertProblem(t, await app.inject({ method: 'PATCH', url, headers: admin, payload: { name: '新名称' } }), 428, 'PRECONDITION_REQUIRED')
  const ok = await app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': etag }, payload: { name: '新名称' } })
  t.equal(ok.statusCode, 200)
  t.equal(ok.headers.etag, '"2"')
  const stale = await app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': etag }, payload: { name: '旧名称' } })
  assertProblem(t, stale, 412, 'PRECONDITION_FAILED')
  t.equal((await app.inject({ method: 'GET', url, headers: admin })).json().name, '新名称')
})

t.test('moving an agency: under itself or a descendant is 422; a legal move carries the subtree and the scope', async (t) => {
  const { app, as, admin, city, countyB, countyC, townD } = await tree(t)
  const etag = (await app.inject({ method: 'GET', url: `/v1/agencies/${city.id}`, headers: admin })).headers.etag as string
  const cycle = await app.inject({ method: 'PATCH', url: `/v1/agencies/${city.id}`, headers: { ...admin, 'if-match': etag }, payload: { parentId: townD.id } })
  assertProblem(t, cycle, 422, 'AGENCY_PARENT_CYCLE')
  const bEtag = (await app.inject({ method: 'GET', url: `/v1/agencies/${countyB.id}`, headers: admin })).headers.etag as string
  const move = await app.inject({ method: 'PATCH', url: `/v1/agencies/${countyB.id}`, headers: { ...admin, 'if-match': bEtag }, payload: { parentId: countyC.id } })
  t.equal(move.statusCode, 200, move.body)
  const hrC = await as('hr', countyC.id)
  const seen = (await app.inject({ method: 'GET', url: '/v1/agencies', headers: hrC })).json().items.map((a: { id: number }) => a.id)
  t.same(seen, [countyB.id, countyC.id, townD.id], 'C now reaches B and B\'s township')
})

t.test('yearly confirmation: once per year (409 the second time); listed on the agency', async (t) => {
  const { app, admin, countyB } = await tree(t)
  const url = `/v1/agencies/${countyB.id}/confirmations`
  const body = { year: 2026, announcementNo: '示例公告〔2026〕1号', date: '2026-02-01' }
  const first = await post(app, admin, url, body)
  t.equal(first.statusCode, 201)
  t.equal(first.json().announcementNo, body.announcementNo)
  assertProblem(t, await post(app, admin, url, body), 409, 'CONFIRMATION_EXISTS')
  t.same((await app.inject({ method: 'GET', url: `/v1/agencies/${countyB.id}`, headers: admin })).json().confirmedYears, [2026])
  t.equal((await app.inject({ method: 'GET', url, headers: admin })).json().items.length, 1)
})

t.test('merger needs a successor; a merged agency is not confirmed again or merged twice', async (t) => {
  const { app, admin, countyB, countyC } = await tree(t)
  assertProblem(t, await post(app, admin, `/v1/agencies/${countyB.id}/merger`, { date: '2026-06-30' }), 422, 'SUCCESSOR_REQUIRED')
  assertProblem(t, await post(app, admin, `/v1/agencies/${countyB.id}/merger`, { date: '2026-06-30', successorId: countyB.id }), 422, 'SUCCESSOR_REQUIRED')
  const merged = await post(app, admin, `/v1/agencies/${countyB.id}/merger`, { date: '2026-06-30', successorId: countyC.id, reason: '机构改革' })
  t.equal(merged.statusCode, 200, merged.body)
  t.equal(merged.json().agency.status, 'merged')
  t.equal(merged.json().agency.successorId, countyC.id)
  t.same(merged.json().certificatesToReissue, [])
  assertProblem(t, await post(app, admin, `/v1/agencies/${countyB.id}/merger`, { date: '2026-07-01', successorId: countyC.id }), 409, 'AGENCY_NOT_ACTIVE')
  assertProblem(t, await post(app, admin, `/v1/agencies/${countyB.id}/confirmations`, { year: 2026, announcementNo: 'x', date: '2026-07-02' }), 409, 'AGENCY_NOT_ACTIVE')
  const dissolved = await post(app, admin, `/v1/agencies/${countyC.id}/dissolution`, { date: '2026-08-01' })
  t.equal(dissolved.json().agency.status, 'dissolved')
})

t.test('lists filter and page with a cursor; a forged cursor is 400 naming cursor', async (t) => {
  const { app, admin } = await tree(t)
  const first = (await app.inject({ method: 'GET', url: '/v1/agencies?limit=3', headers: admin })).json()
  t.equal(first.items.length, 3)
  t.type(first.nextCursor, 'string')
  const second = (await app.inject({ method: 'GET', url: `/v1/agencies?limit=3&cursor=${first.nextCursor as string}`, headers: admin })).json()
  t.equal(second.items.length, 1)
  t.equal(second.nextCursor, null)
  t.equal((await app.inject({ method: 'GET', url: '/v1/agencies?level=city&status=active&name=%E7%A4%BA%E4%BE%8B', headers: admin })).statusCode, 400, 'unknown query fields are refused')
  const named = (await app.inject({ method: 'GET', url: '/v1/agencies?status=active&name=%E7%A4%BA%E4%BE%8B', headers: admin })).json()
  t.equal(named.items.length, 4)
  const bad = await app.inject({ method: 'GET', url: '/v1/agencies?cursor=bm9wZQ', headers: admin })
  t.equal(assertProblem(t, bad, 400, 'VALIDATION_FAILED').errors[0].pointer, '/cursor')
})

t.test('business refusals name the field they are about', async (t) => {
  const { app, admin, city, countyB, countyC, townD } = await tree(t)
  const pointers = (body: { errors?: Array<{ pointer: string }> }) => (body.errors ?? []).map((e) => e.pointer)
  const b = (await app.inject({ method: 'GET', url: `/v1/agencies/${countyB.id}`, headers: admin })).json()
  const cycle = assertProblem(t, await app.inject({ method: 'PATCH', url: `/v1/agencies/${countyB.id}`, headers: { ...admin, 'if-match': `"${b.version as number}"` }, payload: { parentId: townD.id } }), 422, 'AGENCY_PARENT_CYCLE')
  t.same(pointers(cycle), ['/parentId'])
  const taken = assertProblem(t, await post(app, admin, '/v1/agencies', { name: '重复', uscc: city.uscc, kind: 'organ', level: 'county', parentId: city.id, regionCode: '140802', domains: ['市场监管'] }), 409, 'USCC_TAKEN')
  t.same(pointers(taken), ['/uscc'])
  const confirm = () => post(app, admin, `/v1/agencies/${countyC.id}/confirmations`, { year: 2026, announcementNo: '公告〔2026〕9号', date: '2026-02-01' })
  t.equal((await confirm()).statusCode, 201)
  t.same(pointers(assertProblem(t, await confirm(), 409, 'CONFIRMATION_EXISTS')), ['/year'])
  t.same(pointers(assertProblem(t, await post(app, admin, `/v1/agencies/${countyC.id}/merger`, { date: '2026-06-30' }), 422, 'SUCCESSOR_REQUIRED')), ['/successorId'])
  t.same(pointers(assertProblem(t, await post(app, admin, `/v1/agencies/${countyC.id}/merger`, { date: '2026-06-30', successorId: 99999 }), 404, 'NOT_FOUND')), ['/successorId'])
})

t.test('the name filter finds names with % and _ in them, literally', async (t) => {
  const { app, admin, city } = await tree(t)
  for (const name of ['示例市城管_执法局', '示例市100%执法局', '示例市城管X执法局']) await createAgency(app, admin, { parentId: city.id, name })
  const names = async (q: string) => ((await app.inject({ method: 'GET', url: `/v1/agencies?name=${encodeURIComponent(q)}`, headers: admin })).json().items as Array<{ name: string }>).map((a) => a.name)
  t.same(await names('城管_'), ['示例市城管_执法局'], '_ is a character, not any character')
  t.same(await names('100%'), ['示例市100%执法局'])
  t.same(await names('城管'), ['示例市城管_执法局', '示例市城管X执法局'])
})

t.test('confirmations page like every list', async (t) => {
  const { app, admin, countyB } = await tree(t)
  for (const year of [2025, 2026]) await post(app, admin, `/v1/agencies/${countyB.id}/confirmations`, { year, announcementNo: `公告〔${year}〕3号`, date: `${year}-02-01` })
  const url = `/v1/agencies/${countyB.id}/confirmations`
  const first = (await app.inject({ method: 'GET', url: `${url}?limit=1`, headers: admin })).json()
  t.same(first.items.map((c: { year: number }) => c.year), [2025])
  t.type(first.nextCursor, 'string')
  const second = (await app.inject({ method: 'GET', url: `${url}?limit=1&cursor=${first.nextCursor as string}`, headers: admin })).json()
  t.same(second.items.map((c: { year: number }) => c.year), [2026])
  t.equal(second.nextCursor, null)
})

t.test('002 line 27 (item 6) 重新确认: a rename, a new kind or a merger into it shows reconfirmationDue until a confirmation is recorded, for a year already confirmed too', async (t) => {
  const { app, admin, today, countyB, countyC, townD } = await tree(t)
  const year = Number(today.slice(0, 4))
  const get = async (id: number) => (await app.inject({ method: 'GET', url: `/v1/agencies/${id}`, headers: admin })).json()
  const confirm = (id: number) => post(app, admin, `/v1/agencies/${id}/confirmations`, { year, announcementNo: `公告〔${year}〕${id}号`, date: today })
  for (const id of [countyB.id, countyC.id]) t.equal((await confirm(id)).statusCode, 201)
  t.match(await get(countyB.id), { reconfirmationDue: false, confirmationDue: false })
  const b = await get(countyB.id)
  const renamed = await app.inject({ method: 'PATCH', url: `/v1/agencies/${countyB.id}`, headers: { ...admin, 'if-match': `"${b.version as number}"` }, payload: { name: '示例县市场监督管理局（更名）' } })
  t.equal(renamed.statusCode, 200, renamed.body)
  t.match(renamed.json(), { reconfirmationDue: true, reconfirmationDueSince: today })
  const old = await post(app, admin, `/v1/agencies/${countyB.id}/confirmations`, { year: year - 3, announcementNo: `公告〔${year - 3}〕1号`, date: `${year - 3}-02-01` })
  t.equal(old.statusCode, 201, 'an old year recorded late')
  t.match(await get(countyB.id), { reconfirmationDue: true }, 'does not answer the 重新确认')
  const again = await confirm(countyB.id)
  t.equal(again.statusCode, 201, 'the year is confirmed again: 重新确认')
  t.equal(again.json().kind, 'reconfirmation')
  const after = await get(countyB.id)
  t.match(after, { reconfirmationDue: false })
  t.same(after.confirmedYears, [year - 3, year], 'each year once')
  assertProblem(t, await confirm(countyB.id), 409, 'CONFIRMATION_EXISTS')
  const merged = await post(app, admin, `/v1/agencies/${townD.id}/merger`, { date: today, successorId: countyC.id })
  t.equal(merged.statusCode, 200, merged.body)
  t.match(await get(countyC.id), { reconfirmationDue: true }, 'the successor of a merger awaits 重新确认')
})
