// The README's "first ten minutes" (issue 19.6): its shell blocks, taken from README.md as
// written and run in order in one bash (set -euo pipefail: any refused request stops it), against
// a fresh server started from dist/ as npm start does. So the walkthrough cannot drift from the
// API: each step's answer is checked here.
// engine: sqlite-only — the README's walkthrough runs `npm start` on its SQLite file; on PostgreSQL: test/pg/contract-smoke.test.ts
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startChild } from '../../bench/proc.js'
import { BUILT } from './cli.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const HEADING = '## The first ten minutes, with curl'

/** The ```sh blocks of the README's walkthrough section, in order. */
function walkthroughBlocks (readme: string): string[] {
  const section = (readme.split(HEADING)[1] ?? '').split('\n## ')[0] ?? ''
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string)
}

t.test('every curl block of the README walkthrough works against a fresh server', async (t) => {
  const blocks = walkthroughBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'))
  t.equal(blocks.length, 6, 'sign-in, agency, officer and exam, certificate, training, report')
  const dir = t.testdir()
  const password = 'Walkthrough-Admin-1'
  const server = await startChild(BUILT.server, { DATABASE_PATH: join(dir, 'registry.db'), REGISTRY_ADMIN_PASSWORD: password, LOG_LEVEL: 'silent' })
  t.teardown(() => server.stop())

  const run = spawnSync('bash', ['-c', `set -euo pipefail\n${blocks.join('\n')}`], {
    // This process's environment: under faketime (CI's dated runs) the shell's `date` is then the
    // server's day, as it is on a real machine.
    cwd: dir, env: { ...process.env, BASE: server.url, ADMIN_PASSWORD: password }, encoding: 'utf8', timeout: 60_000
  })
  t.equal(run.status, 0, `the walkthrough ran to its end: ${run.stderr}`)
  const out = run.stdout
  t.match(out, /"kind": "yearly"/, 'the confirmation is recorded')
  t.match(out, /"score": 86,\s*"passed": true/, 'the exam is passed')
  t.match(out, /"valid": true,\s*"status": "active",\s*"holder": "张三"/, 'the card verifies without a token')
  t.match(out, /"recorded": 1/, 'the attendance is recorded')
  t.match(out, /"publicLawHours": 30,\s*"professionalHours": 0/, 'the 30 学时 are credited')
  const csv = readFileSync(join(dir, 'training-compliance.csv'), 'utf8')
  t.match(csv, /^\ufeff/, 'the report is a CSV with its BOM')
  t.match(csv, /张三/, 'listing the officer')
  t.notMatch(csv, /140802198805120012/, 'without the whole ID number')
})

t.test('every picture and file the README links to is in the repository', async (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const targets = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1] as string)
    .filter((target) => !/^[a-z]+:/i.test(target))
  t.ok(targets.some((target) => target.endsWith('.png')), 'the README shows pictures')
  for (const target of targets) {
    t.ok(existsSync(join(ROOT, target)), `${target} exists`)
    const tracked = spawnSync('git', ['ls-files', '--error-unmatch', target], { cwd: ROOT })
    t.equal(tracked.status, 0, `${target} is committed, not made by a local run`)
  }
})
