// machine date: not read — the processes it starts are checked for what their logs hold and how they exit, not for a day
import t from 'tap'
import { spawn } from 'node:child_process'
import { scrubUrl, serializers } from '../../src/logging.js'
import { buildTestApp } from '../helper.js'
import { createAgency, idNumber, post } from '../fixtures.js'

/** An ID number of the fixture kind whose check character is X (the case a sloppy regex misses). */
function idNumberEndingInX (): string {
  for (let seq = 1; seq < 1000; seq++) {
    const n = idNumber(seq, '19790302')
    if (n.endsWith('X')) return n
  }
  throw new Error('no X check character found')
}

t.test('no ID number, phone, password, secret or token reaches the log, even at trace level', async (t) => {
  const { app, as, logs } = await buildTestApp(t, { LOG_LEVEL: 'trace' })
  const ids = [idNumber(21, '19880512'), idNumber(22, '19910807'), idNumberEndingInX()]
  // A crash whose message quotes input: the error is logged, the ID number in it is not.
  app.post('/crash', { config: { access: 'public' } }, async (req) => {
    throw new Error(`could not process ${(req.body as { idNumber: string }).idNumber}`)
  })
  const admin = await as('admin')
  const phones = ['13812345678', '15900001111', '0351-2345678']
  const passwords = ['Test-Password-1234', 'Clerk-Secret-Pass-42', 'Wrong-Password-99']
  const secrets: string[] = []
  const status = async <R extends { statusCode: number, body: string }>(what: string, res: R, expected: number): Promise<R> => {
    t.equal(res.statusCode, expected, `${what}: ${res.body.slice(0, 200)}`)
    return res
  }

  // A clerk account, logging in the way Swagger UI does (a form).
  const agency = await createAgency(app, admin)
  await status('user created', await post(app, admin, '/v1/users', { username: 'clerk.zhang', password: passwords[1], role: 'clerk', agencyId: agency.id }), 201)
  const login = await app.inject({
    method: 'POST',
    url: '/v1/auth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `grant_type=password&username=clerk.zhang&password=${encodeURIComponent(passwords[1] as string)}`
  })
  await status('clerk login', login, 200)
  const clerk = { authorization: `Bearer ${login.json().access_token as string}` }

  // Officers with ID numbers (one sent with a lowercase x) and phones.
  const officerIds: number[] = []
  for (const [i, id] of ids.entries()) {
    const res = await post(app, clerk, '/v1/officers', { name: `测试${i}`, idNumber: i === 2 ? id.toLowerCase() : id, agencyId: agency.id, phone: phones[i] })
    await status(`officer ${i}`, res, 201)
    officerIds.push(res.json().id as number)
  }
  await status('list', await app.inject({ method: 'GET', url: '/v1/officers?name=%E6%B5%8B%E8%AF%95', headers: clerk }), 200)
  const one = await status('read one', await app.inject({ method: 'GET', url: `/v1/officers/${officerIds[0] ?? 0}`, headers: clerk }), 200)
  await status('correct a phone', await app.inject({
    method: 'PATCH', url: `/v1/officers/${officerIds[0] ?? 0}`, headers: { ...clerk, 'if-match': one.headers.etag as string }, payload: { phone: '13700009999' }
  }), 200)
  phones.push('13700009999')

  // Lookup by ID number, found and not found; a duplicate; bad ID numbers.
  await status('lookup', await post(app, clerk, '/v1/officers/lookup', { idNumber: ids[1] }), 200)
  const stranger = idNumber(23, '19700101')
  ids.push(stranger)
  await status('lookup unknown', await post(app, clerk, '/v1/officers/lookup', { idNumber: stranger }), 404)
  await status('duplicate', await post(app, clerk, '/v1/officers', { name: '重复', idNumber: ids[0], agencyId: agency.id }), 409)
  const wrongCheck = (ids[1] as string).slice(0, 17) + ((ids[1] as string).endsWith('0') ? '1' : '0')
  ids.push(wrongCheck)
  await status('bad check digit', await post(app, clerk, '/v1/officers', { name: '错号', idNumber: wrongCheck, agencyId: agency.id, phone: '13600001234' }), 422)
  phones.push('13600001234')
  await status('bad shape', await post(app, clerk, '/v1/officers', { name: '错号', idNumber: `${stranger}0`, agencyId: agency.id, phone: 12345 }), 400)
  await status('broken JSON', await app.inject({
    method: 'POST', url: '/v1/officers', headers: { ...clerk, 'content-type': 'application/json' }, payload: `{"name":"坏","idNumber":"${stranger}","phone":"13500005555",`
  }), 400)
  phones.push('13500005555')

  // Personal data where it does not belong: in a URL. It must not reach the log either.
  await status('ID number in a query', await app.inject({ method: 'GET', url: `/v1/officers?idNumber=${ids[0] as string}&phone=${phones[0] as string}`, headers: clerk }), 400)
  await status('ID number typed into the public check', await app.inject({ method: 'GET', url: `/v1/verify/${(ids[2] as string).toLowerCase()}` }), 400)

  // Logins that fail, and an HR client: created, then logging in with JSON and with HTTP Basic.
  await status('wrong password', await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', username: 'clerk.zhang', password: passwords[2] } }), 400)
  await status('wrong password (form)', await app.inject({
    method: 'POST', url: '/v1/auth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `grant_type=password&username=nobody&password=${passwords[2] as string}`
  }), 400)
  const client = await status('client created', await post(app, admin, '/v1/clients', { name: '人事系统', role: 'hr', agencyId: agency.id }), 201)
  const { clientId, clientSecret } = client.json() as { clientId: string, clientSecret: string }
  secrets.push(clientSecret)
  const byJson = await status('client login', await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret } }), 200)
  const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`
  secrets.push(basic)
  await status('client login (Basic)', await app.inject({ method: 'POST', url: '/v1/auth/token', headers: { authorization: basic }, payload: { grant_type: 'client_credentials' } }), 200)
  // An account named by a phone number, locked after failed sign-ins: the warning names it masked.
  phones.push('13912345678')
  for (let i = 0; i < 6; i++) await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', username: '13912345678', password: passwords[2] } })
  await status('locked account', await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', username: '13912345678', password: passwords[2] } }), 429)
  await status('malformed Basic credentials', await app.inject({ method: 'POST', url: '/v1/auth/token', headers: { authorization: `Basic ${Buffer.from('%E0%A4%A:secret').toString('base64')}` }, payload: { grant_type: 'client_credentials' } }), 400)
  await status('client login, wrong secret', await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientSecret}x` } }), 400)
  const hr = { authorization: `Bearer ${byJson.json().access_token as string}` }
  await status('hr lookup', await post(app, hr, '/v1/officers/lookup', { idNumber: ids[2] }), 200)
  // A caller's request id is echoed and logged on every line; one that is an ID number is replaced.
  const kept = await app.inject({ method: 'POST', url: '/v1/officers/lookup', headers: { ...hr, 'x-request-id': 'hr-batch-7' }, payload: { idNumber: ids[1] } })
  t.equal(kept.headers['x-request-id'], 'hr-batch-7', 'a plain request id is kept')
  const replaced = await app.inject({ method: 'POST', url: '/v1/officers/lookup', headers: { ...hr, 'x-request-id': ids[1] }, payload: { idNumber: ids[1] } })
  t.equal(replaced.statusCode, 200)
  t.not(replaced.headers['x-request-id'], ids[1], 'an ID number as request id is replaced')
  await status('a forged token', await app.inject({ method: 'GET', url: '/v1/officers', headers: { authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.e30.c2ln' } }), 401)
  secrets.push('eyJhbGciOiJFZERTQSJ9.e30.c2ln')

  await status('a crash', await app.inject({ method: 'POST', url: '/crash', payload: { idNumber: ids[0] } }), 500)

  const tokens = [admin, clerk, hr].map((h) => h.authorization)
  const lines = logs.join('').split('\n').filter((l) => l.trim() !== '')
  t.ok(lines.length >= 40, `log lines were captured (${lines.length})`)
  t.ok(lines.some((l) => l.includes('"url":"/v1/verify/')), 'the public check is logged (masked), not skipped')
  t.ok(lines.some((l) => l.includes('"url":"/v1/officers?')), 'the bad query is logged (masked), not skipped')
  t.ok(lines.some((l) => l.includes('could not process 140802') && l.includes('"stack"')), 'the crash is logged, masked')
  t.ok(lines.some((l) => l.includes('account locked') && l.includes('139****5678')), 'the lockout is logged, masked')

  const leaks: string[] = []
  const forbidden = [
    ...ids, ...ids.map((id) => id.toLowerCase()), ...phones, ...passwords, ...secrets,
    ...tokens, ...tokens.map((h) => h.slice('Bearer '.length)),
    encodeURIComponent(passwords[1] as string)
  ]
  for (const line of lines) {
    if (/\d{17}[\dXx]/.test(line)) leaks.push(`ID-number shape: ${line}`)
    for (const s of forbidden) if (line.includes(s)) leaks.push(`${s.slice(0, 12)}…: ${line}`)
  }
  t.same(leaks, [], 'no line carries personal data or a credential')
})

t.test('a failed query\'s error is logged without the values it was given, and every text in it scrubbed', async (t) => {
  // As drizzle wraps a database error: the query, its values (a name, a phone, a sealed number),
  // the driver's error as the cause, whose detail may quote a value.
  const cause = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505', detail: 'Key (phone)=(13812345678) already exists.' })
  const err = Object.assign(new Error('Failed query: insert into officers (name, phone) values ($1, $2)\nparams: 张三,13812345678', { cause }),
    { query: 'insert into officers (name, phone) values ($1, $2)', params: ['张三', '13812345678', idNumber(1)] })
  const logged = JSON.stringify(serializers.err(err))
  t.notMatch(logged, /13812345678/, 'no phone, in the message, the params or the cause')
  t.notMatch(logged, new RegExp(idNumber(1)), 'no ID number')
  t.notMatch(logged, /"params"/, 'the values are left out')
  t.notMatch(logged, /张三/, 'nor the name the query was given')
  t.match(logged, /insert into officers/, 'the query itself is kept')
  t.match(logged, /duplicate key value/, 'and what the database said')
})

t.test('scrubUrl: what a logged URL keeps and what it loses', async (t) => {
  const id = idNumber(31)
  const cases: Array<[string, string]> = [
    ['/v1/certificates?status=active&limit=10', '/v1/certificates?status=active&limit=10'],
    ['/v1/verify/1408022026000017', '/v1/verify/1408022026000017'],
    [`/v1/verify/${id}`, `/v1/verify/${id.slice(0, 6)}********${id.slice(14)}`],
    [`/v1/officers?idNumber=${id}&limit=5`, '/v1/officers?idNumber=[redacted]&limit=5'],
    ['/v1/officers?phone=0351-2345678', '/v1/officers?phone=[redacted]'],
    ['/v1/officers?name=x&mobile=13812345678', '/v1/officers?name=x&mobile=[redacted]'],
    ['/v1/officers?q=13812345678', '/v1/officers?q=138****5678'],
    ['/v1/officers?q=%2B8613912345678', '/v1/officers?q=%2B861******5678'],
    ['/v1/officers?q=8613912345678', '/v1/officers?q=861******5678'],
    ['/v1/auth/token?client_secret=abc&password=def', '/v1/auth/token?client_secret=[redacted]&password=[redacted]'],
    // Percent-encoded: decoded (as often as encoded), masked, encoded again; the rest kept as sent.
    [`/verify/${percentEncoded(id)}`, `/verify/${id.slice(0, 6)}********${id.slice(14)}`],
    [`/verify/${percentEncoded(id).toLowerCase()}`, `/verify/${id.slice(0, 6)}********${id.slice(14)}`],
    [`/verify/${id.slice(0, 3)}${percentEncoded(id.slice(3, 9))}${id.slice(9)}`, `/verify/${id.slice(0, 6)}********${id.slice(14)}`],
    [`/v1/officers?q=${percentEncoded(percentEncoded(id))}&name=%E6%B5%8B`, `/v1/officers?q=${id.slice(0, 6)}********${id.slice(14)}&name=%E6%B5%8B`],
    [`/v1/officers/${percentEncoded(id.slice(0, 4)).replace(/%/g, '%25')}${id.slice(4)}`, `/v1/officers/${id.slice(0, 6)}********${id.slice(14)}`],
    [`/v1/officers?q=%E6%B5%8B${percentEncoded(id)}`, `/v1/officers?q=%E6%B5%8B${id.slice(0, 6)}********${id.slice(14)}`],
    ['/v1/officers?q=%31%33%38%31%32%33%34%35%36%37%38', '/v1/officers?q=138****5678'],
    ['/v1/officers?q=%2b86%3139%31%32345678', '/v1/officers?q=%2B861******5678'],
    ['/v1/officers?id%4Eumber=abc&%2570hone=13', '/v1/officers?id%4Eumber=[redacted]&%2570hone=[redacted]'],
    ['/v1/officers?name=%E6%B5%8B%E8%AF%95&q=%31%32', '/v1/officers?name=%E6%B5%8B%E8%AF%95&q=%31%32']
  ]
  for (const [url, logged] of cases) t.equal(scrubUrl(url), logged, url)
})

/** Every character as %XX (uppercase hex). */
function percentEncoded (s: string): string {
  return [...Buffer.from(s)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')
}

/** The text percent-decoded until nothing is left to decode. */
function fullyDecoded (s: string): string {
  for (let before = ''; before !== s;) {
    before = s
    s = s.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  }
  return s
}

t.test('an ID number or mobile number percent-encoded in a URL (path or query, mixed, lowercase, double-encoded) is masked in the log', async (t) => {
  const { app, as, logs } = await buildTestApp(t)
  const admin = await as('admin')
  const id = idNumberEndingInX()
  const mobile = '13912345678'
  const urls = [
    `/verify/${percentEncoded(id)}`,
    `/verify/${percentEncoded(id).toLowerCase()}`,
    `/v1/verify/${id.slice(0, 5)}${percentEncoded(id.slice(5, 12)).toLowerCase()}${id.slice(12, 17)}%78`,
    `/v1/verify/${percentEncoded(percentEncoded(id))}`,
    `/v1/officers/${percentEncoded(id)}`,
    `/v1/officers?name=${percentEncoded(percentEncoded(id))}`,
    `/v1/officers?name=%E6%B5%8B${percentEncoded(id.slice(0, 9)).replace(/%/g, '%25')}${id.slice(9)}&limit=5`,
    `/v1/officers?name=${percentEncoded(mobile)}`,
    `/v1/officers?name=%2b86${percentEncoded(mobile).toLowerCase()}`
  ]
  const lines = (): string[] => logs.join('').split('\n').filter((l) => l.trim() !== '')
  const before = lines().length
  for (const url of urls) {
    const res = await app.inject({ method: 'GET', url, headers: admin })
    t.ok(res.statusCode >= 200 && res.statusCode < 500, `${url}: answered ${res.statusCode}`)
  }
  const logged = lines().slice(before)
  const urlsLogged = logged.flatMap((l) => { const u = JSON.parse(l).req?.url as string | undefined; return u === undefined ? [] : [u] })
  t.equal(urlsLogged.length, urls.length, 'each request line is logged')
  const masked = `${id.slice(0, 6)}********${id.slice(14)}`
  for (const u of urlsLogged.slice(0, 7)) t.ok(fullyDecoded(u).includes(masked), `logged masked: ${u}`)
  for (const u of urlsLogged.slice(7)) t.match(fullyDecoded(u), /(?:139|861)\*{4,6}5678/, `logged masked: ${u}`)
  const leaks = logged.filter((l) => /\d{17}[\dXx]|(?<!\d)1[3-9]\d{9}(?!\d)/.test(fullyDecoded(l)))
  t.same(leaks, [], 'no line holds the ID number or the mobile number in any encoding')
})

/** Runs log-reader-gone.ts in `mode`, its standard output read by nobody; its exit code, or null
 *  when it had to be killed after `killAfterMs`. */
async function exitOfChild (mode: 'gone' | 'gone-at-exit' | 'stalled', killAfterMs: number): Promise<{ code: number | null, ms: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/foundation/log-reader-gone.ts', mode], { stdio: ['pipe', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code) }))
  await new Promise<void>((resolve) => child.stderr.once('data', () => { resolve() }))
  if (mode !== 'stalled') child.stdout.destroy()
  else child.stdout.pause()
  const started = Date.now()
  child.stdin.write('go\n')
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
  const code = await exited
  clearTimeout(timer)
  child.stdout.destroy()
  return { code, ms: Date.now() - started }
}

t.test('a server whose log reader has gone still exits: lines queued at exit are dropped, not retried for ever', async (t) => {
  const { code } = await exitOfChild('gone-at-exit', 10_000)
  t.equal(code, 0, 'exited by itself with its own code (killed after 10 s otherwise)')
})

t.test('a failed write while running (EPIPE) drops the log instead of crashing the server', async (t) => {
  const { code } = await exitOfChild('gone', 10_000)
  t.equal(code, 0, 'exited by itself with its own code (1 if the failed write crashed it)')
})

t.test('a server whose log reader stopped reading still exits, after a bounded wait', async (t) => {
  const { code, ms } = await exitOfChild('stalled', 20_000)
  t.equal(code, 0, 'exited by itself (killed after 20 s otherwise)')
  t.ok(ms < 15_000, `within the exit flush's 5 s of retries (${ms} ms)`)
})
