// Bulk imports of officers: upsert on the ID number, a result per row, all or nothing unless
// ?partial=true, JSON / NDJSON / CSV in UTF-8 or GBK.
// engine: sqlite-only in part — two tests change the data mid-import with SQLite triggers (and a function on the connection); the 50,000-row one is about SQLite's turns
import t from 'tap'
import iconv from 'iconv-lite'
import { addDays } from '../../src/domain/dates.js'
import { assertProblem, sqliteStoreOf } from '../helper.js'
import { distinctIdNumber, idNumber, registerOfficers } from '../fixtures.js'
import { registry } from '../core/setup.js'
import { newTraining } from '../training/world.js'
import { queryValue, queryRows, execute, sqliteOnly } from '../db.js'

type Headers = { authorization: string }

/** The subjects of the change feed's events of `type`, read page by page as a consumer would. */
async function feedSubjects (app: { inject: (o: object) => Promise<{ json: () => unknown }> }, headers: Headers, type: string): Promise<string[]> {
  const subjects: string[] = []
  for (let cursor = '', more = true; more;) {
    const page = (await app.inject({ method: 'GET', url: `/v1/events?limit=500${cursor ? `&cursor=${cursor}` : ''}`, headers })).json() as { items: Array<{ type: string, subject: string }>, nextCursor: string }
    subjects.push(...page.items.filter((e) => e.type === `cn.gov.registry.${type}`).map((e) => e.subject))
    more = page.items.length === 500
    cursor = page.nextCursor
  }
  return subjects
}

function rows (n: number, agencyId: number, birth = '19790101') {
  return Array.from({ length: n }, (_, i) => ({ name: `导入${i}`, idNumber: idNumber(i, birth), agencyId, employeeNo: `E${i}` }))
}

/** The fields of a public-law training held on 1 March of `year`, organised by `agencyId` (for newTraining). */
const heldOn1March = (year: number, agencyId: number, title: string, hours = 2) =>
  ({ title, hours, startDate: `${year}-03-01`, endDate: `${year}-03-01`, agencyId })

t.test('one bad row in 1,000 commits nothing by default; with ?partial=true the 999 good ones', async (t) => {
  const { app, admin, countyB } = await registry(t)
  const send = (url: string, payload: unknown) => app.inject({ method: 'POST', url, headers: admin, payload: payload as object[] })
  const officers = await queryValue<number>(app, 'select count(*) from officers')
  const audits = await queryValue<number>(app, 'select count(*) from audit_events')
  const payload: Array<Record<string, unknown>> = rows(1000, countyB.id)
  // Row 500: a wrong check digit, an agency that does not exist, and a field nobody knows.
  payload[499] = { ...payload[499], idNumber: `${(payload[499]?.idNumber as string).slice(0, 17)}0`, agencyId: 999999, grade: 'A' }
  if (payload[499]?.idNumber === payload[498]?.idNumber) throw new Error('test data')

  const res = await send('/v1/imports/officers', payload)
  const problem = assertProblem(t, res, 422, 'IMPORT_REJECTED')
  t.equal(await queryValue(app, 'select count(*) from officers'), officers, 'no officer written')
  t.equal(await queryValue(app, 'select count(*) from audit_events'), audits, 'no audit event written')
  t.match(problem.result, { status: 'rejected', rows: 1000, failed: 1, created: 999, committedRows: 0 })
  const bad = (problem.result.results as Array<{ row: number, outcome: string, errors?: Array<{ code: string, pointer?: string }> }>).filter((r) => r.outcome === 'error')
  t.same(bad.map((r) => r.row), [500])
  t.same(bad[0]?.errors?.map((e) => `${e.code} ${e.pointer ?? ''}`).sort(), [
    'AGENCY_OUT_OF_SCOPE /agencyId', 'ID_NUMBER_INVALID /idNumber', 'VALIDATION_FAILED /grade'
  ], 'every reason of the row')

  const partial = await send('/v1/imports/officers?partial=true', payload)
  t.equal(partial.statusCode, 200, partial.body.slice(0, 300))
  t.match(partial.json(), { status: 'committed', partial: true, rows: 1000, created: 999, failed: 1, committedRows: 999 })
  t.equal(await queryValue(app, 'select count(*) from officers'), officers + 999, '999 officers written')
  t.equal(await queryValue(app, "select count(*) from audit_events where entity = 'officer' and action = 'create'"), officers + 999, 'each audited')
  t.equal(await queryValue(app, "select count(*) from domain_events where type = 'cn.gov.registry.officer.registered'"), officers + 999, 'and in the change feed')
  t.equal((await app.services.audit.verify()).ok, true, 'the audit chain holds')

  const again = await send('/v1/imports/officers?partial=true', payload)
  t.match(again.json(), { created: 0, updated: 0, unchanged: 999, failed: 1, committedRows: 999 }, 'importing the same file again changes nothing')
  t.equal(await queryValue(app, 'select count(*) from officers'), officers + 999)
})

t.test('a GBK CSV from Excel, with Chinese headings, imports correctly', async (t) => {
  const { app, admin, countyB } = await registry(t)
  const csv = [
    '姓名,身份证号,执法主体编号,工号,电话,法制审核人员',
    `张三丰,${idNumber(11, '19700315')},${countyB.id},A-001,13800001111,是`,
    `"欧阳,娜娜",${idNumber(12, '19810921')},${countyB.id},A-002,,否`,
    `𠇔明,${idNumber(13, '19920101')},${countyB.id},,,`
  ].join('\r\n') + '\r\n'
  const gbk = iconv.encode(csv, 'gb18030')
  t.not(gbk.toString('utf8'), csv, 'the bytes are not UTF-8')
  const res = await app.inject({ method: 'POST', url: '/v1/imports/officers', headers: { ...admin, 'content-type': 'text/csv' }, payload: gbk })
  t.equal(res.statusCode, 200, res.body.slice(0, 400))
  t.match(res.json(), { status: 'committed', rows: 3, created: 3 })
  const stored = await queryRows(app, 'select name, employee_no as "employeeNo", legal_reviewer as "legalReviewer", phone from officers order by id')
  t.same(stored, [
    { name: '张三丰', employeeNo: 'A-001', legalReviewer: 1, phone: '13800001111' },
    { name: '欧阳,娜娜', employeeNo: 'A-002', legalReviewer: 0, phone: null },
    { name: '𠇔明', employeeNo: null, legalReviewer: 0, phone: null }
  ])

  const named = await app.inject({
    method: 'POST',
    url: '/v1/imports/officers?dryRun=true',
    headers: { ...admin, 'content-type': 'text/csv; charset=GBK' },
    payload: iconv.encode(`name,idNumber,agencyId\n李四,${idNumber(14, '19700101')},${countyB.id}\n`, 'gbk')
  })
  t.match(named.json(), { status: 'validated', created: 1, committedRows: 0 }, 'a charset parameter is honoured')
  const utf8 = await app.inject({
    method: 'POST',
    url: '/v1/imports/officers?dryRun=true',
    headers: { ...admin, 'content-type': 'text/csv' },
    payload: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`姓名,身份证号,执法主体编号\n王五,${idNumber(15, '19700101')},${countyB.id}\n`)])
  })
  t.match(utf8.json(), { status: 'validated', created: 1 }, 'UTF-8 with a BOM too')
  t.equal(await queryValue(app, 'select count(*) from officers'), 3, 'a dry run writes nothing')

  const unknown = await app.inject({ method: 'POST', url: '/v1/imports/officers', headers: { ...admin, 'content-type': 'text/csv' }, payload: '姓名,身份证号,血型\n' })
  t.match(assertProblem(t, unknown, 400, 'VALIDATION_FAILED').detail, /血型/)
})

t.test('updates, departures and refusals, row by row, in NDJSON', async (t) => {
  const { app, admin, as, countyB, countyC, certified, officer } = await registry(t)
  const { officer: held, certificate } = await certified(countyB.id)
  const elsewhere = await officer(countyC.id)
  const fresh = idNumber(21, '19850606')
  const lines = [
    { name: '张三', idNumber: held.idNumber, agencyId: countyB.id, phone: '13900002222' },
    { name: '新人', idNumber: fresh, agencyId: countyB.id, departureReason: 'resignation', departureDate: '2026-02-01' },
    { name: '张三', idNumber: elsewhere.idNumber, agencyId: countyB.id },
    { name: '重复', idNumber: fresh, agencyId: countyB.id },
    { name: '缺日期', idNumber: idNumber(22, '19850606'), agencyId: countyB.id, departureReason: 'retirement' }
  ]
  const ndjson = lines.map((l) => JSON.stringify(l)).join('\n') + '\n\n{not json\n'
  const hr = await as('hr', countyB.id) as Headers
  const res = await app.inject({ method: 'POST', url: '/v1/imports/officers?partial=true', headers: { ...hr, 'content-type': 'application/x-ndjson' }, payload: ndjson })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const results = res.json().results as Array<{ row: number, outcome: string, errors?: Array<{ code: string }> }>
  t.same(results.map((r) => `${r.row} ${r.outcome} ${(r.errors ?? []).map((e) => e.code).join('+')}`), [
    '1 updated ', '2 created ', '3 error ID_NUMBER_TAKEN', '4 error VALIDATION_FAILED', '5 error VALIDATION_FAILED', '6 error VALIDATION_FAILED'
  ], 'the officer of another county is not theirs to import')
  t.equal(await queryValue(app, 'select phone from officers where id = $1', held.id), '13900002222')
  t.equal(await queryValue(app, "select status from officers where name = '新人'"), 'departed', 'a departure row departs the new officer')

  const ahead = await app.inject({
    method: 'POST',
    url: '/v1/imports/officers',
    headers: admin,
    payload: [{ name: '张三', idNumber: held.idNumber, agencyId: countyB.id, departureReason: 'retirement', departureDate: '2999-03-01' }]
  })
  t.match(assertProblem(t, ahead, 422, 'IMPORT_REJECTED').result.results[0].errors, [{ code: 'DATE_IN_FUTURE', pointer: '/departureDate' }], 'a departure still to come is not recorded ahead')
  // One recorded ahead before such dates were refused: the same file imported again is unchanged, not refused.
  const earlier = await officer(countyB.id)
  await execute(app, "update officers set status = 'departed', departed_on = '2999-03-01', departure_reason = 'retirement' where id = $1", earlier.id)
  const again = await app.inject({ method: 'POST', url: '/v1/imports/officers', headers: admin, payload: [{ name: (earlier as unknown as { name: string }).name, idNumber: earlier.idNumber, agencyId: countyB.id, departureReason: 'retirement', departureDate: '2999-03-01' }] })
  t.match(again.json(), { status: 'committed', unchanged: 1, failed: 0 }, again.body.slice(0, 300))
  const leaving = await app.inject({
    method: 'POST',
    url: '/v1/imports/officers',
    headers: admin,
    payload: [{ name: '张三', idNumber: held.idNumber, agencyId: countyB.id, departureReason: 'retirement', departureDate: '2026-03-01' }]
  })
  t.match(leaving.json(), { status: 'committed', updated: 1 })
  const cert = await app.inject({ method: 'GET', url: `/v1/certificates/${certificate.id}`, headers: admin })
  t.equal(cert.json().status, 'cancelled', 'as with the departure endpoint, the certificate is cancelled')
  t.equal(await queryValue(app, "select count(*) from card_recalls where status = 'open'"), 1, 'and its recall opened')

  const moved = await app.inject({ method: 'POST', url: '/v1/imports/officers', headers: admin, payload: [{ name: '张三', idNumber: elsewhere.idNumber, agencyId: countyB.id }] })
  t.match(assertProblem(t, moved, 422, 'IMPORT_REJECTED').result.results[0].errors[0], { code: 'OFFICER_NOT_AT_AGENCY', pointer: '/agencyId' }, 'a move is a transfer, not an import')

  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/imports/officers', headers: admin, payload: { name: 'x' } }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/officers', headers: { ...admin, 'content-type': 'text/csv' }, payload: 'a,b\n' }), 415, 'UNSUPPORTED_MEDIA_TYPE')
})

t.test('a retried import with its Idempotency-Key is answered from the first run', async (t) => {
  const { app, admin, countyB } = await registry(t)
  const payload = rows(50, countyB.id, '19660606')
  const headers = { ...admin, 'idempotency-key': 'nightly-2026-03-02' }
  const first = await app.inject({ method: 'POST', url: '/v1/imports/officers', headers, payload })
  t.match(first.json(), { created: 50 })
  const retry = await app.inject({ method: 'POST', url: '/v1/imports/officers', headers, payload })
  t.equal(retry.headers['idempotent-replayed'], 'true')
  t.equal(retry.body, first.body, 'the first result, not a run that finds every row unchanged')
  t.equal(await queryValue(app, "select count(*) from audit_events where entity = 'officer'"), 50)
})

t.test('attendances import: matched on the ID number, never counted twice, through the training module', async (t) => {
  const { app, admin, as, countyB, countyC, officer, year } = await registry(t)
  const b1 = await officer(countyB.id)
  const b2 = await officer(countyB.id)
  const gone = await officer(countyB.id)
  await app.inject({ method: 'POST', url: `/v1/officers/${gone.id}/departure`, headers: admin, payload: { reason: 'retirement', date: `${year}-01-02` } })
  const c1 = await officer(countyC.id)
  const trainingId = await newTraining(app, admin, heldOn1March(year, countyB.id, '行政复议法', 4))
  const csv = [
    '培训编号,身份证号,人员编号',
    `${trainingId},${b1.idNumber},`,
    `${trainingId},,${b2.id}`,
    `${trainingId},${b1.idNumber},`,
    `${trainingId},${c1.idNumber},`,
    `${trainingId},${gone.idNumber},`,
    `999999,${b2.idNumber},`
  ].join('\n')
  const hr = await as('hr', countyB.id) as Headers
  const send = (query: string) => app.inject({ method: 'POST', url: `/v1/imports/attendances${query}`, headers: { ...hr, 'content-type': 'text/csv' }, payload: iconv.encode(csv, 'gbk') })
  const records = () => queryValue(app, 'select count(*) from training_records')

  const rejected = assertProblem(t, await send(''), 422, 'IMPORT_REJECTED')
  t.equal(await records(), 0, 'all or nothing: nothing recorded')
  t.same(rejected.result.results.map((r: { row: number, outcome: string, errors?: Array<{ code: string }> }) => `${r.row} ${r.outcome} ${(r.errors ?? []).map((e) => e.code).join('+')}`), [
    '1 created ', '2 created ', '3 unchanged ', '4 error NOT_FOUND', '5 error OFFICER_DEPARTED', '6 error NOT_FOUND'
  ])

  const partial = await send('?partial=true')
  t.match(partial.json(), { status: 'committed', created: 2, unchanged: 1, failed: 3, committedRows: 3 })
  t.equal(await records(), 2, 'two attendances, the repeat not counted again')
  const summary = await app.inject({ method: 'GET', url: `/v1/officers/${b1.id}/training-summary?year=${year}`, headers: admin })
  t.equal(summary.json().publicLawHours, 4, 'the hours count in the officer\'s year')
  t.same(await feedSubjects(app, admin, 'training.recorded'), [`officers/${b1.id}`, `officers/${b2.id}`], 'each in the change feed')

  const again = await send('?partial=true')
  t.match(again.json(), { created: 0, unchanged: 3, failed: 3 }, 'importing it again changes nothing')
  t.equal(await records(), 2)
})

t.test('50,000 rows in one ?partial=true request are committed in chunks while other requests are answered; row 50,001 is refused', sqliteOnly('the chunks are SQLite\'s turns of one writer; on PostgreSQL 50,000 rows, a few round trips each, take minutes (its import throughput is measured by the bench)'), async (t) => {
  const { app, admin, countyB } = await registry(t)
  const lines: string[] = []
  for (let i = 0; i <= 50_000; i++) {
    lines.push(JSON.stringify({ name: `批量${i}`, idNumber: distinctIdNumber(i), agencyId: countyB.id }))
  }
  const before = await queryValue<number>(app, 'select count(*) from officers')
  let importDone = false
  const running = app.inject({ method: 'POST', url: '/v1/imports/officers?partial=true', headers: { ...admin, 'content-type': 'application/x-ndjson' }, payload: lines.join('\n') })
    .then((res) => { importDone = true; return res })
  // Wait for the first committed chunk, then ask for something else.
  const started = async () => importDone || await queryValue(app, 'select count(*) from officers') !== before
  while (!await started()) await new Promise((resolve) => setImmediate(resolve))
  const other = await app.inject({ method: 'GET', url: `/v1/agencies/${countyB.id}`, headers: admin })
  const committedMeanwhile = await queryValue<number>(app, 'select count(*) from officers') - before
  t.equal(other.statusCode, 200)
  t.notOk(importDone, 'another request was answered while the import was still running')
  t.ok(committedMeanwhile > 0 && committedMeanwhile < 50_000, `answered between two committed chunks (${committedMeanwhile} rows in by then)`)
  const res = await running
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const body = res.json() as { rows: number, created: number, failed: number, results: Array<{ row: number, outcome: string, errors?: Array<{ detail: string }> }> }
  t.match(body, { rows: 50_001, created: 50_000, failed: 1 })
  t.match(body.results[50_000], { row: 50_001, outcome: 'error', errors: [{ detail: /50000-row limit/ }] })
  t.equal(await queryValue(app, 'select count(*) from officers'), before + 50_000)
})

t.test('all or nothing: an officer who leaves between the check and the commit rolls the whole file back (IMPORT_CONFLICT naming the row); re-sending completes the rest', sqliteOnly('a trigger in SQLite\'s dialect makes the officer leave meanwhile'), async (t) => {
  const { app, admin, countyB, year } = await registry(t)
  const ids = await registerOfficers(app, countyB.id, 2500)
  const trainingId = await newTraining(app, admin, heldOn1March(year, countyB.id, '行政处罚法'))
  const body = ids.map((officerId) => JSON.stringify({ trainingId, officerId })).join('\n')
  const send = (query = '') => app.inject({ method: 'POST', url: `/v1/imports/attendances${query}`, headers: { ...admin, 'content-type': 'application/x-ndjson' }, payload: body })
  const last = ids[ids.length - 1] as number
  const auditBefore = await queryValue<number>(app, 'select count(*) from audit_events')
  // Every row passes the check (a pass that only reads); the first record applying writes
  // makes the last officer leave in February, before the training: that row cannot be applied.
  sqliteStoreOf(app).sqlite.exec(`create trigger leaves_meanwhile after insert on training_records when new.officer_id = ${ids[0] as number}
    begin update officers set status = 'departed', departure_reason = 'retirement', departed_on = '${year}-02-01' where id = ${last}; end`)
  const problem = assertProblem(t, await send(), 409, 'IMPORT_CONFLICT')
  sqliteStoreOf(app).sqlite.exec('drop trigger leaves_meanwhile')
  t.match(problem.detail, /row 2500/, 'the detail names the row')
  t.match(problem.result, { status: 'rejected', rows: 2500, committedRows: 0, failed: 1 })
  t.match(problem.result.results.at(-1), { row: 2500, outcome: 'error', errors: [{ code: 'OFFICER_DEPARTED' }] })
  t.equal(await queryValue(app, `select count(*) from training_records where training_id = ${trainingId}`), 0, 'nothing of the file is kept')
  t.equal(await queryValue(app, 'select count(*) from training_totals where public_law_units = 180'), 0, 'no totals moved')
  t.equal(await queryValue(app, 'select count(*) from audit_events'), auditBefore, 'no audit event either')
  t.equal((await feedSubjects(app, admin, 'training.recorded')).length, 0, 'and the change feed tells of nothing')
  t.equal(await queryValue(app, `select status from officers where id = ${last}`), 'active', 'what the trigger did was rolled back with it')

  const again = await send()
  t.match(again.json(), { status: 'committed', created: 2500, failed: 0 }, 're-sent: all of it recorded')
  t.equal(await queryValue(app, `select count(*) from training_records where training_id = ${trainingId}`), 2500)
  t.equal((await app.services.audit.verify()).ok, true, 'the audit chain holds')
})

t.test('all or nothing: once a row is refused while applying, no later row of its batch is tried (its writes would meet the refused row\'s half-done ones)', sqliteOnly('a JavaScript function and triggers registered on the SQLite connection'), async (t) => {
  const { app, admin, countyC: countyA, countyB } = await registry(t)
  const officers = await queryValue<number>(app, 'select count(*) from officers')
  // Counts the officer rows written: a function of the connection, so the count survives the
  // rollback that undoes the rows themselves.
  let inserted = 0
  sqliteStoreOf(app).sqlite.function('counted_insert', () => { inserted++; return null })
  sqliteStoreOf(app).sqlite.exec(`create trigger count_officers after insert on officers begin select counted_insert(); end;
    create trigger merged_meanwhile after insert on officers when new.agency_id = ${countyA.id}
    begin update agencies set status = 'merged' where id = ${countyB.id}; end`)
  t.teardown(() => { sqliteStoreOf(app).sqlite.exec('drop trigger if exists count_officers; drop trigger if exists merged_meanwhile') })
  // Five rows of one batch (100): the first joins county A, which merges county B away before
  // row 2, for county B, is applied; rows 3 to 5 join county A again.
  const payload = [countyA.id, countyB.id, countyA.id, countyA.id, countyA.id]
    .map((agencyId, i) => ({ name: `批内${i}`, idNumber: idNumber(700 + i), agencyId }))
  const problem = assertProblem(t, await app.inject({ method: 'POST', url: '/v1/imports/officers', headers: admin, payload }), 409, 'IMPORT_CONFLICT')
  t.match(problem.result.results[1], { row: 2, outcome: 'error', errors: [{ code: 'AGENCY_NOT_ACTIVE' }] }, 'row 2 named, for its agency')
  t.equal(inserted, 1, 'only row 1 was written before the refusal; rows 3 to 5 were not tried')
  t.equal(await queryValue(app, 'select count(*) from officers'), officers, 'and nothing is kept')
  t.equal(await queryValue(app, `select status from agencies where id = ${countyB.id}`), 'active', 'what the trigger did was rolled back too')
})

t.test('attendances dry run: rows by officerId and by ID number in one batch are each judged on their own training', async (t) => {
  const { app, admin, countyB, officer, year } = await registry(t)
  const a = await officer(countyB.id)
  const first = await newTraining(app, admin, heldOn1March(year, countyB.id, '行政许可法'))
  const second = await newTraining(app, admin, heldOn1March(year, countyB.id, '行政强制法'))
  t.equal((await app.inject({ method: 'POST', url: `/v1/trainings/${second}/attendances`, headers: admin, payload: { officerIds: [a.id] } })).statusCode, 200)
  const body = [
    JSON.stringify({ trainingId: first, officerId: a.id }),
    JSON.stringify({ trainingId: second, idNumber: a.idNumber })
  ].join('\n')
  const res = await app.inject({ method: 'POST', url: '/v1/imports/attendances?dryRun=true', headers: { ...admin, 'content-type': 'application/x-ndjson' }, payload: body })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  t.same(res.json().results.map((r: { row: number, outcome: string }) => `${r.row} ${r.outcome}`), ['1 created', '2 unchanged'], 'the second training was attended already')
  const byId = [first, second].map((trainingId) => JSON.stringify({ trainingId, officerId: a.id })).join('\n')
  const both = await app.inject({ method: 'POST', url: '/v1/imports/attendances?dryRun=true', headers: { ...admin, 'content-type': 'application/x-ndjson' }, payload: byId })
  t.same(both.json().results.map((r: { row: number, outcome: string }) => `${r.row} ${r.outcome}`), ['1 created', '2 unchanged'], 'both by officerId: each on its own training')
})

t.test('a dry run or a rejected import shows no id for an officer it would create (none was kept); one already registered keeps its id', async (t) => {
  const { app, admin, countyB, officer } = await registry(t)
  const known = await officer(countyB.id)
  const payload = [{ name: '新人', idNumber: idNumber(501), agencyId: countyB.id }, { name: '张三', idNumber: known.idNumber, agencyId: countyB.id, employeeNo: 'B-77' }]
  const dry = await app.inject({ method: 'POST', url: '/v1/imports/officers?dryRun=true', headers: admin, payload })
  t.equal(dry.statusCode, 200, dry.body)
  t.same(dry.json().results, [{ row: 1, outcome: 'created' }, { row: 2, outcome: 'updated', officerId: known.id }])
  const rejected = assertProblem(t, await app.inject({ method: 'POST', url: '/v1/imports/officers', headers: admin, payload: [...payload, { name: '坏', idNumber: 'x', agencyId: countyB.id }] }), 422, 'IMPORT_REJECTED')
  t.same(rejected.result.results.slice(0, 2), [{ row: 1, outcome: 'created' }, { row: 2, outcome: 'updated', officerId: known.id }])
  const done = await app.inject({ method: 'POST', url: '/v1/imports/officers', headers: admin, payload })
  t.type(done.json().results[0].officerId, 'number', 'committed: the id is real')
})

t.test('a merged agency takes no one new from an import, but its people can still be recorded as departed (rule 2)', async (t) => {
  const { app, admin, countyB, countyC, certified } = await registry(t)
  const { officer, certificate } = await certified(countyB.id)
  t.equal((await app.inject({ method: 'POST', url: `/v1/agencies/${countyB.id}/merger`, headers: admin, payload: { date: '2026-06-30', successorId: countyC.id } })).statusCode, 200)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/imports/officers?partial=true',
    headers: admin,
    payload: [
      { name: '张三', idNumber: officer.idNumber, agencyId: countyB.id, departureReason: 'retirement', departureDate: '2026-11-30' },
      { name: '新人', idNumber: idNumber(502), agencyId: countyB.id }
    ]
  })
  t.equal(res.statusCode, 200, res.body)
  t.match(res.json().results, [{ row: 1, outcome: 'updated', officerId: officer.id }, { row: 2, outcome: 'error', errors: [{ code: 'AGENCY_NOT_ACTIVE', pointer: '/agencyId' }] }])
  t.equal((await app.inject({ method: 'GET', url: `/v1/certificates/${certificate.id}`, headers: admin })).json().status, 'cancelled', 'the departure cancelled the card')
})

t.test('a row that takes on again at another agency someone who left, with the departure already recorded, is refused at the check (the new post starts today), not while applying', async (t) => {
  const { app, admin, countyB, countyC, today, officer } = await registry(t)
  const o = await officer(countyB.id)
  const yesterday = addDays(today, -1)
  t.equal((await app.inject({ method: 'POST', url: `/v1/officers/${o.id}/departure`, headers: admin, payload: { reason: 'resignation', date: yesterday } })).statusCode, 200)
  const row = JSON.stringify({ name: '张三', idNumber: o.idNumber, agencyId: countyC.id, departureReason: 'resignation', departureDate: yesterday })
  const send = (query = '') => app.inject({ method: 'POST', url: `/v1/imports/officers${query}`, headers: { ...admin, 'content-type': 'application/x-ndjson' }, payload: row })
  const dry = await send('?dryRun=true')
  t.match(dry.json().results[0], { outcome: 'error', errors: [{ code: 'DATE_BEFORE_LAST_MOVE', pointer: '/departureDate' }] }, 'the dry run says so')
  const problem = assertProblem(t, await send(), 422, 'IMPORT_REJECTED')
  t.match(problem.result.results[0], { outcome: 'error', errors: [{ code: 'DATE_BEFORE_LAST_MOVE', pointer: '/departureDate' }] }, 'all or nothing: rejected naming the field, not a conflict to send again')
  t.match((await app.inject({ method: 'GET', url: `/v1/officers/${o.id}`, headers: admin })).json(), { agencyId: countyB.id, status: 'departed' }, 'nothing changed')
})

/** A multipart/form-data body with the parts given, as a browser's file picker sends it. */
function form (parts: Array<{ name: string, filename?: string, type?: string, content: Buffer | string }>) {
  const boundary = '----RegistryUpload7MA4YWxk'
  const chunks = parts.flatMap((p) => [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`),
    Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content),
    Buffer.from('\r\n')
  ])
  return { payload: Buffer.concat([...chunks, Buffer.from(`--${boundary}--\r\n`)]), type: `multipart/form-data; boundary=${boundary}` }
}

t.test('a file picked on the docs page imports: multipart/form-data with a file part, CSV in GBK or UTF-8, NDJSON or JSON told from the file', async (t) => {
  const { app, admin, countyB } = await registry(t)
  const upload = (parts: Parameters<typeof form>[0], query = '') => {
    const f = form(parts)
    return app.inject({ method: 'POST', url: `/v1/imports/officers${query}`, headers: { ...admin, 'content-type': f.type }, payload: f.payload })
  }
  const [a, b, c, d] = rows(4, countyB.id, '19820304')
  const csv = `姓名,身份证号,执法主体编号,工号\n${a?.name},${a?.idNumber},${countyB.id},${a?.employeeNo}\n`
  const cases = [
    { label: 'CSV saved by Excel (GBK)', file: { filename: '人员.csv', type: 'text/csv', content: iconv.encode(csv, 'gbk') } },
    { label: 'CSV in UTF-8 with a BOM, sent as octet-stream', file: { filename: 'officers.csv', type: 'application/octet-stream', content: `\uFEFF${csv.replace(a?.idNumber as string, b?.idNumber as string).replace(a?.name as string, '欧阳丙')}` } },
    { label: 'NDJSON', file: { filename: 'officers.ndjson', content: `${JSON.stringify(c)}\n` } },
    { label: 'a JSON array', file: { filename: 'officers.json', type: 'application/json', content: ` ${JSON.stringify([d])}` } }
  ]
  const before = await queryValue<number>(app, 'select count(*) from officers')
  for (const [i, c] of cases.entries()) {
    const res = await upload([{ name: 'file', ...c.file }])
    t.equal(res.statusCode, 200, `${c.label}: ${res.body.slice(0, 300)}`)
    t.match(res.json(), { status: 'committed', rows: 1, created: 1 }, c.label)
    t.equal(await queryValue(app, 'select count(*) from officers'), before + i + 1, `${c.label}: one officer more`)
  }
  t.equal(await queryValue(app, `select count(*) from officers where name = '${a?.name}'`), 1, 'the GBK name read as written')
  t.equal(await queryValue(app, "select count(*) from officers where name = '欧阳丙'"), 1, 'and the UTF-8 one')

  assertProblem(t, await upload([]), 400, 'VALIDATION_FAILED')
  const empty = assertProblem(t, await upload([{ name: 'file', filename: 'empty.csv', content: '' }]), 400, 'VALIDATION_FAILED')
  t.match(empty.errors, [{ pointer: '/file', detail: /请选择要导入的文件/ }], 'no file: says to choose one')
  const other = assertProblem(t, await upload([{ name: 'file', filename: 'x.csv', content: csv }, { name: 'note', content: 'x' }]), 400, 'VALIDATION_FAILED')
  t.match(other.errors, [{ pointer: '/note' }], 'a field beside the file is refused (strict input)')
  const dry = await upload([{ name: 'file', filename: 'x.csv', content: csv.replace(a?.idNumber as string, idNumber(900, '19820304')) }], '?dryRun=true')
  t.match(dry.json(), { status: 'validated', created: 1, committedRows: 0 }, 'the query parameters work as with any body')
  t.equal(await queryValue(app, 'select count(*) from officers'), before + 4, 'nothing more written')
})
