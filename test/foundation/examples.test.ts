// The examples the docs page prefills teach and cannot harm: every write operation of the
// OpenAPI document, sent with its examples exactly as the page would send them (path, query
// and header examples; each request body's example in each content type), as an admin,
// against a registry that has every kind of record. Each is refused and no table changes.
import t from 'tap'
import { world } from '../security/fixtures/world.js'
import { tableContents } from '../db.js'

const WRITES = new Set(['post', 'put', 'patch', 'delete'])
// Signing in is no change to the registry (the page's Authorize dialog sends it, not an example).
const NOT_A_CHANGE = new Set(['POST /v1/auth/token'])

t.test('every write operation run with its examples unchanged is refused and changes no row', async (t) => {
  const w = await world(t)
  const doc = (await w.app.inject({ method: 'GET', url: '/openapi.json' })).json()
  const resolve = (p: any) => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()] : p)
  const before = await tableContents(w.app)
  t.ok(before.size > 10, `${before.size} tables`)
  t.ok([...before.values()].filter((rows) => rows !== '[]').length > 10, 'most hold rows')

  let sent = 0
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      const name = `${method.toUpperCase()} ${path}`
      if (!WRITES.has(method) || NOT_A_CHANGE.has(name)) continue
      const params = (op.parameters ?? []).map(resolve)
      let url = path
      const query = new URLSearchParams()
      const headers: Record<string, string> = { ...w.admin }
      for (const p of params) {
        const example = p.example ?? p.schema?.examples?.[0]
        if (p.in === 'path') {
          t.not(example, undefined, `${name}: the path's ${p.name} has an example`)
          url = url.replace(`{${p.name}}`, String(example))
        } else if (example !== undefined) {
          if (p.in === 'query') query.set(p.name, String(example))
          else if (p.in === 'header') headers[p.name] = String(example)
        }
      }
      if (query.size > 0) url += `?${query}`
      const contents = Object.entries<any>(op.requestBody?.content ?? { none: {} })
      for (const [type, media] of contents) {
        if (type === 'multipart/form-data') continue // a file the clerk picks: no example to send
        const example = media.example
        if (type !== 'none') t.not(example, undefined, `${name} ${type}: the body has an example`)
        const res = await w.app.inject({
          method: method.toUpperCase() as 'POST',
          url,
          headers: type === 'none' ? headers : { ...headers, 'content-type': type },
          ...(type === 'none' ? {} : { payload: typeof example === 'string' ? example : JSON.stringify(example) })
        })
        sent++
        t.ok(res.statusCode >= 400 && res.statusCode < 500, `${name} ${type}: refused (${res.statusCode} ${res.json().code})`)
        const after = await tableContents(w.app)
        const changed = [...after].filter(([table, rows]) => before.get(table) !== rows).map(([table]) => table)
        t.same(changed, [], `${name} ${type}: no table changed`)
      }
    }
  }
  t.ok(sent >= 30, `${sent} write requests sent`)
})
