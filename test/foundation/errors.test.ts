import t from 'tap'
import { fieldError } from '../../src/http/validation-messages.js'
import { assertProblem, buildTestApp } from '../helper.js'

t.test('an unknown route is a problem+json 404', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/v1/no-such-thing?x=1' })
  const body = assertProblem(t, res, 404, 'ROUTE_NOT_FOUND')
  t.equal(body.instance, '/v1/no-such-thing', 'instance is the path without query')
})

t.test('validation lists every bad field with its JSON pointer', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  const res = await app.inject({
    method: 'POST',
    url: '/v1/users',
    headers: admin,
    payload: { username: 'x y', role: 'boss', agencyId: 'abc' }
  })
  const body = assertProblem(t, res, 400, 'VALIDATION_FAILED')
  const pointers = body.errors.map((e: { pointer: string }) => e.pointer)
  for (const p of ['/username', '/password', '/role', '/agencyId']) t.ok(pointers.includes(p), `names ${p}: ${pointers.join(' ')}`)
  t.ok(body.errors.every((e: { in: string }) => e.in === 'body'), 'each error says where')
})

t.test('a request bad in several parts hears of every bad field, path, body, query string and headers alike', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  const res = await app.inject({ method: 'PATCH', url: '/v1/users/abc?x=1', headers: { ...admin, 'if-match': '"1"' }, payload: { disabled: 'yes' } })
  const body = assertProblem(t, res, 400, 'VALIDATION_FAILED')
  t.same(body.errors.map((e: { in: string, pointer: string }) => `${e.in} ${e.pointer}`), ['params /id', 'body /disabled', 'querystring /x'])
  t.match(body.detail, /^invalid params and body and querystring: /)
  const onlyBody = assertProblem(t, await app.inject({ method: 'PATCH', url: '/v1/users/1', headers: { ...admin, 'if-match': '"1"' }, payload: { disabled: 'yes' } }), 400, 'VALIDATION_FAILED')
  t.same(onlyBody.errors.map((e: { in: string }) => e.in), ['body'], 'a good path is not reported')
})

t.test('strict bodies: an unknown field is 400, not dropped', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  const res = await app.inject({
    method: 'POST',
    url: '/v1/users',
    headers: admin,
    payload: { username: 'clerk1', password: 'Long-enough-pw', role: 'admin', isSuperUser: true }
  })
  const body = assertProblem(t, res, 400, 'VALIDATION_FAILED')
  t.same(body.errors.map((e: { pointer: string }) => e.pointer), ['/isSuperUser'])
  t.equal((await app.inject({ method: 'GET', url: '/v1/users', headers: admin })).json().items.length, 1, 'nothing was created')
})

t.test('strict bodies: "12345" is not 12345, but query strings still coerce', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  const res = await app.inject({
    method: 'POST',
    url: '/v1/users',
    headers: admin,
    payload: { username: 'clerk1', password: 'Long-enough-pw', role: 'clerk', agencyId: '12345' }
  })
  const body = assertProblem(t, res, 400, 'VALIDATION_FAILED')
  t.equal(body.errors[0].pointer, '/agencyId')
  const bool = await app.inject({ method: 'PATCH', url: '/v1/users/1', headers: admin, payload: { disabled: 'true' } })
  assertProblem(t, bool, 400, 'VALIDATION_FAILED')
  const list = await app.inject({ method: 'GET', url: '/v1/users?limit=1', headers: admin })
  t.equal(list.statusCode, 200, 'limit=1 in the query string is coerced to a number')
  const bad = await app.inject({ method: 'GET', url: '/v1/users?limit=many', headers: admin })
  t.equal(assertProblem(t, bad, 400, 'VALIDATION_FAILED').errors[0].in, 'querystring')
})

t.test('a number in a query string or a path is written in decimal digits: not 0x10, 1e1 or " 10"', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  for (const text of ['0x10', '1e1', '%2010', '10%20', '0b1', '1.0', '']) {
    const list = assertProblem(t, await app.inject({ method: 'GET', url: `/v1/users?limit=${text}`, headers: admin }), 400, 'VALIDATION_FAILED')
    t.match(list.errors, [{ in: 'querystring', pointer: '/limit' }], `limit=${text}`)
  }
  for (const text of ['0x1', '1e0', '%201']) {
    const one = assertProblem(t, await app.inject({ method: 'GET', url: `/v1/users/${text}`, headers: admin }), 400, 'VALIDATION_FAILED')
    t.match(one.errors, [{ in: 'params', pointer: '/id' }], `/v1/users/${text} is not user 1`)
  }
  const both = assertProblem(t, await app.inject({ method: 'GET', url: '/v1/officers?limit=0x10&agencyId=1e1', headers: admin }), 400, 'VALIDATION_FAILED')
  t.same(both.errors.map((e: { pointer: string }) => e.pointer).sort(), ['/agencyId', '/limit'], 'every such field named')
  t.equal((await app.inject({ method: 'GET', url: '/v1/users/1', headers: admin })).statusCode, 200, 'plain digits are fine')
  t.equal((await app.inject({ method: 'GET', url: '/v1/users?limit=010', headers: admin })).statusCode, 200, 'leading zeros too')
  for (const inside of ['id:1e1', 'id:0x10', 'id: 1']) {
    const cursor = Buffer.from(inside).toString('base64url')
    t.match(assertProblem(t, await app.inject({ method: 'GET', url: `/v1/users?cursor=${cursor}`, headers: admin }), 400, 'VALIDATION_FAILED').errors, [{ pointer: '/cursor' }], `a cursor holding ${inside} is not one of ours`)
  }
})

t.test('malformed JSON and a wrong content type are problem+json 400 and 415', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  const broken = await app.inject({ method: 'POST', url: '/v1/users', headers: { ...admin, 'content-type': 'application/json' }, payload: '{"username":' })
  assertProblem(t, broken, 400, 'BAD_REQUEST')
  const xml = await app.inject({ method: 'POST', url: '/v1/users', headers: { ...admin, 'content-type': 'application/xml' }, payload: '<a/>' })
  assertProblem(t, xml, 415, 'UNSUPPORTED_MEDIA_TYPE')
})

t.test('a body over the limit is 413', async (t) => {
  const { app, as } = await buildTestApp(t, { BODY_LIMIT_BYTES: 2048 })
  const admin = await as('admin')
  const res = await app.inject({ method: 'POST', url: '/v1/users', headers: admin, payload: { username: 'a'.repeat(5000) } })
  assertProblem(t, res, 413, 'PAYLOAD_TOO_LARGE')
})

t.test('a crash is a 500 without details; the details and request id are in the log', async (t) => {
  const { app, logs } = await buildTestApp(t)
  app.get('/boom', { config: { access: 'public' } }, async () => { throw new Error('secret internal detail') })
  const res = await app.inject({ method: 'GET', url: '/boom' })
  const body = assertProblem(t, res, 500, 'INTERNAL')
  t.notMatch(res.body, /secret internal detail/, 'the cause stays out of the body')
  t.equal(res.headers['x-request-id'], body.requestId, 'request id in the header and the body')
  const line = logs.find((l) => l.includes('secret internal detail'))
  t.ok(line, 'the cause is logged')
  t.match(line, body.requestId, 'with the same request id')
  t.match(line, /"stack"/, 'with its stack')
})

t.test('a route that takes no query string refuses one (400 naming it); a list takes only its own parameters', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  for (const url of ['/v1/users/1?foo=1', '/v1/users/1?idNumber=110105198805121015']) {
    const body = assertProblem(t, await app.inject({ method: 'GET', url, headers: admin }), 400, 'VALIDATION_FAILED')
    t.match(body.errors, [{ in: 'querystring' }], url)
  }
  t.equal((await app.inject({ method: 'GET', url: '/v1/users/1', headers: admin })).statusCode, 200)
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/users?foo=1', headers: admin }), 400, 'VALIDATION_FAILED')
})

t.test('validation errors a clerk can act on: the field by name in Chinese and English, an enum\'s values with their meanings, the form of a date, fill in a placeholder', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  const agency = await app.inject({ method: 'POST', url: '/v1/agencies', headers: admin, payload: { name: '太原市小店区市场监督管理局', uscc: '11140100MB0123456K', kind: 'bureau', level: 'county', parentId: 0, domains: ['市场监管'] } })
  const byPointer = (res: { json (): any }) => Object.fromEntries(assertProblem(t, res as never, 400, 'VALIDATION_FAILED').errors.map((e: { pointer: string, detail: string }) => [e.pointer, e.detail]))
  const a = byPointer(agency)
  t.equal(a['/regionCode'], '缺少必填字段 regionCode / regionCode is required')
  t.equal(a['/kind'], 'kind 须为以下之一：organ（行政机关）、authorized（法律法规授权组织）、entrusted（受委托组织） / kind must be one of: organ, authorized, entrusted')
  t.match(a['/parentId'], /^请填写 parentId：0 是示例中的占位.* \/ fill in parentId: 0 is the example's placeholder/)
  t.notOk(Object.values(a).some((d) => /must have required property|must be equal to one of/.test(String(d))), 'none of Ajv\'s own English')

  const exam = byPointer(await app.inject({ method: 'POST', url: '/v1/exams', headers: admin, payload: { name: '2026年下半年行政执法资格考试', date: 'YYYY-MM-DD' } }))
  t.equal(exam['/date'], '请填写 date：日期格式为 YYYY-MM-DD，如 2026-12-06 / fill in date: a date as YYYY-MM-DD, e.g. 2026-12-06')
  const typo = byPointer(await app.inject({ method: 'POST', url: '/v1/exams', headers: admin, payload: { name: '考试', date: '2026/12/06' } }))
  t.equal(typo['/date'], 'date 须为日期，格式 YYYY-MM-DD，如 2026-12-06 / date must be a date as YYYY-MM-DD, e.g. 2026-12-06', 'a date in another form: the form, not a regex')
  const query = byPointer(await app.inject({ method: 'GET', url: '/v1/reports/training-compliance?status=late&limit=0', headers: admin }))
  t.match(query['/status/0'], /^status 须为以下之一：compliant（已达标）、on_track（进度正常）/)
  t.equal(query['/limit'], 'limit 不能小于 1 / limit must be at least 1')
})

t.test('a JSON operation sent a form (curl -d without its Content-Type) or no Content-Type is 415 saying to send JSON; the token endpoint still takes a form', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  for (const type of ['application/x-www-form-urlencoded', undefined]) {
    const res = await app.inject({ method: 'POST', url: '/v1/agencies', headers: { ...admin, ...(type ? { 'content-type': type } : {}) }, payload: '{"name":"示例市司法局"}' })
    const body = assertProblem(t, res, 415, 'UNSUPPORTED_MEDIA_TYPE')
    t.match(body.detail, /send JSON with Content-Type: application\/json/, `${type ?? 'no type'}: says what to send`)
    t.notMatch(body.detail, /unknown|\/\{/, 'not a list of unknown fields')
  }
  const form = await app.inject({ method: 'POST', url: '/v1/auth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=password&username=nobody&password=wrong-password-1' })
  t.equal(form.statusCode, 400, 'the form is read: a wrong password, not 415')
  t.equal(form.json().error, 'invalid_grant')
})

t.test('a wrong type is said whole in both languages: a boolean is "true or false"', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  const res = await app.inject({ method: 'POST', url: '/v1/officers', headers: admin, payload: { name: '张三', idNumber: '11010519491231002X', agencyId: 1, auxiliary: 'yes' } })
  const body = assertProblem(t, res, 400, 'VALIDATION_FAILED')
  const detail = (body.errors as Array<{ pointer: string, detail: string }>).find((e) => e.pointer === '/auxiliary')?.detail
  t.equal(detail, 'auxiliary 须为true 或 false / auxiliary must be true or false')
})

t.test("an enum's meanings are found for values that look like patterns (a.b, c+): each value means itself", async (t) => {
  const enumError = (allowedValues: string[], description: string) => fieldError({
    keyword: 'enum', instancePath: '/level', schemaPath: '#/enum', params: { allowedValues }, parentSchema: { description }
  } as Parameters<typeof fieldError>[0])
  const cases: Array<[string[], string, RegExp]> = [
    [['county', 'city'], 'county 县级 | city 市级', /须为以下之一：county（县级）、city（市级）/],
    [['a.b', 'axb'], 'axb 乙 | a.b 甲', /须为以下之一：a\.b（甲）、axb（乙）/],
    [['c+', 'cc'], 'cc 重复 | c+ 加', /须为以下之一：c\+（加）、cc（重复）/],
    [['(x)'], '(x) 括号', /须为以下之一：\(x\)（括号）/]
  ]
  for (const [values, description, expected] of cases) t.match(enumError(values, description).detail, expected, values.join(' '))
})
