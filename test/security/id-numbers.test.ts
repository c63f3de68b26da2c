// ID numbers at rest: sealed with AES-256-GCM, found through a keyed blind index, never in the
// database file in clear (nor in the audit trail), and rows written in clear before are
// converted at start.
// engine: sqlite-only in part — three tests search the bytes of the SQLite files in the data folder
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig, testConfig, type Config } from '../../src/config.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { maskIdNumber } from '../../src/domain/identity.js'
import { systemActor } from '../../src/modules/audit/repository.js'
import { prepareIdNumbers } from '../../src/db/sqlite/id-numbers.js'
import { ID_KEY_FILE_NAME, createIdNumberCodec, loadIdNumberKey } from '../../src/security/id-numbers.js'
import { assertProblem } from '../helper.js'
import { createAgency, idNumber, post } from '../fixtures.js'
import { queryValue, queryRows, queryColumn, execute, sqliteOnly } from '../db.js'

const KEY = randomBytes(32)

t.test('the codec: sealed values open to the number, differ every time, and refuse a wrong key or an edit', async (t) => {
  const codec = createIdNumberCodec(KEY)
  const id = idNumber(1, '19800101')
  const a = codec.seal(id)
  const b = codec.seal(id)
  t.not(a, b, 'a fresh IV every time')
  t.ok(codec.isSealed(a))
  t.notOk(a.includes(id.slice(6, 14)), 'not even the birth date shows')
  t.equal(codec.open(a), id)
  t.equal(codec.open(codec.seal(id.toLowerCase())), id.toUpperCase(), 'normalised')
  t.equal(codec.blindIndex(id), codec.blindIndex(` ${id.toLowerCase()} `), 'the blind index is of the normalised number')
  t.not(codec.blindIndex(id), codec.blindIndex(idNumber(2, '19800101')))
  t.not(codec.blindIndex(id), createIdNumberCodec(randomBytes(32)).blindIndex(id), 'keyed')
  t.equal(codec.open(id), id, 'a value still in clear reads as it is (until start-up seals it)')
  t.throws(() => createIdNumberCodec(randomBytes(32)).open(a), /sealed with key .* configured key is/, 'a wrong key is named as such')
  const parts = a.split('.')
  const body = Buffer.from(parts[3] as string, 'base64url')
  body[0] = (body[0] as number) ^ 1
  t.throws(() => codec.open([...parts.slice(0, 3), body.toString('base64url')].join('.')), /failed authentication/, 'an edit is detected')
  t.throws(() => createIdNumberCodec(randomBytes(16)), RangeError)
})

t.test('stored bytes that may carry a number are sealed the same way, bound to their place', async (t) => {
  const codec = createIdNumberCodec(KEY)
  const answer = Buffer.from(JSON.stringify({ idNumber: idNumber(3, '19800101') }))
  const sealed = codec.sealBytes(answer, 'idempotency_keys.body')
  t.notOk(sealed.includes(answer.subarray(12, 30)), 'nothing of the number shows')
  t.same(codec.openBytes(sealed, 'idempotency_keys.body'), answer)
  t.same(codec.openBytes(answer, 'idempotency_keys.body'), answer, 'bytes stored before sealing read as they are')
  t.throws(() => codec.openBytes(sealed, 'another.column'), /failed authentication/, 'bound to their place')
  t.throws(() => createIdNumberCodec(randomBytes(32)).openBytes(sealed, 'idempotency_keys.body'), /configured key/)
})

t.test('the key: ID_ENCRYPTION_KEY, else a file made once beside the database, else (in memory) a fresh one', async (t) => {
  const dir = t.testdir()
  const path = join(dir, 'r.db')
  const first = loadIdNumberKey({ DATABASE_PATH: path })
  t.same(loadIdNumberKey({ DATABASE_PATH: path }), first, 'the same key on the next start')
  t.equal(statSync(join(dir, ID_KEY_FILE_NAME)).mode & 0o777, 0o600, 'readable by the service only')
  t.notSame(loadIdNumberKey({ DATABASE_PATH: ':memory:' }), loadIdNumberKey({ DATABASE_PATH: ':memory:' }), 'no key kept by the process for databases in memory')
  t.equal(loadIdNumberKey({ DATABASE_PATH: ':memory:' }).length, 32)
  t.same(loadIdNumberKey({ DATABASE_PATH: path, ID_ENCRYPTION_KEY: KEY.toString('base64') }), KEY)
  const bad = loadConfig({ ID_ENCRYPTION_KEY: randomBytes(16).toString('base64') })
  t.equal(bad.ok, false)
  t.match(bad.ok ? [] : bad.errors, [/ID_ENCRYPTION_KEY/], 'a key of the wrong size stops the start')
  t.ok(loadConfig({ ID_ENCRYPTION_KEY: KEY.toString('base64') }).ok)
})

interface Running { app: FastifyInstance, admin: { authorization: string } }

async function start (config: Config): Promise<Running> {
  const app = await buildApp(config)
  await app.services.accounts.createUser(systemActor('test'), { username: 'root', password: 'Root-Password-1234', role: 'admin' }).catch(() => undefined)
  const res = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', username: 'root', password: 'Root-Password-1234' } })
  return { app, admin: { authorization: `Bearer ${res.json().access_token as string}` } }
}

/** Every file in the folder (database, WAL, shared memory) as raw bytes, searched for each text. */
function foundOnDisk (dir: string, texts: string[]): string[] {
  const files = readdirSync(dir).filter((f) => f !== ID_KEY_FILE_NAME).map((f) => readFileSync(join(dir, f)))
  return texts.filter((s) => files.some((bytes) => bytes.includes(Buffer.from(s, 'utf8')) || bytes.includes(Buffer.from(s, 'utf16le'))))
}

/** Where a text sits in the database: "table.column" for every hit, to say what leaked it. */
function whereInDatabase (file: string, text: string): string[] {
  const store = openSqliteStore(file, { readonly: true })
  try {
    const tables = store.sqlite.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>
    return tables.flatMap(({ name }) => {
      const cols = store.sqlite.prepare(`select name from pragma_table_info('${name}')`).all() as Array<{ name: string }>
      return cols.filter((c) => (store.sqlite.prepare(`select count(*) as n from "${name}" where instr(cast("${c.name}" as text), ?) > 0`).get(text) as { n: number }).n > 0)
        .map((c) => `${name}.${c.name}`)
    })
  } finally {
    store.close()
  }
}

t.test('no ID number is in the database files in clear, whatever the API did with it', sqliteOnly('searches the bytes of the SQLite files'), async (t) => {
  const dir = t.testdir()
  const file = join(dir, 'registry.db')
  const config = testConfig({ DATABASE_PATH: file })
  const { app, admin } = await start(config)
  const agency = await createAgency(app, admin)
  const numbers = [idNumber(11, '19750203'), idNumber(12, '19820910'), idNumber(13, '19910101')]
  const [first, second, corrected] = numbers as [string, string, string]
  const a = await post(app, admin, '/v1/officers', { name: '张三', idNumber: first, agencyId: agency.id })
  t.equal(a.statusCode, 201, a.body)
  t.equal(a.json().idNumber, first, 'an admin reads it whole')
  const b = await post(app, admin, '/v1/officers', { name: '李四', idNumber: second, agencyId: agency.id })
  t.equal(b.statusCode, 201)
  const patched = await app.inject({ method: 'PATCH', url: `/v1/officers/${b.json().id as number}`, headers: { ...admin, 'if-match': '"1"' }, payload: { idNumber: corrected } })
  t.equal(patched.statusCode, 200, patched.body)
  t.equal(patched.json().idNumber, corrected)
  assertProblem(t, await post(app, admin, '/v1/officers', { name: '张三', idNumber: first.toLowerCase(), agencyId: agency.id }), 409, 'ID_NUMBER_TAKEN')
  t.equal((await post(app, admin, '/v1/officers/lookup', { idNumber: first })).json().id, a.json().id, 'exact lookup through the blind index')
  t.equal((await post(app, admin, '/v1/officers/lookup', { idNumber: corrected })).json().id, b.json().id, 'the corrected number is found')
  assertProblem(t, await post(app, admin, '/v1/officers/lookup', { idNumber: second }), 404, 'NOT_FOUND')
  t.equal((await post(app, admin, '/v1/officers', { name: '王五', idNumber: second, agencyId: agency.id })).statusCode, 201, 'the old number is free again')
  const audit = await app.inject({ method: 'GET', url: '/v1/audit-events?entity=officer', headers: admin })
  if (audit.statusCode === 200) {
    t.notOk(numbers.some((n) => audit.body.includes(n)), 'the audit trail holds them masked')
    t.ok(audit.body.includes(maskIdNumber(corrected)), 'and still shows the change')
  }
  await app.close()

  for (const n of foundOnDisk(dir, numbers)) t.fail(`${n} found in clear on disk, in ${whereInDatabase(file, n).join(', ') || 'free space'}`)
  t.same(foundOnDisk(dir, numbers), [], 'none of the numbers, in any file of the data folder')
  t.ok(foundOnDisk(dir, ['张三']).length === 1, 'the search itself works: names are stored in clear')
})

t.test('rows written in clear before are sealed at start, once; a wrong key refuses to start', sqliteOnly('searches the bytes of the SQLite files'), async (t) => {
  const dir = t.testdir()
  const file = join(dir, 'registry.db')
  const legacy = [idNumber(21, '19700707'), idNumber(22, '19881111')]
  const old = openSqliteStore(file)
  await execute(old, "insert into agencies (name, uscc, kind, level, path, region_code, domains) values ('旧主体', 'X', 'organ', 'county', '/1/', '140802', '[]')")
  for (const [i, n] of legacy.entries()) {
    await execute(old, 'insert into officers (name, id_number, agency_id) values ($1, $2, 1)', `旧人员${i}`, n)
  }
  old.close()
  t.same(foundOnDisk(dir, legacy), legacy, 'the old database holds them in clear')

  const key = randomBytes(32).toString('base64')
  const config = testConfig({ DATABASE_PATH: file, ID_ENCRYPTION_KEY: key })
  const { app, admin } = await start(config)
  const found = await post(app, admin, '/v1/officers/lookup', { idNumber: legacy[0] })
  t.equal(found.statusCode, 200, found.body)
  t.equal(found.json().idNumber, legacy[0], 'read back whole')
  const sealed = await queryColumn<string>(app, 'select id_number from officers order by id')
  t.ok(sealed.every((s) => s.startsWith('v1.')), 'every row sealed')
  await app.close()
  t.same(foundOnDisk(dir, legacy), [], 'no longer in clear anywhere in the files')

  const again = openSqliteStore(config)
  t.equal(await prepareIdNumbers(again), 0, 'the next start has nothing to convert')
  t.same(await queryColumn(again, 'select id_number from officers order by id'), sealed, 'and changes nothing')
  // What the quick look of a start must not miss: a blind-index row gone, a row written in clear.
  const digests = () => queryRows(again, 'select officer_id, digest from officer_id_index order by officer_id')
  const before = await digests()
  await execute(again, 'delete from officer_id_index where officer_id = (select min(id) from officers)')
  t.equal(await prepareIdNumbers(again), 1, 'a missing blind-index row is filled')
  t.same(await digests(), before, 'as it was')
  const late = idNumber(23, '19900101')
  await execute(again, "insert into officers (name, id_number, agency_id) values ('后来者', $1, 1)", late)
  t.equal(await prepareIdNumbers(again), 1, 'a row written in clear since is sealed')
  t.match(await queryValue(again, "select id_number from officers where name = '后来者'"), /^v1\./)
  again.close()
  t.same(foundOnDisk(dir, [late]), [], 'and is nowhere in clear')

  await t.rejects(buildApp(testConfig({ DATABASE_PATH: file, ID_ENCRYPTION_KEY: randomBytes(32).toString('base64') })),
    /sealed with key .* configured key is/, 'another key: the start stops, naming the problem')
  const held = readdirSync('/proc/self/fd').filter((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir) } catch { return false } })
  t.same(held, [], 'and leaves no file of the database open')
})

// An officer's answer carries the whole ID number (admin, clerk): src/plugins/idempotency.ts
// keeps it for replays sealed with sealStoredBytes (src/db/id-number-store.ts).
t.test('an answer kept for an Idempotency-Key replay does not hold the number in clear', sqliteOnly('searches the bytes of the SQLite files'), async (t) => {
  const dir = t.testdir()
  const file = join(dir, 'registry.db')
  const { app, admin } = await start(testConfig({ DATABASE_PATH: file }))
  const agency = await createAgency(app, admin)
  const number = idNumber(31, '19790505')
  const headers = { ...admin, 'idempotency-key': 'create-officer-1' }
  const first = await app.inject({ method: 'POST', url: '/v1/officers', headers, payload: { name: '赵六', idNumber: number, agencyId: agency.id } })
  t.equal(first.statusCode, 201, first.body)
  const replay = await app.inject({ method: 'POST', url: '/v1/officers', headers, payload: { name: '赵六', idNumber: number, agencyId: agency.id } })
  t.equal(replay.body, first.body, 'the replay is the first answer')
  await app.close()
  t.same(foundOnDisk(dir, [number]).map((n) => whereInDatabase(file, n)), [], 'not on disk in clear')
})
