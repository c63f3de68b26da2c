import t from 'tap'
import { readFileSync } from 'node:fs'
import { validate } from '@readme/openapi-parser'
import { OPENAPI_FILE, renderOpenapi } from '../../src/openapi-document.js'
import { buildTestApp } from '../helper.js'

t.test('the served document is OpenAPI 3.1 and valid for a real parser', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.match(doc.openapi, /^3\.1/)
  const result = await validate(structuredClone(doc))
  t.ok(result.valid, JSON.stringify(result).slice(0, 2000))
  t.ok(doc.components.securitySchemes.password.flows.password.tokenUrl.endsWith('/v1/auth/token'), 'Authorize logs in through the token endpoint')
  t.same(Object.keys(doc.components.securitySchemes.password.flows), ['password'], 'clerks sign in with a scheme of their own')
  t.same(Object.keys(doc.components.securitySchemes.clientCredentials.flows), ['clientCredentials'], 'and HR systems with theirs, so one is not shown authorized for the other')
  t.same(Object.keys(doc.paths['/v1/auth/token'].post.requestBody.content), ['application/json', 'application/x-www-form-urlencoded'],
    'the token endpoint says it takes a form too (OAuth2 clients and the Authorize dialog send one)')
})

t.test('the committed openapi/openapi.json matches the code (run `npm run openapi` after changing routes)', async (t) => {
  t.equal(readFileSync(OPENAPI_FILE, 'utf8'), await renderOpenapi())
})

t.test('every operation is documented for clerks and strict about its body', async (t) => {
  const doc = JSON.parse(await renderOpenapi())
  const ids = new Set<string>()
  for (const [path, item] of Object.entries<Record<string, Record<string, any>>>(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`
      t.ok(op.operationId && !ids.has(op.operationId), `${where}: unique operationId`)
      ids.add(op.operationId)
      t.ok(op.tags?.length, `${where}: tagged`)
      t.match(op.summary, /[\u4e00-\u9fff]/, `${where}: Chinese summary`)
      t.match(op.description, /[\u4e00-\u9fff]/, `${where}: Chinese description`)
      t.match(op.description, /[A-Za-z]{3}/, `${where}: English description`)
      const errors = Object.keys(op.responses).filter((s) => Number(s) >= 400)
      t.ok(errors.length > 0 || (op.security && op.security.length === 0), `${where}: error responses declared`)
      const body = op.requestBody?.content?.['application/json']?.schema
      // A bulk body is an array: each of its rows refuses unknown fields.
      const strict = body?.type === 'array' ? body.items : body
      if (strict) t.equal(strict.additionalProperties, false, `${where}: body refuses unknown fields`)
    }
  }
})

t.test('the document names its shared schemas once and stays small enough for /docs to open quickly', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/openapi.json' })
  // 150 KB until the plans, statistics, eligibility and webhook routes (2026-12): each route's
  // bilingual descriptions and full response maps are worth their bytes; what /docs must not do
  // is grow without anyone deciding it (bench/docs-page.ts measures the page's load).
  t.ok(res.rawPayload.length <= 200_000, `served document ${res.rawPayload.length} bytes, at most 200 KB`)
  const doc = res.json()
  for (const name of ['Problem', 'Agency', 'AgencyPage', 'Officer', 'OfficerPage', 'Certificate', 'CertificatePage', 'TrainingSummary']) {
    t.ok(doc.components.schemas[name], `components.schemas.${name}`)
  }
  t.same(doc.paths['/v1/agencies/{id}'].get.responses['200'].content['application/json'].schema, { $ref: '#/components/schemas/Agency' }, 'an agency is a $ref')
  t.same(doc.paths['/v1/officers'].get.responses['200'].content['application/json'].schema, { $ref: '#/components/schemas/OfficerPage' }, 'a page of officers too')
  t.same(doc.paths['/v1/officers/{id}'].get.responses['404'], { $ref: '#/components/responses/Problem' }, 'an error answer is the shared problem response')
  t.ok(doc.components.responses.Problem.content['application/problem+json'], 'documented as application/problem+json, as sent')
  t.notMatch(res.body, /x-component/, 'the marks are not in the document')
})

t.test('defaults are defaults: no parameter is both required and defaulted, and no date parameter carries a fixed example', async (t) => {
  const doc = JSON.parse(await renderOpenapi())
  const resolve = (p: any) => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()] : p)
  let dates = 0
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      for (const p of (op.parameters ?? []).map(resolve)) {
        const where = `${method.toUpperCase()} ${path} ${p.in} ${p.name}`
        t.notOk(p.required && p.schema?.default !== undefined, `${where}: not required when it has a default`)
        if (p.schema?.format !== 'date') continue
        dates++
        t.notOk('example' in p || 'examples' in p || 'example' in p.schema || 'examples' in p.schema, `${where}: a date parameter has no fixed example`)
        if (/default today|默认今天/.test(p.description ?? '')) t.equal(p.required, false, `${where}: today when left out`)
      }
    }
  }
  t.ok(dates >= 2, `the asOf parameters were seen (${dates})`)
  const limit = resolve(doc.paths['/v1/agencies'].get.parameters.find((p: any) => resolve(p).name === 'limit'))
  t.same([limit.required, limit.schema.default], [false, 50], 'limit: optional, default 50')
})

t.test('every PATCH shows If-Match as required, with its exact form and where to find it', async (t) => {
  const doc = JSON.parse(await renderOpenapi())
  const resolve = (p: any) => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()] : p)
  const patches = Object.entries<Record<string, any>>(doc.paths).filter(([, item]) => item.patch)
  t.ok(patches.length >= 4, `${patches.length} PATCH operations`)
  for (const [path, item] of patches) {
    const ifMatch = (item.patch.parameters ?? []).map(resolve).find((p: any) => p.in === 'header' && p.name === 'if-match')
    t.equal(ifMatch?.required, true, `PATCH ${path}: If-Match required`)
    t.match(ifMatch?.description, /ETag.*"3"/, `PATCH ${path}: the form, quotes included, and where it comes from`)
  }
})
