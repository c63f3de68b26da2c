// Scope on every route: tokens of the east county (clerk, hr, auditor) against the resources of
// the west county, its sibling. Requests are generated from the OpenAPI document: the path id,
// the id fields of the body and the query take the west's ids, everything else a valid value.
// Never a 2xx on the west's data, a path id of the west's is 403/404, and no answer carries
// anything of the west (names, ID numbers masked or not, phones, numbers, titles).
// Then the same requests with the east's own ids must get past validation and find the
// resource, so the refusals above are the scope's doing, not a malformed request's.
import t from 'tap'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { exampleBody, exampleValue, fillPath, ID_FIELDS, pathResource, rowSchema, SHARED, scopePlan, type ExampleContext, type Route } from './fixtures/routes.js'
import { idOf, world, type Side } from './fixtures/world.js'

type Variant = 'theirs' | 'their-fields' | 'own'

// Bulk routes answer 200 with an outcome per row: a row naming the west's officer must be
// refused there, and nothing recorded.
// Eligibility answers each officer: one of the west is not found (never judged, nothing of them shown).
const PER_ROW: Record<string, (body: { recorded?: number, results?: Array<{ outcome?: string, eligible?: boolean, reasons?: Array<{ code: string }> }> }) => boolean> = {
  'POST /v1/trainings/{id}/attendances': (b) => b.recorded === 0 && (b.results ?? []).every((r) => r.outcome === 'not_found'),
  'POST /v1/eligibility': (b) => (b.results ?? []).length > 0 && (b.results ?? []).every((r) => r.eligible === false && r.reasons?.length === 1 && r.reasons[0]?.code === 'OFFICER_NOT_FOUND')
}

t.test('a token of one agency never reaches a sibling agency\'s data, on any route', async (t) => {
  const w = await world(t)
  const { app } = w
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  const routes = scopePlan(doc)
  const own = w.east
  const other = w.west
  const roles = {
    clerk: own.clerk, // the clerk who sent the east's import job (a job is its caller's only)
    hr: await w.as('hr', own.agency.id),
    auditor: await w.as('auditor', own.agency.id)
  }
  let fresh = 70_000
  const context = (side: Side): ExampleContext => ({ id: (r) => idOf(w, side, r), today: w.today, year: w.year, fresh: () => ++fresh })

  const fields = (route: Route) => [
    ...(route.op.parameters ?? []).filter((p) => p.in === 'query' && ID_FIELDS[p.name]).map((p) => p.name),
    ...Object.keys(rowSchema(route.body)?.properties ?? {}).filter((name) => ID_FIELDS[name])
  ]
  const scopedPath = (route: Route) => {
    const r = pathResource(route.path)
    return r !== undefined && !SHARED.has(r)
  }
  const scopedFields = (route: Route) => fields(route).some((f) => !SHARED.has(ID_FIELDS[f] as never))

  /** The request with path ids from one side and field ids from another. */
  async function request (route: Route, pathSide: Side, fieldSide: Side, headers: Record<string, string>): Promise<InjectOptions & { url: string }> {
    const resource = pathResource(route.path)
    const path = fillPath(route.path, resource ? idOf(w, pathSide, resource) : undefined, { year: w.year, eventId: pathSide.eventId })
    const c = context(fieldSide)
    const query = (route.op.parameters ?? []).filter((p) => p.in === 'query')
      .filter((p) => ID_FIELDS[p.name] || (p.required && p.schema?.default === undefined))
      .map((p) => `${p.name}=${encodeURIComponent(String(exampleValue(p.name, p.schema ?? {}, c)))}`)
    const h: Record<string, string> = { ...headers }
    if (route.method === 'PATCH' || route.method === 'PUT') {
      // The current ETag, as the admin reads it: a stale or missing If-Match would stop the request first.
      const etag = (await app.inject({ method: 'GET', url: path, headers: w.admin })).headers.etag
      if (typeof etag === 'string') h['if-match'] = etag
    }
    const body = exampleBody(route.body, c)
    return { method: route.method as InjectOptions['method'], url: path + (query.length ? `?${query.join('&')}` : ''), headers: h, ...(body ? { payload: body } : {}) }
  }

  const leaks = (res: LightMyRequestResponse) => other.markers.filter((m) => res.body.includes(m))
  const seen: Array<{ route: string, variant: Variant, role: string, status: number }> = []
  const walked: string[] = []

  // 1. Across the scope: the west's ids, in the path and in the fields, then only in the fields.
  for (const route of routes) {
    walked.push(route.key)
    const variants: Array<[Variant, Side]> = [['theirs', other]]
    if (scopedFields(route) && pathResource(route.path)) variants.push(['their-fields', own])
    for (const [variant, pathSide] of variants) {
      for (const [role, headers] of Object.entries(roles)) {
        const req = await request(route, pathSide, other, headers)
        const res = await app.inject(req)
        seen.push({ route: route.key, variant, role, status: res.statusCode })
        const where = `${route.key} [${variant}] as ${role}: ${req.method as string} ${req.url} → ${res.statusCode}`
        t.same(leaks(res), [], `${where}: nothing of the west in the answer`)
        t.ok(res.statusCode < 500, `${where}: no server error ${res.body.slice(0, 200)}`)
        if (variant === 'theirs' && scopedPath(route)) {
          t.ok(res.statusCode === 403 || res.statusCode === 404, `${where}: the west's resource is not found (403/404) ${res.body.slice(0, 200)}`)
        } else if (scopedFields(route) && route.method !== 'GET') {
          const perRow = PER_ROW[route.key]
          const refused = [403, 404, 422].includes(res.statusCode) || (perRow !== undefined && res.statusCode === 200 && perRow(res.json()))
          t.ok(refused, `${where}: naming the west's ids is refused ${res.body.slice(0, 200)}`)
        }
      }
    }
  }

  // 2. The same requests with the east's own ids: valid, and the resource is found. Deletions
  // last: a DELETE of the east's own subscription takes it away from the routes after it.
  let controlled = 0
  for (const route of [...routes.filter((r) => r.method !== 'DELETE'), ...routes.filter((r) => r.method === 'DELETE')]) {
    let answered: { role: string, res: LightMyRequestResponse } | undefined
    for (const [role, headers] of Object.entries(roles)) {
      const res = await app.inject(await request(route, own, own, headers))
      if (res.statusCode !== 403) { answered = { role, res }; break }
    }
    if (!answered) continue // no scoped role may call it (admin only): nothing to cross
    controlled++
    const { role, res } = answered
    const where = `${route.key} with the east's own ids as ${role} → ${res.statusCode}`
    t.notMatch(res.body, /"code":"VALIDATION_FAILED"/, `${where}: the generated request is valid ${res.body.slice(0, 300)}`)
    if (pathResource(route.path)) t.not(res.statusCode, 404, `${where}: its own resource is found ${res.body.slice(0, 200)}`)
  }

  t.same(walked, routes.map((r) => r.key), 'every route of the plan was walked')
  t.ok(controlled >= 30, `${controlled} routes reachable by a scoped role were checked with both agencies' ids`)
  t.ok(seen.some((s) => s.status === 404), 'refusals were seen')
})
