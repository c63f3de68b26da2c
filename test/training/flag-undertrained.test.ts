// engine: sqlite-only — the command runs as a process on a SQLite file (--db); on DATABASE_URL: test/pg/cli.test.ts
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { testConfig } from '../../src/config.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { agenciesService } from '../../src/modules/agencies/service.js'
import { officersService } from '../../src/modules/officers/service.js'
import { trainingService } from '../../src/modules/training/service.js'
import { idNumber, uscc } from '../fixtures.js'
import { BUILT } from '../integration/cli.js'
import { ADMIN_ACTOR, NOW } from './world.js'

/** A registry file on disk: two agencies; one officer trained 30 + 30, one with 10 + 0, one with nothing. */
async function registryFile (dir: string) {
  const file = join(dir, 'registry.db')
  const store = openSqliteStore({ DATABASE_PATH: file })
  const ctx = { store, config: testConfig({ DATABASE_PATH: file }), clock: () => NOW }
  const agencies = agenciesService(ctx)
  const officers = officersService(ctx)
  const training = trainingService(ctx)
  const city = await agencies.create(ADMIN_ACTOR, { name: '示例市司法局', uscc: uscc(1), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  const county = await agencies.create(ADMIN_ACTOR, { name: '示例县市场监管局', uscc: uscc(2), kind: 'organ', level: 'county', parentId: city.id, regionCode: '140802', domains: ['市场监管'] })
  const other = await agencies.create(ADMIN_ACTOR, { name: '另一县', uscc: uscc(3), kind: 'organ', level: 'county', parentId: city.id, regionCode: '140802', domains: ['市场监管'] })
  const done = await officers.register(ADMIN_ACTOR, { name: '达标', idNumber: idNumber(1), agencyId: county.id })
  const short = await officers.register(ADMIN_ACTOR, { name: '欠学时', idNumber: idNumber(2), agencyId: county.id })
  const none = await officers.register(ADMIN_ACTOR, { name: '未培训', idNumber: idNumber(3), agencyId: other.id })
  const base = { startDate: '2026-03-01', endDate: '2026-03-01', mode: 'offline' as const, provider: '市司法局', title: '培训' }
  const pl = await training.createTraining(ADMIN_ACTOR, { ...base, category: 'public_law', hours: 30 })
  const pro = await training.createTraining(ADMIN_ACTOR, { ...base, category: 'professional', minutes: 1350 })
  await training.recordAttendances(ADMIN_ACTOR, pl.id, [done.id])
  await training.recordAttendances(ADMIN_ACTOR, pro.id, [done.id])
  await training.recordExternal(ADMIN_ACTOR, { officerId: short.id, category: 'public_law', hours: 10, date: '2026-02-01', evidence: '证书' })
  store.close()
  return { file, county, other, done, short, none }
}

function flag (file: string, ...args: string[]) {
  return spawnSync(process.execPath, [BUILT.flagUndertrained, ...args], {
    env: { ...process.env, DATABASE_PATH: file, TZ: 'UTC' },
    encoding: 'utf8',
    timeout: 60000
  })
}

t.test('lists the short and the behind with their deficits; exit 0, or 3 with --fail-on-findings', async (t) => {
  const r = await registryFile(t.testdir())
  const res = flag(r.file, '--year', '2026', '--as-of', '2026-11-30')
  t.equal(res.status, 0, res.stderr)
  const out = JSON.parse(res.stdout)
  t.match(out, { year: 2026, asOf: '2026-11-30', ruleVersion: '2023', agencyId: null })
  t.same(out.findings.map((f: { officerId: number }) => f.officerId), [r.short.id, r.none.id], 'the trained officer is not listed')
  t.match(out.findings[0], { name: '欠学时', status: 'at_risk', publicLawHours: 10, publicLawDeficitHours: 20, professionalDeficitHours: 30, professionalDeficitUnits: 2700 })
  t.match(res.stderr, /2 flagged \(0 non_compliant, 2 at_risk\)/)
  const failing = flag(r.file, '--year', '2026', '--as-of', '2027-01-05', '--fail-on-findings')
  t.equal(failing.status, 3)
  t.same(JSON.parse(failing.stdout).findings.map((f: { status: string }) => f.status), ['non_compliant', 'non_compliant'])
})

t.test('--as-of alone sets the year as the nightly does: its own from 1 July (AT_RISK_FROM), the year before until then', async (t) => {
  const r = await registryFile(t.testdir())
  const res = flag(r.file, '--as-of', '2025-12-31')
  t.equal(res.status, 0, res.stderr)
  t.match(JSON.parse(res.stdout), { year: 2025, asOf: '2025-12-31' })
  t.match(res.stderr, /^flag-undertrained: 2025 as of 2025-12-31/)
  const january = flag(r.file, '--as-of', '2027-01-05')
  t.equal(january.status, 0, january.stderr)
  const out = JSON.parse(january.stdout)
  t.match(out, { year: 2026, asOf: '2027-01-05' }, 'on 5 January, the year just closed')
  t.same(out.findings.map((f: { status: string }) => f.status), ['non_compliant', 'non_compliant'], 'its shortfalls, final')
})

t.test('--agency narrows to a subtree; --format csv --out writes a file; nothing flagged exits 0 even with --fail-on-findings', async (t) => {
  const dir = t.testdir()
  const r = await registryFile(dir)
  const out = join(dir, 'flags.csv')
  const res = flag(r.file, '--year', '2026', '--as-of', '2026-11-30', '--agency', String(r.county.id), '--format', 'csv', '--out', out)
  t.equal(res.status, 0, res.stderr)
  t.equal(res.stdout, '', 'nothing on stdout when --out is given')
  const lines = readFileSync(out, 'utf8').replace(/^\ufeff/, '').trimEnd().split('\r\n')
  t.equal(lines.length, 2)
  t.match(lines[0], /^人员编号,姓名,/)
  t.match(lines[1], new RegExp(`^${r.short.id},欠学时,`))
  const clean = flag(r.file, '--year', '2022', '--fail-on-findings')
  t.equal(clean.status, 0, 'no rule before 2023: nobody is short')
  t.same(JSON.parse(clean.stdout).findings, [])
})

t.test('the database is opened read-only: the file is not changed', async (t) => {
  const r = await registryFile(t.testdir())
  const before = readFileSync(r.file)
  t.equal(flag(r.file, '--year', '2026').status, 0)
  t.ok(readFileSync(r.file).equals(before))
})

t.test('bad usage exits 2 with the usage text; no database there is a failure, exit 1', async (t) => {
  // What only a process shows; each argument's own message is tested in process (cli-usage.test.ts).
  const dir = t.testdir()
  const r = await registryFile(dir)
  for (const args of [['--agency', '999999'], ['--bogus'], ['--year', '2100']]) {
    const res = flag(r.file, ...args)
    t.equal(res.status, 2, args.join(' '))
    t.match(res.stderr, /usage: node dist\/cli\/flag-undertrained\.mjs/, args.join(' '))
  }
  const missing = flag(r.file, '--db', join(dir, 'missing.db'))
  t.equal(missing.status, 1, 'a database that is not there: the run failed')
  t.match(missing.stderr, /^flag-undertrained failed: no database at .*missing\.db/)
  t.equal(missing.stdout, '')
  const bad = spawnSync(process.execPath, [BUILT.flagUndertrained], {
    env: { ...process.env, DATABASE_PATH: r.file, TRAINING_RULES: '[1]' }, encoding: 'utf8', timeout: 60000
  })
  t.equal(bad.status, 2, 'a bad TRAINING_RULES is bad usage too')
  t.match(bad.stderr, /TRAINING_RULES/)
  const help = flag(r.file, '--help')
  t.equal(help.status, 0)
  t.match(help.stdout, /^usage: node dist\/cli\/flag-undertrained\.mjs/)
})
