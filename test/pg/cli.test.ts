// npm run cli -- migrate / copy, as an operator runs them (the built command, a process of its
// own): a SQLite registry moved into a PostgreSQL database, said table by table, refused the
// second time, the URL's password shown nowhere; and the commands of a PostgreSQL deployment
// (DATABASE_URL set).
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { testClock } from '../clock.js'
import { testConfig } from '../../src/config.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { agenciesService } from '../../src/modules/agencies/service.js'
import { officersService } from '../../src/modules/officers/service.js'
import { ADMIN_ACTOR, idNumber, uscc } from '../fixtures.js'
import { BUILT, cli } from '../integration/cli.js'
import { openPgStore } from '../../src/db/pg/store.js'
import { freshDatabase } from './database.js'

t.test('migrate, then copy a registry file in; a second copy is refused', async (t) => {
  const file = join(t.testdir(), 'city.db')
  const config = testConfig({ DATABASE_PATH: file })
  const store = openSqliteStore(config)
  const ctx = { store, config, clock: testClock() }
  const agency = await agenciesService(ctx).create(ADMIN_ACTOR, { name: '迁移测试局', uscc: uscc(61), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  for (let i = 0; i < 3; i++) await officersService(ctx).register(ADMIN_ACTOR, { name: `迁移${i}`, idNumber: idNumber(60 + i), agencyId: agency.id })
  store.close()

  const to = await freshDatabase(t, [])
  const withPassword = new URL(to)
  withPassword.password = 'pw-never-shown-61'
  const shown = (r: { stdout: string, stderr: string }) => `${r.stdout}${r.stderr}`
  // The password comes from the environment, as the commands ask (the machine's server trusts
  // 127.0.0.1 and takes any).
  process.env.PGPASSWORD = 'pw-never-shown-61'
  t.teardown(() => { delete process.env.PGPASSWORD })

  const refused = cli(file, 'migrate', '--to', withPassword.toString())
  t.equal(refused.status, 2, 'a password in the URL is bad usage')
  t.match(refused.stderr, /a password is not accepted in the URL.*PGPASSWORD/)
  const stray = cli(file, 'copy', withPassword.toString(), '--from', file)
  t.equal(stray.status, 2)
  t.match(stray.stderr, /unexpected argument: postgres:\/\/postgres:\*\*\*@/, 'a URL given without --to is shown without its password')

  const migrated = cli(file, 'migrate', '--to', to)
  t.equal(migrated.status, 0, migrated.stderr)
  t.match(migrated.stdout, /^migrations applied: postgres:\/\/postgres@/)
  t.equal(cli(file, 'migrate', '--to', to).status, 0, 'migrate again: nothing to do, still 0')

  const copied = cli(file, 'copy', '--from', file, '--to', to)
  t.equal(copied.status, 0, copied.stderr)
  t.match(copied.stdout, /^copied \d+ rows of \d+ tables into postgres:\/\/postgres@.* checked: row counts, the audit chain \(4 events, head [0-9a-f]{64}\) verified on PostgreSQL, last event \d+\n$/)
  t.match(copied.stderr, /^agencies: 1 rows$/m, 'each table told as it is done')
  t.match(copied.stderr, /^officers: 3 rows$/m)

  const again = cli(file, 'copy', '--from', file, '--to', to)
  t.equal(again.status, 1)
  t.match(again.stderr, /copy refused: the PostgreSQL database already holds rows in agencies/)
  const missing = cli(file, 'copy', '--from', join(t.testdir(), 'none.db'), '--to', to)
  t.equal(missing.status, 1)
  t.match(missing.stderr, /no database at .*none\.db/)
  for (const r of [refused, stray, migrated, copied, again, missing]) t.notMatch(shown(r), /pw-never-shown-61/, 'the password is shown nowhere')
})

t.test('on DATABASE_URL: migrate, audit verify, nightly and flag-undertrained work on PostgreSQL; backup says to use pg_dump', async (t) => {
  const url = await freshDatabase(t, [])
  const dir = t.testdir()
  const key = randomBytes(32)
  const onPg = (entry: string) => ({ databasePath: join(dir, 'unused.db'), entry, env: { DATABASE_URL: url, ID_ENCRYPTION_KEY: key.toString('base64') } })
  const migrated = cli(onPg(BUILT.cli), 'migrate')
  t.equal(migrated.status, 0, migrated.stderr)
  t.match(migrated.stdout, /^migrations applied: postgres:\/\//, 'migrate takes DATABASE_URL when no --to is given')

  const store = await openPgStore(url, { migrate: false, idNumberKey: key })
  const config = testConfig({ DATABASE_URL: url })
  const ctx = { store, config, clock: testClock() }
  const agency = await agenciesService(ctx).create(ADMIN_ACTOR, { name: '命令测试局', uscc: uscc(62), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  await agenciesService(ctx).confirm(ADMIN_ACTOR, agency.id, { year: 2026, announcementNo: '测试〔2〕号', date: '2026-01-05' })
  const officer = await officersService(ctx).register(ADMIN_ACTOR, { name: '未培训', idNumber: idNumber(63), agencyId: agency.id, joinedOn: '2025-01-01' })
  await store.end()

  const verified = cli(onPg(BUILT.cli), 'audit', 'verify')
  t.equal(verified.status, 0, verified.stderr)
  t.match(verified.stdout, /^audit chain ok: 3 events; head [0-9a-f]{64}\n$/, 'the chain the service wrote there')
  const nightly = cli(onPg(BUILT.nightly), '--year', '2026', '--as-of', '2026-12-01')
  t.equal(nightly.status, 0, nightly.stderr)
  t.match(JSON.parse(nightly.stdout), { year: 2026, asOf: '2026-12-01' }, 'the nightly read PostgreSQL')
  const flagged = cli(onPg(BUILT.flagUndertrained), '--year', '2026', '--as-of', '2026-12-01')
  t.equal(flagged.status, 0, flagged.stderr)
  t.match(JSON.parse(flagged.stdout), { year: 2026, findings: [{ officerId: officer.id, status: 'at_risk' }] }, 'the officer with no training flagged, read from PostgreSQL')
  const backup = cli(onPg(BUILT.cli), 'backup', join(dir, 'copy.db'))
  t.equal(backup.status, 2)
  t.match(backup.stderr, /pg_dump --format=custom/, 'backup on PostgreSQL says how, with pg_dump')
  t.notOk(existsSync(join(dir, 'copy.db')), 'and writes no file')
})
