import t from 'tap'
import { post } from '../fixtures.js'
import { assertProblem } from '../helper.js'
import { world } from './world.js'
import { queryRow } from '../db.js'

t.test('an external record answers 201 with its evidence and conversion', async (t) => {
  const { officer, record, hrB, countyB } = await world(t)
  const o = await officer(countyB.id)
  const res = await record(hrB, { officerId: o.id, category: 'professional', hours: undefined, minutes: 100, title: '网络培训', provider: '省司法厅' })
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json(), {
    officerId: o.id,
    source: 'external',
    trainingId: null,
    category: 'professional',
    hours: null,
    minutes: 100,
    rule: 'minutes_45',
    units: 200,
    creditHours: 2.22,
    explanation: '100 分钟 ÷ 45 ≈ 2.22 学时 (200/90)',
    date: '2026-04-01',
    year: 2026,
    title: '网络培训',
    provider: '省司法厅',
    evidence: '结业证书 No. 1'
  })
})

t.test('300 records of 0.1 学时 make exactly 30, in units and in the answer', async (t) => {
  const { officer, record, summary, hrB, countyB } = await world(t)
  const o = await officer(countyB.id)
  for (let i = 0; i < 300; i++) {
    const res = await record(hrB, { officerId: o.id, hours: 0.1 })
    if (res.statusCode !== 201) t.fail(res.body)
  }
  const s = (await summary(hrB, o.id, '?year=2026')).json()
  t.equal(s.publicLawUnits, 2700)
  t.equal(s.publicLawHours, 30, 'exactly 30, not 30.000000000000156')
  t.equal(s.deficits.publicLawHours, 0)
  t.equal(s.records.publicLaw.length, 300)
})

t.test('a record dated 31 December counts for that year; 1 January for the next', async (t) => {
  const { officer, record, summary, hrB, countyB } = await world(t)
  const o = await officer(countyB.id)
  t.equal((await record(hrB, { officerId: o.id, hours: 2, date: '2025-12-31' })).json().year, 2025)
  t.equal((await record(hrB, { officerId: o.id, hours: 3, date: '2026-01-01' })).json().year, 2026)
  t.equal((await summary(hrB, o.id, '?year=2025')).json().publicLawHours, 2)
  t.equal((await summary(hrB, o.id, '?year=2026')).json().publicLawHours, 3)
})

t.test('errors: both or neither figure 422, bad figures 400, no evidence 400, unknown or foreign officer 404, departed 409', async (t) => {
  const { app, officer, record, hrB, admin, countyB, countyC } = await world(t)
  const o = await officer(countyB.id)
  assertProblem(t, await record(hrB, { officerId: o.id, hours: 1, minutes: 45 }), 422, 'HOURS_OR_MINUTES')
  assertProblem(t, await record(hrB, { officerId: o.id, hours: undefined }), 422, 'HOURS_OR_MINUTES')
  const decimals = assertProblem(t, await record(hrB, { officerId: o.id, hours: 0.05 }), 400, 'VALIDATION_FAILED')
  t.same(decimals.errors, [{ in: 'body', pointer: '/hours', detail: 'hours take at most one decimal (0.1 学时 is 6 minutes); send minutes for a finer figure / 学时最多一位小数（0.1 学时即 6 分钟），更精确请填写 minutes（分钟）' }], 'a sentence, not a reason code')
  t.equal(assertProblem(t, await record(hrB, { officerId: o.id, evidence: undefined }), 400, 'VALIDATION_FAILED').errors[0].pointer, '/evidence')
  assertProblem(t, await record(hrB, { officerId: o.id, date: '2026-13-01' }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await record(hrB, { officerId: o.id, source: 'external' }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await record(hrB, { officerId: 999999 }), 404, 'NOT_FOUND')
  const theirs = await officer(countyC.id)
  assertProblem(t, await record(hrB, { officerId: theirs.id }), 404, 'NOT_FOUND')
  t.equal((await post(app, admin, `/v1/officers/${o.id}/departure`, { reason: 'resignation', date: '2026-05-01' })).statusCode, 200)
  assertProblem(t, await record(hrB, { officerId: o.id, date: '2026-05-01' }), 409, 'OFFICER_DEPARTED')
  assertProblem(t, await record(hrB, { officerId: o.id, date: '2026-05-20' }), 409, 'OFFICER_DEPARTED')
  const rows = await queryRow(app, 'select count(*) n from training_records') as { n: number }
  t.equal(rows.n, 0, 'no refused record was stored')
  const totals = await queryRow(app, 'select count(*) n from training_totals') as { n: number }
  t.equal(totals.n, 0, 'nor counted')
  t.equal((await record(hrB, { officerId: o.id, date: '2026-04-30' })).statusCode, 201, 'training completed the day before leaving is history: recorded')
})

t.test('roles: auditor may not record (403) but may read', async (t) => {
  const { app, as, officer, record, hrB, countyB } = await world(t)
  const o = await officer(countyB.id)
  const auditor = await as('auditor', countyB.id)
  assertProblem(t, await record(auditor, { officerId: o.id }), 403, 'FORBIDDEN')
  const id = (await record(hrB, { officerId: o.id })).json().id
  t.equal((await app.inject({ method: 'GET', url: `/v1/training-records/${id}`, headers: auditor })).statusCode, 200)
})

t.test('records are listed and read within scope; attendances appear with their training\'s title', async (t) => {
  const { app, officer, record, training, attend, hrB, hrC, admin, countyB, countyC } = await world(t)
  const b = await officer(countyB.id)
  const c = await officer(countyC.id)
  const ext = (await record(hrB, { officerId: b.id })).json().id
  const theirs = (await record(hrC, { officerId: c.id, date: '2025-06-01' })).json().id
  const tid = await training(admin, { title: '宪法专题', provider: '市委党校' })
  const att = (await attend(admin, tid, [b.id])).json().results[0].recordId
  const list = async (headers: typeof hrB, qs = '') => (await app.inject({ method: 'GET', url: `/v1/training-records${qs}`, headers })).json()
  t.same((await list(hrB)).items.map((r: { id: number }) => r.id), [ext, att])
  t.same((await list(admin, '?year=2025')).items.map((r: { id: number }) => r.id), [theirs])
  t.same((await list(admin, `?officerId=${b.id}&limit=1`)).items.map((r: { id: number }) => r.id), [ext])
  t.same((await list(hrB, `?officerId=${c.id}`)).items, [], 'a foreign officer\'s records are not listed')
  const one = await app.inject({ method: 'GET', url: `/v1/training-records/${att}`, headers: hrB })
  t.match(one.json(), { source: 'training', trainingId: tid, title: '宪法专题', provider: '市委党校', evidence: null, units: 2700 })
  assertProblem(t, await app.inject({ method: 'GET', url: `/v1/training-records/${theirs}`, headers: hrB }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/training-records/999999', headers: admin }), 404, 'NOT_FOUND')
})

t.test('a record appends an audit event with the raw figure, the rule and the units', async (t) => {
  const { app, officer, record, hrB, countyB } = await world(t)
  const o = await officer(countyB.id)
  const id = (await record(hrB, { officerId: o.id, hours: undefined, minutes: 90 })).json().id
  const row = await queryRow(app, "select after from audit_events where entity = 'training_record' and entity_id = $1", String(id)) as { after: string }
  t.match(JSON.parse(row.after), { rawMinutes: 90, rawHours: null, rule: 'minutes_45', units: 180, evidence: '结业证书 No. 1' })
})
