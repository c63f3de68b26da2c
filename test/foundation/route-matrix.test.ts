// Every route, whatever module adds it, gets the same treatment from the one auth mechanism:
// no token 401, a role not declared 403, an unknown id 404 (never 403 or 5xx), an unknown body
// field 400; no answer to a caller with a token may be stored (Cache-Control: no-store). The
// route list comes from the app itself, so a new route is covered by default.
import t from 'tap'
import { ROLES } from '../../src/security/roles.js'
import { assertProblem, buildTestApp } from '../helper.js'
import { createAgency } from '../fixtures.js'

t.test('the role matrix holds on every route', async (t) => {
  const { app, as } = await buildTestApp(t, { LOG_LEVEL: 'silent' })
  await app.ready()
  const admin = await as('admin')
  const agency = await createAgency(app, admin)
  const tokens = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await as(r, r === 'admin' ? null : agency.id)] as const)))
  const routes = [...app.routeAccess.entries()].filter(([key]) => !key.startsWith('HEAD ') && !key.includes('/docs'))
  // Which routes take a body, from the OpenAPI document the same app serves.
  const paths = (app.swagger() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> }).paths
  const jsonBody = (method: string, pattern: string) =>
    paths[pattern.replace(/:([A-Za-z]+)/g, '{$1}')]?.[method.toLowerCase()]?.requestBody?.content['application/json'] !== undefined
  t.ok(routes.length >= 30, `${routes.length} routes found`)
  // Every write takes a JSON body, so the unknown-field check below reaches it; a route that
  // stopped declaring its body would silently leave that check.
  const writesWithoutJsonBody = routes.filter(([key, access]) => access !== 'public' && !key.startsWith('GET ') && !jsonBody(...(key.split(' ') as [string, string])))
  t.same(writesWithoutJsonBody.map(([key]) => key), [], 'every authenticated write declares a JSON body')
  for (const [key, access] of routes) {
    const [method, pattern] = key.split(' ') as [string, string]
    const url = pattern.replace(/:[A-Za-z]+/g, '999999')
    const send = (headers: Record<string, string>, payload?: unknown) =>
      app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) })
    if (access === 'public') {
      const res = await send({})
      t.not(res.statusCode, 401, `${key} is public`)
      t.ok(res.statusCode < 500, `${key} without token: ${res.statusCode}`)
      continue
    }
    assertProblem(t, await send({}), 401, 'UNAUTHENTICATED')
    for (const role of ROLES) {
      const allowed = access.roles.includes(role)
      const res = await send(tokens[role] as Record<string, string>, method === 'GET' ? undefined : { unexpectedField: 1 })
      t.equal(res.headers['cache-control'], 'no-store', `${key} as ${role}: not stored by a browser or proxy`)
      if (!allowed) {
        assertProblem(t, res, 403, 'FORBIDDEN')
        continue
      }
      t.ok(res.statusCode < 500, `${key} as ${role}: ${res.statusCode} ${res.body.slice(0, 120)}`)
      t.not(res.statusCode, 403, `${key} as ${role} is allowed`)
      if (method === 'GET' && pattern.includes(':')) t.equal(res.statusCode, 404, `${key}: unknown id is 404`)
      if (jsonBody(method, pattern)) {
        const problem = assertProblem(t, res, 400, 'VALIDATION_FAILED')
        const pointers = (problem.errors as Array<{ pointer: string }> | undefined)?.map((e) => e.pointer) ?? []
        // An import's body is an array of rows: an object is refused whole.
        t.ok(pointers.includes(pattern.startsWith('/v1/imports/') ? '/' : '/unexpectedField'), `${key} as ${role}: the unknown field is named (${pointers.join(' ')})`)
      }
    }
  }
})
