// The meta-test: a route added anywhere must be walked by the fuzz test and by the scope test
// (test/security/fuzz.test.ts, scope.test.ts), or be on the explicit public allow-list
// (PUBLIC_ROUTES in fixtures/routes.ts, each with its reason). The plans those tests walk are computed
// by the same functions used here, and each test checks it walked its whole plan.
import t from 'tap'
import { buildTestApp } from '../helper.js'
import { PUBLIC_ROUTES, fuzzPlan, routesOf, scopeGap, scopePlan } from './fixtures/routes.js'

// Routes served but not in the OpenAPI document: the document itself, the docs UI with its
// static assets (@fastify/swagger-ui), and the leaders' dashboard page with its script, style
// and charting library (it reads the data through the documented API, with the leader's token).
// Public, and hold no registry data.
const UNDOCUMENTED = [/^GET \/openapi\.json$/, /^GET \/docs(\/|$)/, /^GET \/dashboard(\/|$)/]

t.test('every route is fuzzed, and every route but the listed public ones is scope-tested', async (t) => {
  const { app } = await buildTestApp(t, { LOG_LEVEL: 'silent' })
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  const routes = routesOf(doc)
  const keys = routes.map((r) => r.key)
  t.ok(routes.length >= 40, `${routes.length} documented routes`)

  t.same(fuzzPlan(doc).map((r) => r.key), keys, 'the fuzz test walks every documented route')

  const scoped = new Set(scopePlan(doc).map((r) => r.key))
  for (const route of routes) {
    if (PUBLIC_ROUTES[route.key]) continue
    t.ok(scoped.has(route.key), `${route.key} is scope-tested${scoped.has(route.key) ? '' : `: ${scopeGap(route) ?? 'not in the plan'}`}`)
  }

  for (const route of routes) {
    const open = Array.isArray(route.op.security) && route.op.security.length === 0
    t.equal(open, PUBLIC_ROUTES[route.key] !== undefined, `${route.key}: public exactly when on the allow-list`)
  }
  for (const key of Object.keys(PUBLIC_ROUTES)) t.ok(keys.includes(key), `allow-list entry ${key} is still a route`)

  // What the app serves beyond the document escapes both tests: only the documented exceptions.
  const served = [...app.routeAccess.keys()].filter((k) => !k.startsWith('HEAD '))
  const docPaths = new Set(keys.map((k) => k.replace(/\{(\w+)\}/g, ':$1')))
  const undocumented = served.filter((k) => !docPaths.has(k) && !UNDOCUMENTED.some((re) => re.test(k)))
  t.same(undocumented, [], 'every served route is in the OpenAPI document (or a listed exception)')
})
