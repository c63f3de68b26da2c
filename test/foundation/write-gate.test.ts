// The write gate (db/write-gate) and writeInTurns (db/open): one transaction that takes turns
// with the event loop, seen by nobody until it commits, while requests that write wait.
// engine: sqlite-only in part — writeInTurns' synchronous steps on the SQLite connection, a second better-sqlite3 reader
import t from 'tap'
import { join } from 'node:path'
import { once } from 'node:events'
import { connect } from 'node:net'
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises'
import Database from 'better-sqlite3'
import { openSqliteStore, TURN_MS } from '../../src/db/sqlite/store.js'
import { createWriteGate } from '../../src/db/write-gate.js'
import { buildTestApp } from '../helper.js'
import { sqliteOnly } from '../db.js'

const settle = async (turns = 5) => { for (let i = 0; i < turns; i++) await nextTurn() }

t.test('the gate: passes go in together; a bulk write waits for them, then holds new ones until it ends', async (t) => {
  const gate = createWriteGate()
  const log: string[] = []
  const a = await gate.enter()
  const b = await gate.enter()
  t.same(gate.state(), { passes: 2, bulk: 0 }, 'two passes at once')
  const bulk = gate.exclusive(async () => {
    log.push('bulk in')
    await settle()
    log.push('bulk out')
    return 'done'
  })
  const late = gate.enter().then((release) => { log.push('late in'); return release })
  await settle()
  t.same(log, [], 'the bulk write waits for the passes held; a pass asked after it waits too')
  a()
  a() // given back twice: counted once
  await settle()
  t.same(log, [], 'still one pass held')
  b()
  t.equal(await bulk, 'done')
  const release = await late
  t.same(log, ['bulk in', 'bulk out', 'late in'], 'the late pass goes in once the bulk write ended')
  release()
  t.same(gate.state(), { passes: 0, bulk: 0 })
})

t.test('the gate opens again when a bulk write throws, and bulk writes go one at a time, in order', async (t) => {
  const gate = createWriteGate()
  const order: number[] = []
  const first = gate.exclusive(async () => { order.push(1); await settle(); throw new Error('boom') })
  const second = gate.exclusive(async () => { order.push(2) })
  await t.rejects(first, /boom/)
  await second
  t.same(order, [1, 2])
  const pass = await gate.enter()
  t.same(gate.state(), { passes: 1, bulk: 0 }, 'a pass is given after the failed one')
  pass()
})

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
  t.equal(store.gate.state().bulk, 0, 'and the gate is open again')
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

t.test('a request whose client goes away while it waits at the gate never keeps a pass: the next bulk write and every write after it go on', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  let open!: () => void
  const held = app.store.gate.exclusive(() => new Promise<void>((resolve) => { open = resolve }))
  await settle()
  // Each sends its whole request, then goes away while it waits behind the bulk write: one
  // without a token to a route that does not exist, one with a token to a route that writes.
  for (const [path, headers] of [['/no/such/route', ''], ['/v1/agencies', `authorization: ${admin.authorization}\r\n`]] as const) {
    const socket = connect(port, '127.0.0.1')
    await once(socket, 'connect')
    const body = JSON.stringify({ name: '离开的客户端' })
    socket.write(`POST ${path} HTTP/1.1\r\nhost: x\r\n${headers}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
    await sleep(50)
    socket.destroy()
  }
  await sleep(50)
  open()
  await held
  const bulk = await Promise.race([app.store.writeInTurns(async (_db, turn) => { await turn(); return 'went on' }).then((r) => r.value), sleep(3000).then(() => 'still waiting')])
  t.equal(bulk, 'went on', 'the next bulk write went on')
  t.same(app.store.gate.state(), { passes: 0, bulk: 0 }, 'no pass is left held')
  const after = await app.inject({ method: 'POST', url: '/v1/agencies', headers: admin, payload: {} })
  t.equal(after.statusCode, 400, 'a write after it is answered')
})
