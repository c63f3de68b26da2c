// npm run bench [-- --engine sqlite|pg] [--seconds 10] [--data FILE] [--regenerate] [--only B1,B3,W8]
//   [--pg-admin-url postgres://…] [--b7] [--b8]
// Measures B1–B6 and B3b of BENCH.md in one run, each beside its ceiling measured in the same run
// on the same data: a working copy of the bench database (npm run bench:data, generated here when
// missing: 100,000 officers, 1,000,000 records), on SQLite (the default) or, with --engine pg, on
// PostgreSQL (the file copied there once by bench/pg-data.ts; a clone of that copy per run, dropped
// at its end). Servers listen on 127.0.0.1 only and are stopped before the run ends. Prints a
// table and writes bench/results.json. Not part of npm test.
// --b7: B7 of BENCH.md, the same measures on the national data (npm run bench:data -- --officers
// 3000000 --out data/bench-national/bench.db --pg: 30 provinces): B1, the whole country's report
// (B2) and one province's (agency 1, 100,000 officers), the import (B3b), the country's CSV
// export (B4, bar 300 MB), start-up (B5) and the nightly command (B6); each row named B7·….
// W8 (not in the default set): writes/s with 8 connections (bench/writes.ts).
// B9: POST /v1/eligibility for 2 officers against B1's point read (bench/eligibility.ts).
// --b8: B8 alone, the statistics of the demo city against a bare aggregate (bench/statistics.ts;
// SQLite, the seed's engine).
import { existsSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { randomBytes } from 'node:crypto'
import { testConfig } from '../src/config.js'
import { accountsService } from '../src/modules/accounts/service.js'
import { systemActor } from '../src/modules/audit/repository.js'
import { DEFAULT_BENCH_DB, generateBenchData, NATIONAL_BENCH_DB } from './data.js'
import { ENGINES, type BenchDatabase, type EngineName } from './engine.js'
import { b1, b2, b3, b3b, b4, B4_BAR, b5, b6, B7_EXPORT_BAR, type Context, type Row } from './measures.js'
import { w8 } from './writes.js'
import { b9 } from './eligibility.js'
import { b8 } from './statistics.js'
import { pgWorkDatabase } from './pg-database.js'
import { DEFAULT_PG_ADMIN_URL } from './pg-data.js'
import { ROOT, runCommand, startChild, stopAll } from './proc.js'
import { sqliteWorkDatabase } from './sqlite-database.js'

// The server as `npm start` runs it: the bundle its prestart step builds (scripts/build.mjs
// server, timed), and the commands' bundles (B6 runs what npm run flag-undertrained runs).
async function buildServer (): Promise<{ entry: string, buildMs: number }> {
  const build = async (part: 'server' | 'commands') => {
    const r = await runCommand(['scripts/build.mjs', part])
    if (r.code !== 0) throw new Error(`build of ${part} failed: ${r.stderr}`)
    return r.ms
  }
  const buildMs = await build('server')
  await build('commands')
  return { entry: 'dist/server.mjs', buildMs }
}

async function token (url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'password', username, password }) })
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`)
  return `Bearer ${(await res.json() as { access_token: string }).access_token}`
}

function table (rows: Row[]): string {
  const bar = (r: number | null) => r === null ? '' : `${'█'.repeat(Math.min(20, Math.round(r * 10)))}${'·'.repeat(Math.max(0, 10 - Math.round(r * 10)))}`
  const cells = rows.map((r) => [r.id, r.figure, r.ceiling, r.ratio === null ? '—' : r.ratio.toFixed(2), bar(r.ratio), r.bar, r.met === null ? 'n/a' : r.met ? 'met' : 'MISSED'])
  const head = ['id', 'figure', 'ceiling', 'ratio', '', 'bar', 'result']
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)))
  const line = (c: string[]) => c.map((s, i) => s.padEnd(width[i] as number)).join('  ')
  return [line(head), line(width.map((w) => '─'.repeat(w))), ...cells.map(line), '', ...rows.map((r) => `${r.id}: ${r.what}${r.note ? ` — ${r.note}` : ''}`)].join('\n')
}

/** The run's database: a working copy of the bench file on the engine asked for. */
async function workDatabase (engine: EngineName, source: string, adminUrl: string): Promise<BenchDatabase> {
  if (engine === 'sqlite') return sqliteWorkDatabase(source)
  process.stdout.write(`PostgreSQL: the copy of ${source} (made once, then reused)…\n`)
  const database = await pgWorkDatabase(source, adminUrl, (line) => process.stdout.write(`${line}\n`))
  process.stdout.write(`  ${database.copy.reused ? 'reused' : 'made'} in ${(database.copy.ms / 1000).toFixed(1)} s; this run works on a clone of it\n`)
  return database
}

async function main (): Promise<number> {
  const { values } = parseArgs({
    options: {
      engine: { type: 'string', default: 'sqlite' },
      'pg-admin-url': { type: 'string', default: DEFAULT_PG_ADMIN_URL },
      seconds: { type: 'string', default: '10' },
      data: { type: 'string' },
      b7: { type: 'boolean', default: false },
      b8: { type: 'boolean', default: false },
      regenerate: { type: 'boolean', default: false },
      only: { type: 'string' }
    }
  })
  const seconds = Number(values.seconds)
  const engine = values.engine as EngineName
  const b7 = values.b7
  // B7 leaves out B3: it would import an attendance for each of 3,000,000 officers, five times.
  const only = new Set((values.only ?? (b7 ? 'B1,B2,B3b,B4,B5,B6' : 'B1,B2,B3,B3b,B4,B5,B6,B9')).split(',').map((s) => s.trim().toUpperCase()))
  const wanted = (id: string) => only.has(id)
  if (!ENGINES.includes(engine)) { process.stderr.write(`--engine takes ${ENGINES.join(' or ')}\n`); return 2 }
  if ([...only].some((id) => !/^(B([1-69]|3B)|W8)$/.test(id))) { process.stderr.write('--only takes B1, B2, B3, B3b, B4, B5, B6, B9, W8, comma-separated\n'); return 2 }
  if (!(seconds >= 2 && seconds <= 60)) { process.stderr.write('--seconds must be 2..60\n'); return 2 }
  const started = performance.now()
  if (values.b8) return await statisticsRun(started)
  const source = resolve(ROOT, values.data ?? (b7 ? NATIONAL_BENCH_DB : DEFAULT_BENCH_DB))
  if (b7 && !existsSync(source)) {
    process.stderr.write(`no national data at ${source}: npm run bench:data -- --officers 3000000 --out ${NATIONAL_BENCH_DB} --pg (about 15 minutes)\n`)
    return 2
  }
  if (!existsSync(source) || values.regenerate) {
    process.stdout.write(`generating ${source} (100,000 officers, 10 records each)…\n`)
    const g = generateBenchData({ officers: 100_000, recordsPerOfficer: 10, out: source })
    process.stdout.write(`  done in ${(g.ms / 1000).toFixed(1)} s\n`)
  }
  const database = await workDatabase(engine, source, values['pg-admin-url'])
  // Ctrl-C: the servers stopped and the working copy removed before leaving, as on a failure.
  const interrupted = () => {
    stopAll()
    database.dispose().then(() => process.exit(130), (err: unknown) => {
      process.stderr.write(`the working copy was not removed: ${String(err)}\n`)
      process.exit(130)
    })
  }
  process.once('SIGINT', interrupted)
  try {
    return await measure(database, { source, seconds, wanted, started, b7 })
  } finally {
    stopAll()
    await database.dispose()
    process.off('SIGINT', interrupted)
  }
}

/** Sets the run up on `database` (its accounts, the officers to read), measures the rows asked
 *  for, prints the table and writes results.json. */
async function measure (database: BenchDatabase, run: { source: string, seconds: number, wanted: (id: string) => boolean, started: number, b7: boolean }): Promise<number> {
  const { seconds, wanted, started, b7 } = run
  const first = async <T>(sql: string) => (await database.rows<T>(sql))[0] as T
  const password = randomBytes(12).toString('base64url')
  const { y: year } = await first<{ y: number }>('select max(year) as y from training_records')
  // Counts are bigint on PostgreSQL: numbers here whatever the client's type parsers.
  const shape = Object.fromEntries(Object.entries(await first<Record<string, number | string>>('select (select count(*) from officers) as officers, (select count(*) from training_records) as records, (select count(*) from agencies) as agencies')).map(([k, v]) => [k, Number(v)]))
  await database.withStore(async (store) => {
    const accounts = accountsService({ store, config: testConfig(), clock: () => new Date() })
    await accounts.createUser(systemActor('bench'), { username: 'bench-admin', password, role: 'admin' })
    await accounts.createUser(systemActor('bench'), { username: 'bench-clerk', password, role: 'clerk', agencyId: 2 })
  })
  const clerkIds = (await database.rows<{ id: number }>("select o.id from officers o join agencies a on a.id = o.agency_id where a.path like '/1/2/%' and o.status = 'active' limit 2000")).map((r) => r.id)
  const activeIds = (await database.rows<{ id: number }>("select id from officers where status = 'active' order by id")).map((r) => r.id)
  process.stdout.write(`engine: ${database.label}\ndata: ${shape.agencies} agencies, ${shape.officers} officers, ${shape.records} training records (year ${year}); ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`)

  // B3b's one request of 50,000 officers is measured however long it takes (on PostgreSQL it runs
  // past the default 30 s, which would answer it 408).
  const env = { ...database.env, LOG_LEVEL: 'info', REQUEST_TIMEOUT_MS: '600000', REGISTRY_ADMIN_USER: 'bench-admin', REGISTRY_ADMIN_PASSWORD: password }
  const rows: Row[] = []
  const step = (what: string) => process.stdout.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${what}\n`)
  const built = await buildServer()
  const b5Rows = wanted('B5') ? (step('B5 start-up'), await b5(env, built)) : []
  // Everything but B5 is measured against one running server (B4 starts its own, but signs in on it).
  if (['B1', 'B2', 'B3', 'B3B', 'B4', 'B6', 'B9'].some(wanted)) {
    step('starting the server for B1, B2, B3, B3b, B4, B6, B9')
    const server = await startChild('bench/server.ts', env)
    try {
      const openapi = await (await fetch(`${server.url}/openapi.json`)).json() as { paths: Record<string, unknown> }
      const ctx: Context = {
        database,
        year,
        seconds,
        env,
        server,
        adminAuth: await token(server.url, 'bench-admin', password),
        clerkAuth: await token(server.url, 'bench-clerk', password),
        clerkOfficerIds: clerkIds,
        adminOfficerIds: activeIds.filter((_, i) => i % 50 === 0),
        routes: new Set(Object.keys(openapi.paths))
      }
      // B6 compares with B1 and B2: it runs them when they were not asked for.
      const first = wanted('B1') || wanted('B6') ? (step('B1 point reads under load'), await b1(ctx)) : null
      if (first && wanted('B1')) rows.push(...first.rows)
      if (wanted('B9')) {
        step('B9 eligibility of two officers under load')
        rows.push(await b9(ctx))
      }
      const second = wanted('B2') || wanted('B6') ? (step('B2 compliance report'), await b2(ctx)) : null
      if (second && wanted('B2')) rows.push(second.row)
      if (b7 && wanted('B2')) {
        step('B2 for one province')
        const [{ path }] = await database.rows<{ path: string }>('select path from agencies where id = 1') as [{ path: string }]
        rows.push((await b2(ctx, { id: 'B2·province', agencyId: 1, path, what: 'training-compliance report, one year, one province (agency 1 and every body under it; CSV, every row)' })).row)
      }
      if (wanted('B6') && first && second) {
        step('B6 nightly command under load')
        rows.push(await b6(ctx, first.clerk, second.reportMs))
      }
      if (wanted('B3')) {
        step('B3 bulk attendances')
        rows.push(await b3(ctx, activeIds))
      }
      if (wanted('B3B')) {
        step('B3b bulk officers')
        rows.push(await b3b(ctx, 2))
      }
      if (wanted('B4')) {
        step('B4 CSV export memory')
        rows.push(...await b4(ctx, built.entry, b7 ? B7_EXPORT_BAR : B4_BAR))
      }
      // Last: the officers it registers stay in the working copy.
      if (wanted('W8')) {
        step('W8 writes with 8 connections')
        rows.push(await w8(ctx, 2))
      }
    } finally {
      await server.stop()
    }
  }
  rows.push(...b5Rows)
  rows.sort((a, b) => a.id.localeCompare(b.id))
  if (b7) for (const r of rows) r.id = `B7·${r.id}`
  const results = {
    ranAt: new Date().toISOString(),
    engine: database.engine,
    database: database.label,
    seconds,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavg: loadavg() },
    data: { ...shape, year, source: run.source, ...(database.copy === undefined ? {} : { copy: database.copy }) },
    rows,
    totalSeconds: (performance.now() - started) / 1000
  }
  writeFileSync(join(ROOT, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n')
  process.stdout.write(`\non ${database.label}\n${table(rows)}\n\nwrote bench/results.json; whole run ${results.totalSeconds.toFixed(0)} s\n`)
  return 0
}

/** B8 on its own data (the demo city): prints its row and writes bench/results.json. */
async function statisticsRun (started: number): Promise<number> {
  try {
    const rows = [await b8((line) => process.stdout.write(`${line}\n`))]
    writeFileSync(join(ROOT, 'bench', 'results.json'), JSON.stringify({ ranAt: new Date().toISOString(), engine: 'sqlite', machine: { cpus: cpus().length, node: process.version, loadavg: loadavg() }, rows }, null, 2) + '\n')
    process.stdout.write(`\n${table(rows)}\n\nwrote bench/results.json; whole run ${((performance.now() - started) / 1000).toFixed(0)} s\n`)
    return 0
  } finally {
    stopAll()
  }
}

main().then((code) => { process.exitCode = code }, (err: unknown) => {
  stopAll()
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exitCode = 1
})
