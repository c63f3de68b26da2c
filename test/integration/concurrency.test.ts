// Optimistic concurrency under load: many writers holding the same ETag, one wins.
import t from 'tap'
import { registry } from '../core/setup.js'
import { queryValue, queryRow } from '../db.js'

t.test('20 concurrent PATCHes with the same If-Match: one 200, nineteen 412, the row changed once', async (t) => {
  const { app, admin, countyB, officer } = await registry(t)
  const o = await officer(countyB.id)
  const read = await app.inject({ method: 'GET', url: `/v1/officers/${o.id}`, headers: admin })
  const etag = read.headers.etag as string
  t.ok(etag)
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => app.inject({
    method: 'PATCH',
    url: `/v1/officers/${o.id}`,
    headers: { ...admin, 'if-match': etag },
    payload: { employeeNo: `E-${i}` }
  })))
  const statuses = answers.map((r) => r.statusCode)
  t.equal(statuses.filter((s) => s === 200).length, 1, `one 200: ${statuses.join(',')}`)
  t.equal(statuses.filter((s) => s === 412).length, 19, 'nineteen 412')
  t.ok(answers.filter((r) => r.statusCode === 412).every((r) => r.json().code === 'PRECONDITION_FAILED'))
  const winner = answers.find((r) => r.statusCode === 200)?.json() as { employeeNo: string, version: number }
  const row = await queryRow(app, 'select employee_no as "employeeNo", version from officers where id = $1', o.id) as { employeeNo: string, version: number }
  t.same(row, { employeeNo: winner.employeeNo, version: o.version + 1 }, 'the row holds the winner\'s change, one version on')
  const updates = await queryValue(app, "select count(*) from audit_events where entity = 'officer' and entity_id = $1 and action = 'update'", String(o.id))
  t.equal(updates, 1, 'one update in the audit trail')
})
