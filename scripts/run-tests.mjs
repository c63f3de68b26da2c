// npm test's second step: every test file (test/**/*.test.ts, or the files named) in a Node
// process of its own, `--jobs` at a time (default: cores + 1, as the files wait on sockets and
// child processes part of the time), the longest first. Each file runs from its bundle
// (scripts/bundle-tests.mjs: built first, in about a second), not through tsx's hooks.
//
// The files are tap tests and also run alone (`npx tap test/x.test.ts`, or `node --import=tsx
// test/x.test.ts`). npm test does not use tap's runner because it loads @tapjs/processinfo (the
// bookkeeping of its coverage and `tap replay`) into every test process and, through
// NODE_OPTIONS, into every process a test starts: about 0.5 s of CPU each, a fifth of the
// suite's CPU time on this project, whose tests start the service and its commands a few hundred
// times.
//
// Usage: node scripts/run-tests.mjs [--jobs=N] [--reporter=tap] [--timeout=SECONDS] [--again-at=DATE] [--engine=pg | --also-pg] [file ...]
//   --engine=pg (npm run test:pg): the whole suite on PostgreSQL (TEST_ENGINE=pg: each test app on
//   a database of its own, on TEST_DATABASE_URL's server), with the files of test/pg/ (the
//   adapter itself) and without those marked `// engine: sqlite-only — why` (test/db.ts); without
//   it test/pg/ is left out, as npm test needs no server. --also-pg (.ci/run): both runs in one
//   queue (each file on SQLite, and the features' and the store's again on PostgreSQL), sharing
//   the cores; the PostgreSQL run leaves out the files that open no store (the domain's pure
//   functions): they cannot tell the engines apart.
//   --again-at='2028-02-29 10:00:00': the files that start the service or a command as a process
//   of its own (there the service's date is the machine's) run once more under `faketime DATE`,
//   in the same queue as the rest (.ci/run; repeatable), but for those that say in a line of
//   their own `// machine date: not read — <why>` (their processes do nothing with the day);
//   default output: a line per file, the whole TAP output of a file that failed, and a summary;
//   --reporter=tap: one TAP stream, each file a subtest (what .ci/run counts).
// Exit 1 when a file fails (an assertion, a crash, or no exit within its timeout plus a minute).
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleTests } from './bundle-tests.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const durationsFile = (engine) => join(ROOT, '.tap', engine === 'pg' ? 'durations-pg.json' : 'durations.json')
// A file that starts the service or one of its commands as a process (there the date is the
// machine's), or a browser: the slow ones.
const STARTS_PROCESSES = /startChild\(|spawnSync\(|spawn\(|execFile\(|cli\(|cliWithInput\(/
const STARTS_BROWSER = /chromium\./

function usage (message) {
  process.stderr.write(`${message}\nusage: node scripts/run-tests.mjs [--jobs=N] [--reporter=tap] [--timeout=SECONDS] [--again-at=DATE] [--engine=pg | --also-pg] [file ...]\n`)
  process.exit(2)
}

function parseArgs (argv) {
  const opts = { jobs: availableParallelism() + 1, tap: false, timeout: 180, againAt: [], engine: 'sqlite', alsoPg: false, files: [] }
  for (const arg of argv) {
    const [name, value] = arg.split('=', 2)
    if (name === '--jobs' && /^[1-9]\d*$/.test(value ?? '')) opts.jobs = Number(value)
    else if (name === '--timeout' && /^[1-9]\d*$/.test(value ?? '')) opts.timeout = Number(value)
    else if (arg === '--reporter=tap') opts.tap = true
    else if (name === '--again-at' && value) opts.againAt.push(value)
    else if (arg === '--engine=pg') opts.engine = 'pg'
    else if (arg === '--also-pg') opts.alsoPg = true
    else if (arg.startsWith('-')) usage(`unknown option ${arg}`)
    else opts.files.push(relative(ROOT, join(process.cwd(), arg)))
  }
  return opts
}

const text = (file) => readFileSync(join(ROOT, file), 'utf8')
const startsProcesses = (file) => STARTS_PROCESSES.test(text(file))
// A file whose processes do not read the day says so, with why, in a line of its own:
// `// machine date: not read — <why>`; --again-at leaves it out (it ran once, on the first date).
const UNDATED = /^\/\/ machine date: not read — \S/m
const readsMachineDate = (file) => startsProcesses(file) && !UNDATED.test(text(file))

/** A file of test/pg/: it runs against PostgreSQL, however it was named. */
const isPgFile = (file) => file.startsWith(join('test', 'pg') + sep)

// A file all of whose tests need SQLite itself says so in its first lines (test/db.ts, whose
// engineOfFile reads the same mark, and whose engine-marks test holds files to it).
const SQLITE_ONLY = /^\/\/ engine: sqlite-only — \S/m
const sqliteOnlyFile = (file) => SQLITE_ONLY.test(text(file).split('\n').slice(0, 15).join('\n'))

/** The test files of the engine: on SQLite every file but test/pg/'s; on PostgreSQL every file
 *  but those that need SQLite. */
function testFiles (engine) {
  return readdirSync(join(ROOT, 'test'), { recursive: true })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join('test', f))
    .filter((f) => engine === 'pg' ? !sqliteOnlyFile(f) : !isPgFile(f))
    .sort()
}

/** Longest first, so that no long file starts last: the times of the last run on this checkout,
 *  or on a fresh clone the files that start processes or a browser first, then the larger. */
function schedule (runs) {
  const lastOf = (engine) => { try { return JSON.parse(readFileSync(durationsFile(engine), 'utf8')) } catch { return {} } }
  const last = { sqlite: lastOf('sqlite'), pg: lastOf('pg') }
  const weight = ({ file, engine }) => {
    const seen = last[engine][file]
    if (typeof seen === 'number') return seen
    return (startsProcesses(file) || STARTS_BROWSER.test(text(file)) ? 1e6 : 0) + statSync(join(ROOT, file)).size
  }
  const w = new Map(runs.map((r) => [r, weight(r)]))
  return [...runs].sort((a, b) => w.get(b) - w.get(a))
}

/** Runs one file (under faketime when a day is given); resolves with its exit, TAP output,
 *  stderr and time. */
function runFile ({ file, day, engine }, bundle, timeoutSeconds) {
  const started = Date.now()
  // A dated run of a file takes an argument naming its day, and a run on PostgreSQL one naming
  // it: tap names the directories of t.testdir() after the file and its arguments, so two runs
  // of a file never share one.
  const node = [process.execPath, '--enable-source-maps', bundle, ...(engine === 'pg' ? ['on-pg'] : [])]
  const [command, ...args] = day === undefined ? node : ['faketime', day, ...node, `at-${day.replace(/\W+/g, '-')}`]
  return new Promise((resolve) => {
    // A group of its own: faketime waits on the node it starts, so the whole group is killed.
    const child = spawn(command, args, {
      detached: true,
      cwd: ROOT,
      env: { ...process.env, TAP: '1', TAP_TIMEOUT: String(timeoutSeconds), TEST_RUN_ID: RUN_ID, ...(engine === 'pg' ? { TEST_ENGINE: 'pg' } : {}) },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    running.add(child)
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (d) => { out += d })
    child.stderr.setEncoding('utf8').on('data', (d) => { err += d })
    // tap ends a test that outlives the timeout; this ends a process that does not exit after it.
    const killer = setTimeout(() => { err += `\nkilled: no exit within ${timeoutSeconds + 60} s\n`; killGroup(child) }, (timeoutSeconds + 60) * 1000)
    child.on('error', (error) => { err += `\n${error.message}\n` })
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      running.delete(child)
      resolve({ file, day, engine, name: `${file}${engine === 'pg' ? ' on PostgreSQL' : ''}${day === undefined ? '' : ` at ${day}`}`, code, signal, out, err, ms: Date.now() - started })
    })
  })
}

/** Assertions in a file's TAP output: every ok / not ok line that is not a subtest's summary. */
function countAsserts (tap) {
  const indent = (l) => l.length - l.trimStart().length
  let pass = 0
  let fail = 0
  let prev = ''
  let inYaml = false
  for (const line of tap.split('\n')) {
    // A failure's details (between --- and ...) are neither points nor what a summary follows.
    if (/^\s*---\s*$/.test(line)) { inYaml = true; continue }
    if (inYaml) { if (/^\s*\.\.\.\s*$/.test(line)) inYaml = false; continue }
    const m = /^(\s*)(not ok|ok)\b/.exec(line)
    if (m && !(prev !== '' && indent(prev) > m[1].length) && !/#\s*(SKIP|TODO)\b/i.test(line)) {
      if (m[2] === 'ok') pass++
      else fail++
    }
    if (line.trim() !== '' && !/^\s*(---|\.\.\.|#)/.test(line)) prev = line
  }
  return { pass, fail }
}

const running = new Set()
const killGroup = (child) => { try { process.kill(-child.pid, 'SIGKILL') } catch {} }
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => { for (const child of running) killGroup(child); process.exit(130) })
}

// The PostgreSQL databases of this run are named after it (test/pg/database.ts): what a file that
// crashed or was killed left behind is dropped at the end.
const RUN_ID = randomBytes(3).toString('hex')
async function dropLeftDatabases () {
  const { default: pg } = await import('pg')
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' })
  try {
    await admin.connect()
    const { rows } = await admin.query('select datname from pg_database where starts_with(datname, $1)', [`registry_test_${RUN_ID}_`])
    for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`)
  } catch (err) {
    process.stderr.write(`run-tests: could not drop this run's test databases: ${err.message}\n`)
  } finally {
    await admin.end().catch(() => {})
  }
}

const opts = parseArgs(process.argv.slice(2))
if (opts.alsoPg && (opts.engine === 'pg' || opts.files.length > 0)) usage('--also-pg runs the whole suite on both engines: give no files, and not --engine=pg')
/** The engine a file runs on unless told: PostgreSQL for test/pg/'s and in a run --engine=pg. */
const engineOf = (file) => opts.engine === 'pg' || isPgFile(file) ? 'pg' : 'sqlite'
const files = opts.files.length > 0 ? opts.files : testFiles(opts.engine)
if (files.length === 0) usage('no test files')
// --also-pg (.ci/run): the PostgreSQL run's files in the same queue, so that the two runs share
// the machine's cores instead of one waiting for the other; within CI's minutes, those of the
// registry's features and of the store (test/pg/ among them), not the framework's own
// (test/foundation/, test/security/: HTTP, errors, logs, hardening, pages), which pass on
// PostgreSQL in `npm run test:pg` but find there nothing SQLite did not.
const STORE_FILES = new Set(['foundation/engine-select', 'foundation/test-db', 'security/scope', 'security/shared-limits', 'security/nul', 'security/id-numbers'].map((f) => join('test', `${f}.test.ts`)))
const ofFramework = (file) => /^test[/\\](foundation|security)[/\\]/.test(file) && !STORE_FILES.has(file)
const pgCandidates = opts.alsoPg ? testFiles('pg').filter((f) => !ofFramework(f)) : []
const again = files.filter(readsMachineDate)
let bundles
try {
  bundles = await bundleTests(ROOT, [...new Set([...files, ...pgCandidates])])
} catch (error) {
  process.stderr.write(`the test files did not build:\n${error.message}\n`)
  process.exit(1)
}
// Of those, the files that can tell the engines apart: a file whose bundle never reaches
// test/db.ts (where the engine is chosen) runs no store (the domain's pure functions), and would
// only repeat on PostgreSQL what it did on SQLite.
const pgFiles = pgCandidates.filter((f) => isPgFile(f) || bundles.get(f).modules.has('test/db.ts'))
const queue = schedule([
  ...files.map((file) => ({ file, engine: engineOf(file) })),
  ...pgFiles.map((file) => ({ file, engine: 'pg' })),
  ...opts.againAt.flatMap((day) => again.map((file) => ({ file, day, engine: engineOf(file) })))
])
const started = Date.now()
const results = []
let n = 0
if (opts.tap) process.stdout.write('TAP version 14\n')

function report (r) {
  const counts = countAsserts(r.out)
  // A file that exits 0 without its plan (1..N) did not run to its end.
  const ok = r.code === 0 && counts.fail === 0 && /^1\.\.\d+/m.test(r.out)
  Object.assign(r, counts, { ok })
  const seconds = (r.ms / 1000).toFixed(1)
  if (opts.tap) {
    const body = r.out.replace(/^TAP version \d+\n/, '').trimEnd().split('\n').map((l) => (l === '' ? '' : `    ${l}`)).join('\n')
    const stderr = ok ? '' : `\n${r.err.trimEnd().split('\n').map((l) => `    # ${l}`).join('\n')}`
    const why = ok ? '' : ` # exit ${r.signal ?? r.code}`
    process.stdout.write(`# Subtest: ${r.name}\n${body}${stderr}\n${ok ? 'ok' : 'not ok'} ${++n} - ${r.name}${why} # time=${r.ms}ms\n\n`)
  } else {
    process.stdout.write(`${ok ? '✓' : '✗'} ${r.name}  ${counts.pass} passed${counts.fail ? `, ${counts.fail} failed` : ''}, ${seconds} s\n`)
    if (!ok) process.stdout.write(`${r.out}\n${r.err}\nexit ${r.signal ?? r.code}\n\n`)
  }
}

async function worker () {
  for (let run = queue.shift(); run !== undefined; run = queue.shift()) {
    const r = await runFile(run, bundles.get(run.file).bundle, opts.timeout)
    report(r)
    results.push(r)
  }
}
await Promise.all(Array.from({ length: Math.min(opts.jobs, queue.length) }, worker))
if (opts.engine === 'pg' || opts.alsoPg || files.some(isPgFile)) await dropLeftDatabases()

const failed = results.filter((r) => !r.ok)
const pass = results.reduce((s, r) => s + r.pass, 0)
const fail = results.reduce((s, r) => s + r.fail, 0)
const seconds = ((Date.now() - started) / 1000).toFixed(1)
if (opts.tap) process.stdout.write(`1..${n}\n# ${results.length} runs, ${failed.length} failed; ${pass} assertions passed, ${fail} failed; ${seconds} s\n`)
else {
  process.stdout.write(`\n${results.length} runs of test files (${failed.length} failed): ${pass} assertions passed, ${fail} failed, in ${seconds} s, ${opts.jobs} at a time\n`)
  for (const r of failed) process.stdout.write(`failed: ${r.name}\n`)
}

if (opts.files.length === 0) {
  mkdirSync(join(ROOT, '.tap'), { recursive: true })
  for (const engine of new Set(results.map((r) => r.engine))) {
    let last = {}
    try { last = JSON.parse(readFileSync(durationsFile(engine), 'utf8')) } catch {}
    for (const r of results) if (r.day === undefined && r.engine === engine) last[r.file] = r.ms
    writeFileSync(durationsFile(engine), `${JSON.stringify(last, null, 1)}\n`)
  }
}
process.exit(failed.length === 0 ? 0 : 1)
