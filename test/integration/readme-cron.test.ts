// The README's cron lines, run as written there (issue 19.1): each one's standard output is the
// data and nothing else (it parses as JSON whole: no npm banner before it), the nightly's on one
// line off a terminal. The lines run dist/'s bundles with plain Node: nothing rebuilds first
// (the npm run forms' pre-step) and nothing prints before the data (npm's banner).
// engine: sqlite-only — the README's cron lines run on a SQLite file (DATABASE_PATH); on DATABASE_URL: test/pg/cli.test.ts
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { testConfig } from '../../src/config.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { agenciesService } from '../../src/modules/agencies/service.js'
import { officersService } from '../../src/modules/officers/service.js'
import { ADMIN_ACTOR, idNumber, uscc } from '../fixtures.js'
import { BUILT } from './cli.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The crontab lines of the README's "Nightly from cron" block: [schedule, command]. */
function cronLines (readme: string): Array<{ line: string, command: string }> {
  const section = readme.split('### Nightly from cron')[1] ?? ''
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
  return block.split('\n').flatMap((line) => {
    const m = /^(?:[\d*/,-]+\s+){5}cd \S+ && (.+)$/.exec(line)
    return m ? [{ line, command: m[1] as string }] : []
  })
}

t.test('every cron line of the README prints only its data on standard output, from dist/ as built', async (t) => {
  const lines = cronLines(readFileSync(join(ROOT, 'README.md'), 'utf8'))
  t.same(lines.map((l) => l.command.split(' ')[1]), ['dist/cli/nightly.mjs', 'dist/cli/flag-undertrained.mjs'], 'the README shows both nightly commands, from dist/')

  const file = join(t.testdir(), 'registry.db')
  const store = openSqliteStore({ DATABASE_PATH: file })
  const ctx = { store, config: testConfig({ DATABASE_PATH: file }), clock: () => new Date('2026-03-02T02:00:00Z') }
  const agency = await agenciesService(ctx).create(ADMIN_ACTOR, { name: '定时任务测试局', uscc: uscc(31), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  await officersService(ctx).register(ADMIN_ACTOR, { name: '未培训', idNumber: idNumber(31), agencyId: agency.id, joinedOn: '2026-03-01' })
  store.close()

  t.ok([BUILT.nightly, BUILT.flagUndertrained].every((f) => existsSync(join(ROOT, f))), 'dist/ is built')
  for (const { line, command } of lines) {
    // As cron runs it: sh -c, in the installation's folder, with the crontab's DATABASE_PATH.
    const started = performance.now()
    const run = spawnSync('/bin/sh', ['-c', command], { cwd: ROOT, env: { PATH: process.env.PATH, DATABASE_PATH: file }, encoding: 'utf8', timeout: 60_000 })
    t.equal(run.status, 0, `${line}: ${run.stderr}`)
    t.comment(`${command}: ${Math.round(performance.now() - started)} ms`)
    t.match(run.stdout, /^\{/, 'standard output begins with the data')
    const data = JSON.parse(run.stdout)
    t.ok(data.year >= 2026, `${command}: one JSON document on standard output`)
    if (command.includes('nightly')) {
      t.equal(run.stdout.trimEnd().split('\n').length, 1, 'one line: standard output is not a terminal')
      t.equal(data.listed, 10, '--summary: the first 10 rows of each list')
      t.equal(data.counts.agenciesNotConfirmed, 1, 'and the counts')
    }
  }
})

t.test('npm install and npm ci build dist/ (the prepare step), so the cron lines work after either', async (t) => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  t.equal(pkg.scripts.prepare, 'node scripts/build.mjs')
  t.ok(pkg.dependencies.esbuild, 'the build needs only dependencies (npm ci --omit=dev builds too)')
})
