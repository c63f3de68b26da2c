// npm run bench [-- --seconds 10] [--data FILE] [--regenerate] [--only B1,B3]
// Measures B1–B6 of BENCH.md in one run, each beside its ceiling measured in the same run on the
// same data: a working copy of the bench database (npm run bench:data, generated here when
// missing: 100,000 officers, 1,000,000 records). Servers listen on 127.0.0.1 only and are
// stopped before the run ends. Prints a table and writes bench/results.json. Not part of npm test.
import { copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { randomBytes } from 'node:crypto'
import { testConfig } from '../src/config.js'
import { openSqliteStore } from '../src/db/sqlite/store.js'
import { accountsService } from '../src/modules/accounts/service.js'
import { systemActor } from '../src/modules/audit/repository.js'
import { DEFAULT_BENCH_DB, generateBenchData } from './data.js'
import { b1, b2, b3, b3b, b4, b5, b6, type Context, type Row } from './measures.js'
import { ROOT, runCommand, startChild, stopAll } from './proc.js'

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

async function main (): Promise<number> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, data: { type: 'string', default: DEFAULT_BENCH_DB }, regenerate: { type: 'boolean', default: false }, only: { type: 'string', default: 'B1,B2,B3,B3b,B4,B5,B6' } } })
  const seconds = Number(values.seconds)
  const only = new Set(values.only.split(',').map((s) => s.trim().toUpperCase()))
  const wanted = (id: string) => only.has(id)
  if ([...only].some((id) => !/^B([1-6]|3B)$/.test(id))) { process.stderr.write('--only takes B1, B2, B3, B3b, B4, B5, B6, comma-separated\n'); return 2 }
  if (!(seconds >= 2 && seconds <= 60)) { process.stderr.write('--seconds must be 2..60\n'); return 2 }
  const started = performance.now()
  const source = resolve(ROOT, values.data)
  if (!existsSync(source) || values.regenerate) {
    process.stdout.write(`generating ${source} (100,000 officers, 10 records each)…\n`)
    const g = generateBenchData({ officers: 100_000, recordsPerOfficer: 10, out: source })
    process.stdout.write(`  done in ${(g.ms / 1000).toFixed(1)} s\n`)
  }
  // A working copy: the run writes (accounts, B3's rows); the generated data stays as it was.
  const db = join(dirname(source), 'work.db')
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true })
  copyFileSync(source, db)

  const password = randomBytes(12).toString('base64url')
  const store = openSqliteStore(db)
  const year = (store.sqlite.prepare('select max(year) as y from training_records').get() as { y: number }).y
  const shape = store.sqlite.prepare('select (select count(*) from officers) as officers, (select count(*) from training_records) as records, (select count(*) from agencies) as agencies').get() as Record<string, number>
  const accounts = accountsService({ store, config: testConfig({ DATABASE_PATH: db }), clock: () => new Date() })
  await accounts.createUser(systemActor('bench'), { username: 'bench-admin', password, role: 'admin' })
  await accounts.createUser(systemActor('bench'), { username: 'bench-clerk', password, role: 'clerk', agencyId: 2 })
  const clerkIds = (store.sqlite.prepare("select o.id from officers o join agencies a on a.id = o.agency_id where a.path like '/1/2/%' and o.status = 'active' limit 2000").all() as Array<{ id: number }>).map((r) => r.id)
  const activeIds = (store.sqlite.prepare("select id from officers where status = 'active' order by id").all() as Array<{ id: number }>).map((r) => r.id)
  store.close()
  process.stdout.write(`data: ${shape.agencies} agencies, ${shape.officers} officers, ${shape.records} training records (year ${year}); ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`)

  const env = { DATABASE_PATH: db, LOG_LEVEL: 'info', REGISTRY_ADMIN_USER: 'bench-admin', REGISTRY_ADMIN_PASSWORD: password }
  const rows: Row[] = []
  const step = (what: string) => process.stdout.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${what}\n`)
  try {
    const built = await buildServer()
    const b5Rows = wanted('B5') ? (step('B5 start-up'), await b5(env, built)) : []
    // Everything but B5 is measured against one running server (B4 starts its own, but signs in on it).
    if (['B1', 'B2', 'B3', 'B3B', 'B4', 'B6'].some(wanted)) {
      step('starting the server for B1, B2, B3, B3b, B4, B6')
      const server = await startChild('bench/server.ts', env)
      try {
        const openapi = await (await fetch(`${server.url}/openapi.json`)).json() as { paths: Record<string, unknown> }
        const ctx: Context = {
          db,
          year,
          seconds,
          env,
          server,
          adminAuth: await token(server.url, 'bench-admin', password),
          clerkAuth: await token(server.url, 'bench-clerk', password),
          clerkOfficerPaths: clerkIds.map((id) => `/v1/officers/${id}`),
          adminOfficerPaths: activeIds.filter((_, i) => i % 50 === 0).map((id) => `/v1/officers/${id}`),
          routes: new Set(Object.keys(openapi.paths))
        }
        // B6 compares with B1 and B2: it runs them when they were not asked for.
        const first = wanted('B1') || wanted('B6') ? (step('B1 point reads under load'), await b1(ctx)) : null
        if (first && wanted('B1')) rows.push(...first.rows)
        const second = wanted('B2') || wanted('B6') ? (step('B2 compliance report'), await b2(ctx)) : null
        if (second && wanted('B2')) rows.push(second.row)
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
          rows.push(...await b4(ctx, built.entry))
        }
      } finally {
        await server.stop()
      }
    }
    rows.push(...b5Rows)
  } finally {
    stopAll()
  }
  rows.sort((a, b) => a.id.localeCompare(b.id))
  const results = { ranAt: new Date().toISOString(), seconds, machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavg: loadavg() }, data: { ...shape, year, source }, rows, totalSeconds: (performance.now() - started) / 1000 }
  writeFileSync(join(ROOT, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n')
  process.stdout.write(`\n${table(rows)}\n\nwrote bench/results.json; whole run ${results.totalSeconds.toFixed(0)} s\n`)
  return 0
}

main().then((code) => { process.exitCode = code }, (err: unknown) => {
  stopAll()
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exitCode = 1
})
