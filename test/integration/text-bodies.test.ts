// Text fields take text, by example: what is stored is trimmed; what is not text is refused
// naming the field; a body whose bytes are not text, a CSV with a column twice or quoting its
// parser cannot read, is refused as a whole, naming the line, the row or the column.
import t from 'tap'
import iconv from 'iconv-lite'
import { assertProblem } from '../helper.js'
import { idNumber, uscc } from '../fixtures.js'
import { registry } from '../core/setup.js'
import { queryValue } from '../db.js'

t.test('free text is stored trimmed: a name sent as "  张三  " is 张三', async (t) => {
  const { app, admin, countyB, certified } = await registry(t)
  const created = await app.inject({
    method: 'POST',
    url: '/v1/officers',
    headers: admin,
    payload: { name: '  张三  ', idNumber: idNumber(401, '19850101'), agencyId: countyB.id, employeeNo: '\u3000E-1\u3000' }
  })
  t.equal(created.statusCode, 201, created.body)
  t.match(created.json(), { name: '张三', employeeNo: 'E-1' }, 'answered trimmed')
  const id = created.json().id as number
  t.equal(await queryValue(app, 'select name from officers where id = $1', id), '张三', 'stored trimmed')
  t.equal(await queryValue(app, 'select employee_no from officers where id = $1', id), 'E-1', 'the ideographic space too')

  const renamed = await app.inject({ method: 'PATCH', url: `/v1/officers/${id}`, headers: { ...admin, 'if-match': `"${created.json().version as number}"` }, payload: { name: '\t李四 ' } })
  t.equal(renamed.json().name, '李四', 'a change is trimmed as a creation is')

  const agency = await app.inject({
    method: 'POST',
    url: '/v1/agencies',
    headers: admin,
    payload: { name: ' 示例市城市管理局 ', uscc: uscc(901), kind: 'organ', level: 'county', parentId: countyB.id, regionCode: '140802', domains: [' 城市管理 ', '市场监管'] }
  })
  t.equal(agency.statusCode, 201, agency.body)
  t.match(agency.json(), { name: '示例市城市管理局', domains: ['城市管理', '市场监管'] }, 'list items are trimmed too')
  const twice = await app.inject({
    method: 'POST',
    url: '/v1/agencies',
    headers: admin,
    payload: { name: '示例市交通局', uscc: uscc(902), kind: 'organ', level: 'county', parentId: countyB.id, regionCode: '140802', domains: [' 交通 ', '交通'] }
  })
  t.match(assertProblem(t, twice, 400, 'VALIDATION_FAILED').errors, [{ pointer: '/domains' }], 'items the same once trimmed are the same item')

  // A reason may run over several lines: its line breaks stay (CR LF as LF), its ends are trimmed.
  const { certificate } = await certified(countyB.id)
  const suspended = await app.inject({ method: 'POST', url: `/v1/certificates/${certificate.id}/suspension`, headers: admin, payload: { reason: '  第一行\r\n第二行\t备注\n' } })
  t.equal(suspended.statusCode, 200, suspended.body)
  t.equal(suspended.json().statusReason, '第一行\n第二行\t备注')

  const user = await app.inject({ method: 'POST', url: '/v1/users', headers: admin, payload: { username: ' clerk-trim ', password: '  Spaces-Kept-1234  ', role: 'clerk', agencyId: countyB.id } })
  t.equal(user.json().username, 'clerk-trim')
  const login = (password: string) => app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', username: 'clerk-trim', password } })
  t.equal((await login('  Spaces-Kept-1234  ')).statusCode, 200, 'a password is taken exactly as sent')
  assertProblem(t, await login('Spaces-Kept-1234'), 400, 'INVALID_GRANT') // never trimmed

  // An import row is trimmed as the same field sent alone is: a GBK CSV from Excel, a JSON array.
  const csv = iconv.encode(`姓名,身份证号,执法主体编号\r\n\u3000王五\u3000,${idNumber(402, '19850101')},${countyB.id}\r\n`, 'gb18030')
  const fromCsv = await app.inject({ method: 'POST', url: '/v1/imports/officers', headers: { ...admin, 'content-type': 'text/csv' }, payload: csv })
  t.match(fromCsv.json(), { status: 'committed', created: 1 }, fromCsv.body.slice(0, 300))
  const fromJson = await app.inject({ method: 'POST', url: '/v1/imports/officers', headers: admin, payload: [{ name: ' 赵六 ', idNumber: idNumber(403, '19850101'), agencyId: countyB.id }] })
  t.match(fromJson.json(), { status: 'committed', created: 1 }, fromJson.body.slice(0, 300))
  t.equal(await queryValue(app, "select count(*) from officers where name in ('王五', '赵六')"), 2, 'stored trimmed')
  t.equal(await queryValue(app, "select count(*) from officers where name like '% %' or name like '%\u3000%'"), 0, 'no name keeps a space at an end')
})

t.test('the names of the issue are refused, naming the field, and nothing is stored', async (t) => {
  const { app, admin, countyB } = await registry(t)
  const officers = await queryValue(app, 'select count(*) from officers')
  const audits = await queryValue(app, 'select count(*) from audit_events')
  const cases: Array<[string, RegExp]> = [
    ['\u0000', /control characters \/ 不得含有控制字符 \(U\+0000, character 1\)/],
    ['\u200B', /zero-width.*\(U\+200B, character 1\)/],
    ['\u202Egnp.exe', /bidirectional control characters \/ 不得含有文字方向控制字符 \(U\+202E, character 1\)/],
    ['张\uD800', /lone surrogate.*\(U\+D800, character 2\)/],
    ['张\uFFFD三', /U\+FFFD/],
    ['   ', /must not be empty or only spaces \/ 不能为空或仅含空白/],
    ['', /must not be empty or only spaces/],
    ['张\n三', /control characters.*U\+000A/]
  ]
  for (const [name, detail] of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/officers', headers: admin, payload: { name, idNumber: idNumber(411, '19850101'), agencyId: countyB.id } })
    const body = assertProblem(t, res, 400, 'VALIDATION_FAILED')
    t.same(body.errors.map((e: { in: string, pointer: string }) => `${e.in} ${e.pointer}`), ['body /name'], JSON.stringify(name))
    t.match(body.errors[0].detail, detail)
  }
  t.equal(await queryValue(app, 'select count(*) from officers'), officers, 'no officer stored')
  t.equal(await queryValue(app, 'select count(*) from audit_events'), audits, 'no audit event')
})

t.test('a JSON body whose bytes are not UTF-8 is 400 naming the field, not stored as U+FFFD', async (t) => {
  const { app, admin, countyB } = await registry(t)
  const officers = await queryValue(app, 'select count(*) from officers')
  const payload = Buffer.concat([Buffer.from('{"name":"张'), Buffer.from([0xe4, 0xb8]), Buffer.from(`","idNumber":"${idNumber(421, '19850101')}","agencyId":${countyB.id}}`)])
  const res = await app.inject({ method: 'POST', url: '/v1/officers', headers: { ...admin, 'content-type': 'application/json' }, payload })
  t.same(assertProblem(t, res, 400, 'VALIDATION_FAILED').errors, [{ in: 'body', pointer: '/name', detail: 'not valid UTF-8 / 不是有效的 UTF-8 编码' }])
  const rows = Buffer.concat([Buffer.from(`[{"name":"a","idNumber":"${idNumber(422, '19850101')}","agencyId":${countyB.id}},{"name":"b`), Buffer.from([0xff]), Buffer.from('"}]')])
  const bulk = await app.inject({ method: 'POST', url: '/v1/imports/officers', headers: { ...admin, 'content-type': 'application/json' }, payload: rows })
  t.match(assertProblem(t, bulk, 400, 'VALIDATION_FAILED').errors, [{ pointer: '/1/name' }], 'in an import, the row and the field')
  const broken = Buffer.concat([Buffer.from('{"name":'), Buffer.from([0xff])])
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/officers', headers: { ...admin, 'content-type': 'application/json' }, payload: broken }), 400, 'BAD_REQUEST')
  t.equal(await queryValue(app, 'select count(*) from officers'), officers, 'nothing stored')
})

t.test('an import body that cannot be read is 400 naming the line, the row or the column; nothing stored', async (t) => {
  const { app, admin, countyB } = await registry(t)
  const officers = await queryValue(app, 'select count(*) from officers')
  const audits = await queryValue(app, 'select count(*) from audit_events')
  const row = (n: number) => `张${n},${idNumber(430 + n, '19850101')},${countyB.id}`
  const header = 'name,idNumber,agencyId'
  const send = (url: string, contentType: string, payload: string | Buffer) => app.inject({ method: 'POST', url, headers: { ...admin, 'content-type': contentType }, payload })
  const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))

  // Declared UTF-8, or not declared and neither UTF-8 nor GBK: the line with the bad bytes.
  const declared = await send('/v1/imports/officers', 'text/csv; charset=utf-8', bytes(`${header}\n${row(1)}\n张`, [0xff], `,${idNumber(432, '19850101')},${countyB.id}\n`))
  t.match(assertProblem(t, declared, 400, 'VALIDATION_FAILED').errors, [{ pointer: '/line/3', detail: /^line 3 is not UTF-8 text.* \/ 第 3 行/ }])
  const neither = await send('/v1/imports/officers', 'text/csv', bytes(`${header}\r\n${row(1)}\r\n${row(2)}\r\n张`, [0xc3, 0x28], `,${idNumber(433, '19850101')},${countyB.id}\r\n`))
  t.match(assertProblem(t, neither, 400, 'VALIDATION_FAILED').errors, [{ pointer: '/line/4', detail: /^line 4 is not UTF-8 or GBK text/ }])
  const gbk = await send('/v1/imports/officers', 'text/csv; charset=gbk', bytes(`${header}\r\nZhang`, [0xff], `,${idNumber(434, '19850101')},${countyB.id}\r\n`))
  t.match(assertProblem(t, gbk, 400, 'VALIDATION_FAILED').errors, [{ pointer: '/line/2', detail: /^line 2 is not gbk text/ }], 'a declared GBK too')
  // NDJSON: the row, counted as the results count them (blank lines are no rows), and its line.
  const ndjson = await send('/v1/imports/officers', 'application/x-ndjson', bytes('{"name":"a"}\n\n{"name":"', [0xed, 0xa0, 0x80], '"}\n'))
  t.match(assertProblem(t, ndjson, 400, 'VALIDATION_FAILED').errors, [{ pointer: '/line/3', detail: /^row 2 \(line 3\) is not UTF-8 text/ }])

  // A column twice, by its name or by its name and its Chinese heading: which one would count?
  const twice = await send('/v1/imports/officers', 'text/csv', `姓名,idNumber,agencyId,name\n张三,${idNumber(435, '19850101')},${countyB.id},李四\n`)
  t.match(assertProblem(t, twice, 400, 'VALIDATION_FAILED').errors, [{ pointer: '/header', detail: /name \(姓名, name\).* \/ 表头中有重复的列/ }])
  const attendances = await send('/v1/imports/attendances', 'text/csv', 'trainingId,培训编号,idNumber\n1,1,x\n')
  t.match(assertProblem(t, attendances, 400, 'VALIDATION_FAILED').errors, [{ pointer: '/header', detail: /trainingId \(trainingId, 培训编号\)/ }])

  // Quoting the parser cannot read (once a 500: INVALID_OPENING_QUOTE is a parser error whose
  // code does not start CSV_), a JSON document sent as CSV, an unterminated quote.
  const unreadable = (h: string, r: string) => ['"a"b,c\n1,2\n', 'a"b,c\n1,2\n', `${h}\n${r}\nx"y,1\n`, `${h}\n"${r}\n`,
    JSON.stringify([Object.fromEntries(h.split(',').map((k, i) => [k, r.split(',')[i]]))])]
  const cases = [
    ...unreadable(header, row(1)).map((body) => ['/v1/imports/officers', body]),
    ...unreadable('trainingId,idNumber', `1,${idNumber(437, '19850101')}`).map((body) => ['/v1/imports/attendances', body])
  ]
  for (const [url, body] of cases as Array<[string, string]>) {
    t.match(assertProblem(t, await send(url, 'text/csv', body), 400, 'VALIDATION_FAILED').detail, /^CSV cannot be read: .* \/ 无法读取 CSV/, `${url}: ${body.slice(0, 30)}`)
  }
  t.equal(await queryValue(app, 'select count(*) from officers'), officers, 'no officer stored')
  t.equal(await queryValue(app, 'select count(*) from audit_events'), audits, 'no audit event')
})
