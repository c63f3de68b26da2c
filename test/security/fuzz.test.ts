// Property-based fuzzing of every route in the OpenAPI document: malformed paths, queries,
// bodies, content types and headers, with valid, broken and forged tokens. Whatever comes in:
// never a 5xx, never a stack trace or a file path, and every error of the API is problem+json
// with its status and code. Through inject(), so thousands of requests take seconds.
// FUZZ_REQUESTS raises the total (default 5,200); FUZZ_SEED replays a run (the seed is printed).
import t from 'tap'
import fc from 'fast-check'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { SignJWT } from 'jose'
import { exampleBody, fuzzPlan, rowSchema, type Route, type Schema } from './fixtures/routes.js'
import { idOf, world } from './fixtures/world.js'

const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 5200)
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))
// A stack frame ("at fn (/path/file.js:1:2)") or a path of this checkout in an answer.
const STACK = /\bat (?:[\w$.<>[\] ]+ \()?(?:file:\/\/|node:|\/)[^\s)]*:\d+:\d+/
const CHECKOUT = process.cwd()

const safeEncode = (s: string) => { try { return encodeURIComponent(s) } catch { return '%ED%A0%80' } }

/** Values for path and query parameters: real ids, edge numbers, encodings, injections, noise. */
function paramValues (ids: number[], numbers: string[]) {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...ids.map(String), ...numbers) },
    {
      weight: 4,
      arbitrary: fc.constantFrom('0', '-1', '1.5', '1e3', '0x1F', '9007199254740993', '99999999999999999999999', 'NaN', 'null',
        'true', '%00', '%2F', '%2e%2e', '..', '%zz', '%E0%A4%A', '%F0%9F%98%80', '%E8%BA%AB%E4%BB%BD', '%27%20OR%201%3D1--',
        '%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'a'.repeat(250), '1'.repeat(199), '140802198805120017', ' ', '%20', '+', '*', '[]', '{}')
    },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }).map(safeEncode) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }).map(safeEncode) },
    { weight: 2, arbitrary: fc.integer().map(String) }
  )
}

/** A value for one body field: plausible for its schema, or hostile. */
function fieldValue (schema: Schema, ids: number[]): fc.Arbitrary<unknown> {
  const plausible: Array<fc.Arbitrary<unknown>> = [fc.constantFrom(...ids)]
  if (schema.enum) plausible.push(fc.constantFrom(...schema.enum))
  if (schema.format === 'date' || schema.pattern?.includes('\\d{4}-')) plausible.push(fc.constantFrom('2026-03-15', '2026-02-30', '1900-01-01', '9999-12-31'))
  return fc.oneof(
    { weight: 3, arbitrary: fc.oneof(...plausible) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(null, '', ' ', -1, 0, 1.5, 1e308, -0, 'x'.repeat(5000), true, [], {}, [1, 2], '<script>alert(1)</script>',
        "'; drop table officers; --", '💩', '𠇔', 'NaN', '1e3', '140802198805120017', { $gt: '' }, ['a', 'a'])
    },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }
  )
}

/** Bodies: a valid one with a field broken or dropped, objects shaped like the route's body
 *  with bad values, any JSON, broken JSON, forms. */
function bodies (route: Route, ids: number[], examples: Array<Record<string, unknown>>): fc.Arbitrary<string | undefined> {
  const props = Object.entries(rowSchema(route.body)?.properties ?? {})
  // A bulk route takes an array of such objects.
  const send = (o: unknown) => JSON.stringify(route.body?.type === 'array' ? [o] : o)
  const broken = examples.length === 0 || props.length === 0
    ? fc.constant('{}')
    : fc.tuple(fc.constantFrom(...examples), fc.option(fc.tuple(fc.constantFrom(...props), fc.boolean()), { nil: undefined }))
      .chain(([example, change]) => change === undefined
        ? fc.constant(send(example))
        : change[1]
          ? fc.constant(send(Object.fromEntries(Object.entries(example).filter(([k]) => k !== change[0][0]))))
          : fieldValue(change[0][1], ids).map((v) => send({ ...example, [change[0][0]]: v })))
  const shaped = props.length === 0
    ? fc.constant({})
    : fc.record(Object.fromEntries(props.map(([name, s]) => [name, fieldValue(s, ids)])), { requiredKeys: [] })
  const extra = fc.option(fc.tuple(fc.constantFrom('unexpected', '__proto__', 'constructor', 'idNumber', ''), fc.jsonValue({ maxDepth: 1 })), { nil: undefined })
  const deep = '['.repeat(2000) + ']'.repeat(2000)
  return fc.oneof(
    { weight: 6, arbitrary: broken },
    { weight: 3, arbitrary: fc.tuple(shaped, extra).map(([o, x]) => send(x ? { ...o, [x[0]]: x[1] } : o)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', '{', '{"a":', 'null', '[]', '"x"', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}',
        'grant_type=password&username=a&password=b', 'a=1&a=2&__proto__[x]=1', deep, 'x'.repeat(70 * 1024), '\uFEFF{}', '{"a":1}{"b":2}')
    },
    { weight: 1, arbitrary: fc.constant(undefined) }
  )
}

t.test('fuzzing every route: never a 5xx, never a stack trace, problem+json for every API error', async (t) => {
  const w = await world(t, { BODY_LIMIT_BYTES: 64 * 1024 })
  const { app } = w
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  const routes = fuzzPlan(doc)
  t.ok(routes.length >= 40, `${routes.length} routes`)
  t.comment(`seed ${SEED} (FUZZ_SEED=${SEED} replays this run)`)

  const valid = [w.admin.authorization, ...(await Promise.all([
    w.as('clerk', w.east.agency.id), w.as('hr', w.east.agency.id), w.as('auditor', w.west.agency.id), w.as('clerk', w.city.id)
  ])).map((h) => h.authorization)]
  const forged = await new SignJWT({ role: 'admin', agencyId: null }).setProtectedHeader({ alg: 'HS256' }).setSubject('user:1')
    .setIssuer('enforcement-officer-registry').setAudience('enforcement-officer-registry-api').setIssuedAt().setExpirationTime('1h')
    .sign(new TextEncoder().encode('guessed-secret-guessed-secret-32'))
  const [head, payload] = (valid[1] as string).slice(7).split('.') as [string, string]
  const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`
  const tampered = `${head}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin' })).toString('base64url')}.${(valid[1] as string).split('.')[2] as string}`
  const auth = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...valid) }, {
    weight: 1,
    arbitrary: fc.constantFrom(undefined, 'Bearer', 'Bearer ', 'Bearer x.y.z', `Bearer ${forged}`, `Bearer ${unsigned}`,
    `Bearer ${tampered}`, 'Basic Zm9vOmJhcg==', 'Basic !!!', `bearer  ${(valid[1] as string).slice(7)}`, 'Token abc', `Bearer ${'a'.repeat(5000)}`)
  })
  const ids = [w.city.id, w.exam.id, ...[w.east, w.west].flatMap((s) => [s.agency.id, s.officer.id, s.spare.id, s.certificate.id, s.training.id, s.record.id, s.assessment.id, s.user.id, s.client.id])]
  const numbers = [w.east.certificate.number, w.west.certificate.number.toLowerCase(), `${w.east.certificate.number}0`]
  const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/)
  const headers = fc.dictionary(
    fc.constantFrom('if-match', 'idempotency-key', 'x-request-id', 'accept', 'x-forwarded-for', 'accept-language', 'x-http-method-override', 'origin', 'content-length', 'cookie'),
    fc.oneof(headerValue, fc.constantFrom('"1"', '*', 'W/"2"', 'text/html', 'application/json', '0', '-1', '999999', '140802198805120017')),
    { maxKeys: 3 }
  )
  const contentType = fc.oneof({ weight: 5, arbitrary: fc.constant('application/json') }, {
    weight: 2,
    arbitrary: fc.constantFrom(undefined, 'application/json; charset=utf-8', 'application/x-www-form-urlencoded', 'text/plain', 'application/xml',
      'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/problem+json', '*/*', ';;;', 'application/json; a=b; a=c')
  })

  let fresh = 90_000
  const examplesOf = (route: Route) => [w.east, w.west].map((side) =>
    exampleBody(route.body, { id: (r) => idOf(w, side, r), today: w.today, year: w.year, fresh: () => ++fresh }))
    .flatMap((b) => b === undefined ? [] : Array.isArray(b) ? b : [b])
  const runs = Math.ceil(TOTAL / routes.length)
  let sent = 0
  const walked: string[] = []
  const failures: string[] = []
  const statuses = new Map<number, number>()

  for (const route of routes) {
    walked.push(route.key)
    const param = paramValues(ids, numbers)
    const queryNames = (route.op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name)
    const query = fc.oneof(
      { weight: 4, arbitrary: fc.constant('') },
      { weight: 4, arbitrary: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...queryNames, 'limit', 'cursor', '__proto__', 'idNumber', 'a[b]'), fc.string({ maxLength: 8 }).map(safeEncode)), param), { maxLength: 5 }).map((pairs) => pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : '') },
      { weight: 1, arbitrary: fc.constantFrom('?', '?&&', '?=', '?%zz=1', '?limit=1&limit=2', `?cursor=${'A'.repeat(300)}`, `?cursor=${Buffer.from('{"id":-1}').toString('base64url')}`, '?limit=0', '?limit=501', '?limit=-1') }
    )
    const request = fc.record({
      method: fc.oneof({ weight: 12, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') }),
      params: fc.array(param, { minLength: 4, maxLength: 4 }),
      query,
      authorization: auth,
      contentType,
      body: bodies(route, ids, examplesOf(route)),
      headers
    }).map((r): InjectOptions & { url: string } => {
      let i = 0
      const url = route.path.replace(/\{\w+\}/g, () => r.params[i++] as string) + r.query
      const h: Record<string, string> = { ...r.headers }
      if (r.authorization !== undefined) h.authorization = r.authorization
      if (r.contentType !== undefined) h['content-type'] = r.contentType
      return { method: r.method as InjectOptions['method'], url, headers: h, ...(r.body === undefined ? {} : { payload: r.body }) }
    })

    try {
      await fc.assert(fc.asyncProperty(request, async (req) => {
        sent++
        const res = await app.inject(req)
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
        const wrong = judge(req, res)
        if (wrong) throw new Error(`${req.method as string} ${req.url.slice(0, 200)} → ${res.statusCode}: ${wrong}\n  body: ${res.body.slice(0, 300)}`)
      }), { numRuns: runs, seed: SEED + walked.length, endOnFailure: true })
    } catch (err) {
      failures.push(`${route.key}: ${(err as Error).message.slice(0, 1500)}`)
    }
  }

  t.comment(`answers by status: ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`)
  t.same(failures, [], 'no route misbehaved')
  t.ok(sent >= 5000, `${sent} requests sent`)
  t.same(walked, routes.map((r) => r.key), 'every route of the document was walked')
  t.same(w.logs.filter((l) => /"level":(50|60)/.test(l)).map((l) => l.slice(0, 300)), [], 'no error logged')
})

/** What is wrong with an answer, or null. */
function judge (req: InjectOptions & { url: string }, res: LightMyRequestResponse): string | null {
  if (res.statusCode >= 500) return 'a server error'
  if (STACK.test(res.body) || res.body.includes(CHECKOUT)) return 'a stack trace or file path in the body'
  if (res.statusCode < 400 || req.method === 'HEAD') return null
  const type = String(res.headers['content-type'] ?? '')
  // The pages people read (/verify/…, /public…) answer their refusals as Chinese pages.
  const page = /^\/(?:verify\/|public(?:[/?]|$))/.test(req.url) && type.startsWith('text/html')
  if (page) return null
  if (!type.startsWith('application/problem+json')) return `an error that is not problem+json (${type})`
  let body: { status?: unknown, code?: unknown, type?: unknown, title?: unknown, requestId?: unknown }
  try { body = JSON.parse(res.body) } catch { return 'problem+json that does not parse' }
  if (body.status !== res.statusCode) return `status member ${String(body.status)}`
  if (typeof body.code !== 'string' || typeof body.type !== 'string' || typeof body.title !== 'string') return 'missing code, type or title'
  return null
}
