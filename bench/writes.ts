// W8 (issue 22: "measure writes/s with 8 clients"): officers registered one request each (POST
// /v1/officers: a write transaction each, the write lock taken first, the ID number sealed and
// indexed, an audit and a change-feed event) by 8 connections at once, and by 1 for comparison;
// the ceiling is 8 bare clients of the engine each committing the barest write under the same
// lock: the lock (PostgreSQL: its row FOR UPDATE; SQLite: BEGIN IMMEDIATE), one officer row,
// COMMIT. Whether the one lock limits writes shows as the API's rate against that ceiling and as
// how little 8 connections add to 1. Run last: the officers it registers stay in the copy.
import autocannon from 'autocannon'
import Database from 'better-sqlite3'
import pg from 'pg'
import { idNumberCheckChar } from '../src/domain/identity.js'
import type { Context, Row } from './measures.js'

const CLIENTS = 8
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

/** The n-th new person of W8: born in 2006, which neither the bench data (1965–2000) nor B3b
 *  (2005) uses, so every ID number is new to the registry. */
function person (n: number, prefix: string, agencyId: number): { name: string, idNumber: string, agencyId: number, employeeNo: string } {
  const body = `140881${2006}${String(1 + Math.floor(n / 28_000) % 12).padStart(2, '0')}${String(1 + Math.floor(n / 1000) % 28).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`
  return { name: `基准写入${n}`, idNumber: body + idNumberCheckChar(body), agencyId, employeeNo: `${prefix}-${n}` }
}

/** Registrations over HTTP by `connections` at once for `seconds`: committed per second. */
async function registrations (ctx: Context, connections: number, seconds: number, first: number, agencyId: number) {
  let n = first
  return await new Promise<{ rps: number, p99Ms: number, refused: number, sent: number }>((resolve, reject) => {
    autocannon({
      url: ctx.server.url,
      connections,
      duration: seconds,
      requests: [{
        method: 'POST',
        path: '/v1/officers',
        headers: { authorization: ctx.adminAuth, 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(person(n++, 'W8', agencyId)) })
      }]
    }, (err, r) => {
      if (err) { reject(err); return }
      resolve({ rps: r['2xx'] / seconds, p99Ms: r.latency.p99, refused: r.non2xx + r.errors + r.timeouts, sent: n - first })
    })
  })
}

/** The ceiling: CLIENTS bare clients for `seconds`, each committing one officer row at a time
 *  under the engine's write lock; transactions committed per second. */
async function bareWrites (ctx: Context, seconds: number, agencyId: number): Promise<{ tps: number, how: string }> {
  const until = performance.now() + seconds * 1000
  let n = 0
  const row = () => { const p = person(500_000 + n++, 'W8RAW', agencyId); return [p.name, `v1.bench.${p.idNumber}`, p.agencyId, p.employeeNo] }
  if (ctx.database.engine === 'pg') {
    const url = ctx.database.env.DATABASE_URL as string
    let committed = 0
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        while (performance.now() < until) {
          await client.query('BEGIN ISOLATION LEVEL READ COMMITTED')
          await client.query('SELECT 1 FROM write_lock WHERE id = 1 FOR UPDATE')
          await client.query({ name: 'w8', text: 'insert into officers (name, id_number, agency_id, employee_no) values ($1, $2, $3, $4)', values: row() })
          await client.query('COMMIT')
          committed++
        }
      } finally {
        await client.end()
      }
    }))
    return { tps: committed / seconds, how: `${CLIENTS} pg clients over loopback, each: BEGIN, the lock row FOR UPDATE, one INSERT, COMMIT` }
  }
  // One process: SQLite's writers take turns on its file whatever their number, so one
  // connection writing back to back is the most that 8 could get.
  const sqlite = new Database(ctx.database.env.DATABASE_PATH as string)
  sqlite.pragma('busy_timeout = 5000')
  const insert = sqlite.prepare('insert into officers (name, id_number, agency_id, employee_no) values (?, ?, ?, ?)')
  let committed = 0
  try {
    while (performance.now() < until) {
      sqlite.exec('BEGIN IMMEDIATE')
      insert.run(...row())
      sqlite.exec('COMMIT')
      committed++
    }
  } finally {
    sqlite.close()
  }
  return { tps: committed / seconds, how: 'better-sqlite3 in process, back to back: BEGIN IMMEDIATE, one INSERT, COMMIT (8 writers of one file take turns)' }
}

export async function w8 (ctx: Context, agencyId: number): Promise<Row> {
  const seconds = Math.max(3, Math.round(ctx.seconds / 2))
  const warm = await registrations(ctx, CLIENTS, 2, 0, agencyId)
  const one = await registrations(ctx, 1, seconds, warm.sent, agencyId)
  const eight = await registrations(ctx, CLIENTS, seconds, warm.sent + one.sent, agencyId)
  const bare = await bareWrites(ctx, seconds, agencyId)
  const ratio = eight.rps / bare.tps
  const refused = one.refused + eight.refused
  return {
    id: 'W8',
    what: `officers registered over HTTP, one write transaction a request, ${CLIENTS} connections (issue 22: finer locks only if contention matters)`,
    figure: `${fmt(eight.rps)} writes/s`,
    ceiling: `${fmt(bare.tps)} tx/s`,
    ratio,
    bar: 'measured',
    met: null,
    note: `1 connection: ${fmt(one.rps)} writes/s, so ${CLIENTS} give ×${fmt(eight.rps / one.rps, 2)}; p99 ${eight.p99Ms} ms at ${CLIENTS}; ${refused === 0 ? 'none refused' : `${refused} refused or failed`}; ` +
      `the ceiling: ${bare.how}; ${seconds} s each`,
    data: { rps8: eight.rps, rps1: one.rps, bareTps: bare.tps, p99Ms: eight.p99Ms, refused }
  }
}
