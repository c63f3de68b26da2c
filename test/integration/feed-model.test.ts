// The change feed against a model: batches of every awkward size (1, a window's width and one
// either side, 10,000: the most one call records) among single events, walked in five scopes
// with several page sizes and from random cursors (often inside a batch), compared with the
// events worked out in JavaScript from the stored rows, each batch expanded and each officer's
// agency checked against the tree.
import t from 'tap'
import { registry } from '../core/setup.js'
import { createAgency, distinctIdNumber, post, ADMIN_ACTOR } from '../fixtures.js'
import { ENGINE, queryValue, queryRows } from '../db.js'

// The largest batch one call records is 10,000; on PostgreSQL, whose registrations take a few
// round trips each, the pool for it would take minutes, so the largest there is 2,049 (past two
// windows' width, and not a multiple of one), as on SQLite among the others: what is particular
// to PostgreSQL here is its SQL, which the smaller batches walk as well; the 10,000 is SQLite's.
// (On PostgreSQL, then, the list of sizes holds 2,049 once.)
const LARGEST = ENGINE === 'pg' ? null : 10000
const POOL = 5200 + (LARGEST ?? 0)

let rnd = 12345
const rand = (n: number) => { rnd = (rnd * 1103515245 + 12345) % 2147483648; return (rnd >>> 12) % n }

t.test('every scope, page size and cursor reads exactly the events a model of the stored rows gives, in order', async (t) => {
  const { app, admin, city, countyB, countyC, year } = await registry(t)
  const town = await createAgency(app, admin, { parentId: countyB.id })
  const agencies = [city.id, countyB.id, town.id, countyC.id]
  let k = 0
  const reg = async (agencyId: number) => (await app.services.officers.register(ADMIN_ACTOR, { name: `f${k}`, idNumber: distinctIdNumber(k++), agencyId })).id
  // The pool in one write transaction (a transaction each would take minutes on PostgreSQL):
  // the same single events, committed together.
  const pool: number[] = await app.store.write(async (db) => {
    const officers = app.services.officers.within(db)
    const ids: number[] = []
    for (let i = 0; i < POOL; i++) ids.push((await officers.register(ADMIN_ACTOR, { name: `f${k}`, idNumber: distinctIdNumber(k++), agencyId: agencies[rand(4)] as number })).id)
    return ids
  })
  const training = (await post(app, admin, '/v1/trainings', { title: 't', category: 'public_law', hours: 2, startDate: `${year}-01-10`, endDate: `${year}-01-10`, mode: 'online', provider: 'p', agencyId: null })).json().id as number
  let used = 0
  const sizes = [1, 2, 1023, 1024, 1025, 3, 2049, ...(LARGEST === null ? [] : [LARGEST])]
  for (const n of sizes) {
    const ids = pool.slice(used, used + n); used += n
    if (ids.length === 0) break
    const r = await post(app, admin, `/v1/trainings/${training}/attendances`, { officerIds: ids })
    if (r.statusCode !== 200) throw new Error(r.body)
    for (let j = 0; j < 1 + rand(3); j++) await reg(agencies[rand(4)] as number) // singles between
  }
  // a transfer out of county B (prior agency) after the batches
  let moved = 0
  for (const id of pool) if (await queryValue(app, 'select agency_id from officers where id = $1', id) === countyB.id) { moved = id; break }
  const tr = await post(app, admin, `/v1/officers/${moved}/transfer`, { toAgencyId: countyC.id, date: `${year}-01-11` })
  t.equal(tr.statusCode, 200, tr.body.slice(0, 200))

  // reference
  const path = new Map((await queryRows(app, 'select id, path from agencies') as any[]).map((r) => [r.id, r.path as string]))
  const inSub = (a: number | null, root: number) => a !== null && (path.get(a) ?? '\u0000').startsWith(path.get(root) as string)
  const rows = await queryRows(app, 'select id, agency_id, prior_agency_id, officers from domain_events order by id') as any[]
  const ref = (root: number | null) => {
    const out: number[] = []
    for (const r of rows) {
      if (r.officers === null) { if (root === null || inSub(r.agency_id, root) || inSub(r.prior_agency_id, root)) out.push(r.id); continue }
      const os = JSON.parse(r.officers) as Array<[number, number]>
      os.forEach(([, a], i) => { if (root === null || inSub(a, root)) out.push(r.id - os.length + 1 + i) })
    }
    return out
  }
  const head = rows.at(-1).id as number
  const all = ref(null)
  t.same(all, Array.from({ length: all.length }, (_, i) => i + 1).slice(all[0] as number - 1), 'admin reference is contiguous')
  const scopes: Array<[string, number | null]> = [['admin', null], ['city', city.id], ['B', countyB.id], ['town', town.id], ['C', countyC.id]]
  const actor = (root: number | null) => root === null ? ADMIN_ACTOR : { principal: { sub: 'x', role: 'hr', agencyId: root, via: 'user' }, scope: { all: false, rootAgencyId: root }, requestId: 'x' } as any
  const decode = (c: string) => Number(/^(?:id|ev):([0-9]+)/.exec(Buffer.from(c, 'base64url').toString())?.[1])
  const cursorOf = (after: number) => (after === 0 ? undefined : Buffer.from(`id:${after}`).toString('base64url'))
  for (const [name, root] of scopes) {
    const expect = ref(root)
    for (const limit of (expect.length > 5000 ? [333, 500] : [7, 333, 500])) {
      const got: number[] = []
      let after = 0
      let cursor: string | undefined // as a consumer keeps it: the nextCursor given, fingerprint and all
      for (let i = 0; i < 100000; i++) {
        const p = await app.services.events.feed(actor(root), cursor, limit)
        got.push(...p.items.map((e: any) => Number(e.id)))
        const c = decode(p.nextCursor)
        if (p.items.length < limit) { t.equal(c, Math.max(head, after), `${name} ${limit} final cursor`); break }
        after = c
        cursor = p.nextCursor
      }
      t.same(got, expect, `${name} limit ${limit}: ${got.length} vs ${expect.length}`)
    }
    // random cursors, small limits
    let bad = 0
    for (let s = 0; s < 300; s++) {
      const after = rand(head + 1)
      const limit = [1, 2, 5, 50][rand(4)] as number
      const p = await app.services.events.feed(actor(root), cursorOf(after), limit)
      const want = expect.filter((id) => id > after).slice(0, limit)
      const got = p.items.map((e: any) => Number(e.id))
      if (JSON.stringify(got) !== JSON.stringify(want)) { bad++; if (bad < 4) t.fail(`${name} after ${after} limit ${limit}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`) }
    }
    t.equal(bad, 0, `${name} random cursors`)
  }
  // next ordinary insert after a batch
  const max = await queryValue<number>(app, 'select max(id) from domain_events')
  const r = await post(app, admin, `/v1/trainings/${training}/attendances`, { officerIds: pool.slice(used, used + 5) })
  t.equal(r.statusCode, 200)
  const after = await queryValue<number>(app, 'select max(id) from domain_events')
  t.equal(after, max + 5, 'batch row at max + n')
  await reg(city.id)
  t.equal(await queryValue(app, 'select max(id) from domain_events'), after + 1, 'next single = batch + 1')
})
