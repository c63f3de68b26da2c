// writeInTurns (db/sqlite/store): one transaction that takes turns with the event loop, seen by
// nobody until it commits, while the writes of requests wait their turn and are then answered.
// engine: sqlite-only in part — writeInTurns' synchronous steps on the SQLite connection, a second better-sqlite3 reader
import t from 'tap'
import { join } from 'node:path'
import { once } from 'node:events'
import { connect } from 'node:net'
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises'
import Database from 'better-sqlite3'
import { openSqliteStore, TURN_MS } from '../../src/db/sqlite/store.js'
import { buildTestApp } from '../helper.js'
import { uscc } from '../fixtures.js'
import { sqliteOnly } from '../db.js'

const settle = async (turns = 5) => { for (let i = 0; i < turns; i++) await nextTurn() }

t.test('writeInTurns on a file: others read the database as it was until the commit, between turns; a step that throws leaves nothing', sqliteOnly('writeInTurns\' synchronous steps on the SQLite connection, a second better-sqlite3 reader'), async (t) => {
  const file = join(t.testdir(), 'turns.db')
  const store = openSqliteStore(file)
  t.teardown(() => store.close())
  store.sqlite.exec('create table items (n integer)')
  const reader = new Database(file, { readonly: true })
  t.teardown(() => reader.close())
  const seen: number[] = []
  const count = () => store.read(async (db) => db.$store.sqlite.prepare('select count(*) from items').pluck().get() as number)
  let turns = 0
  const state = { done: false }
  const polling = (async () => {
    while (!state.done) {
      seen.push(await count(), reader.prepare('select count(*) from items').pluck().get() as number)
      turns++
      await nextTurn()
    }
  })()
  // Work that lasts several turns' worth (TURN_MS each) however fast the machine.
  let written = 0
  const { value, heldMs } = await store.writeInTurns(async (tx, turn) => {
    const insert = tx.$store.sqlite.prepare('insert into items values (?)')
    const began = performance.now()
    while (written < 20_000 || performance.now() - began < 6 * TURN_MS) {
      insert.run(written++)
      if (written % 100 === 0) await turn()
    }
    return 'written'
  })
  state.done = true
  await polling
  t.equal(value, 'written')
  t.ok(heldMs > 0, `the lock was held ${heldMs.toFixed(1)} ms`)
  t.ok(turns > 1, `other work ran meanwhile (${turns} turns)`)
  t.same([...new Set(seen)], [0], 'neither the store\'s reads nor another process saw a part of it')
  t.equal(await count(), written, 'all of it, once committed')

  await t.rejects(store.writeInTurns(async (tx, turn) => {
    tx.$store.sqlite.prepare('insert into items values (?)').run(-1)
    await turn()
    throw new Error('refused')
  }), /refused/)
  t.equal(await count(), written, 'a step that throws rolls back what was written before it')
  t.equal(await store.write(async () => 'next'), 'next', 'and the writer is free again')
})

t.test('writeInTurns in memory: the steps run in one go, in one transaction', sqliteOnly('writeInTurns\' steps on the SQLite connection'), async (t) => {
  const store = openSqliteStore(':memory:')
  t.teardown(() => store.close())
  store.sqlite.exec('create table items (n integer)')
  await t.rejects(store.writeInTurns(async (tx, turn) => {
    tx.$store.sqlite.prepare('insert into items values (1)').run()
    await turn()
    throw new Error('refused')
  }), /refused/)
  t.equal(store.sqlite.prepare('select count(*) from items').pluck().get(), 0, 'rolled back')
  const { value } = await store.writeInTurns(async (tx, turn) => {
    tx.$store.sqlite.prepare('insert into items values (1)').run()
    await turn()
    return tx.$store.sqlite.prepare('select count(*) from items').pluck().get()
  })
  t.equal(value, 1)
})

t.test('a request that writes while a bulk write holds the writer waits its turn and is answered; one whose client went away meanwhile holds nothing up', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  let open!: () => void
  const held = app.store.writeInTurns(async () => { await new Promise<void>((resolve) => { open = resolve }) })
  await settle()
  // Two clients send their whole request and go away while they wait behind the bulk write:
  // one without a token to a route that does not exist, one with a token to a route that writes.
  for (const [path, headers] of [['/no/such/route', ''], ['/v1/agencies', `authorization: ${admin.authorization}\r\n`]] as const) {
    const socket = connect(port, '127.0.0.1')
    await once(socket, 'connect')
    const body = JSON.stringify({ name: '离开的客户端' })
    socket.write(`POST ${path} HTTP/1.1\r\nhost: x\r\n${headers}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
    await sleep(50)
    socket.destroy()
  }
  let bulkEnded = false
  const agency = (n: number) => ({ name: `等待的执法主体${n}`, uscc: uscc(70 + n), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  const waiting = app.inject({ method: 'POST', url: '/v1/agencies', headers: admin, payload: agency(1) }).then((res) => ({ res, afterBulk: bulkEnded }))
  await sleep(50)
  bulkEnded = true
  open()
  await held
  const { res, afterBulk } = await waiting
  t.ok(afterBulk, 'a write waits while the bulk write holds the writer: answered only after it ended')
  t.equal(res.statusCode, 201, 'then it is answered, its write done')
  const bulk = await Promise.race([app.store.writeInTurns(async (_db, turn) => { await turn(); return 'went on' }).then((r) => r.value), sleep(3000).then(() => 'still waiting')])
  t.equal(bulk, 'went on', 'the next bulk write goes on')
  const after = await app.inject({ method: 'POST', url: '/v1/agencies', headers: admin, payload: agency(2) })
  t.equal(after.statusCode, 201, 'and a write after it is answered')
})
