// Commands say what is wrong (issue 19.4): each misuse of cli, nightly, flag-undertrained and
// seed, parsed in process (the parsers are pure; today is given), with the message it prints
// and the usage printed after it. The exit codes are runCli's (a Usage is 2, Help is 0, any
// other error 1): the tests that start the bundles see them (cli-accounts, nightly,
// flag-undertrained, audit); the seed's, started here, once for bad usage and once refusing.
// engine: sqlite-only — parsers and commands on a SQLite file (DATABASE_PATH), the same whatever the engine; on DATABASE_URL: test/pg/cli.test.ts
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cliCommand, USAGE, USAGES } from '../../src/cli/main.js'
import { FLAG_USAGE, flagCommand } from '../../src/cli/flag-undertrained.js'
import { NIGHTLY_USAGE, nightlyCommand, summarize } from '../../src/cli/nightly.js'
import { Help, Usage } from '../../src/cli/runner.js'
import { testConfig } from '../../src/config.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { agenciesService } from '../../src/modules/agencies/service.js'
import { SEED_USAGE, seedArguments } from '../../seeds/seed.js'
import { ADMIN_ACTOR, uscc } from '../fixtures.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TODAY = '2026-12-07'

/** What parsing `argv` throws: ['usage', message, usage text] or ['help', text]. */
function outcome (parse: () => unknown): [string, string, string?] {
  try {
    parse()
  } catch (err) {
    if (err instanceof Usage) return ['usage', err.message, err.usage]
    if (err instanceof Help) return ['help', err.text]
    throw err
  }
  return ['parsed', '']
}

t.test('cli: groups print their usage, each command has --help, a missing option is named', async (t) => {
  const cases: Array<[string[], [string, string | RegExp, string?]]> = [
    [[], ['usage', 'no command given']],
    [['lunch'], ['usage', 'unknown command: lunch']],
    [['user'], ['usage', 'user needs a command: add, passwd, disable', [USAGES['user add'], USAGES['user passwd'], USAGES['user disable']].join('\n\n')]],
    [['audit'], ['usage', 'audit needs a command: verify', USAGES['audit verify']]],
    [['client'], ['usage', 'client needs a command: add', USAGES['client add']]],
    [['user', 'frob'], ['usage', 'unknown command: user frob', [USAGES['user add'], USAGES['user passwd'], USAGES['user disable']].join('\n\n')]],
    [['user', 'add', '--role', 'clerk'], ['usage', '--username is required', USAGES['user add']]],
    [['user', 'add', '--username', 'wang'], ['usage', '--role is required', USAGES['user add']]],
    [['user', 'add', '--username', 'wang', '--role', 'boss'], ['usage', '--role must be admin, clerk, hr or auditor', USAGES['user add']]],
    [['user', 'add', '--username', 'wang', '--role', 'clerk', '--agency', '1e3'], ['usage', '--agency must be a whole number from 1 to 2147483647']],
    [['user', 'add', '--username', 'wang', '--role', 'clerk', '--password', 'Long-Enough-1'], ['usage', /^--password is not accepted: a password on the command line is seen by every user/, USAGES['user add']]],
    [['user', 'passwd'], ['usage', '--username is required', USAGES['user passwd']]],
    [['user', 'disable', 'wang'], ['usage', 'unexpected argument: wang', USAGES['user disable']]],
    [['client', 'add', '--role', 'hr'], ['usage', '--name is required', USAGES['client add']]],
    [['audit', 'verify', 'now'], ['usage', 'unexpected argument: now', USAGES['audit verify']]],
    [['backup'], ['usage', 'backup takes one FILE', USAGES.backup]],
    [['user', '--bogus'], ['usage', /^Unknown option '--bogus'/]],
    [['--help'], ['help', USAGE]],
    [['user', '--help'], ['help', [USAGES['user add'], USAGES['user passwd'], USAGES['user disable']].join('\n\n')]],
    [['audit', '-h'], ['help', USAGES['audit verify']]],
    [['user', 'add', '--help'], ['help', USAGES['user add']]],
    [['user', 'passwd', '--help'], ['help', USAGES['user passwd']]],
    [['user', 'disable', '--help'], ['help', USAGES['user disable']]],
    [['client', 'add', '--help'], ['help', USAGES['client add']]],
    [['audit', 'verify', '--help'], ['help', USAGES['audit verify']]],
    [['backup', '--help'], ['help', USAGES.backup]],
    [['migrate', 'now', '--to', 'postgres://h/db'], ['usage', 'unexpected argument: now', USAGES.migrate]],
    [['copy', '--to', 'postgres://h/db'], ['usage', '--from FILE is required', USAGES.copy]],
    [['copy', '--from', 'a.db', '--to', 'mysql://h/db'], ['usage', '--to postgres://… is required', USAGES.copy]],
    [['copy', '--help'], ['help', USAGES.copy]],
    [['copy', '--from', 'a.db', '--to', 'postgres://u:secret@h/db'], ['usage', /^a password is not accepted in the URL: .*PGPASSWORD/, USAGES.copy]],
    [['migrate', '--to', 'postgres://u@h/db?password=secret'], ['usage', /^a password is not accepted in the URL/, USAGES.migrate]],
    [['copy', 'postgres://u:secret@h/db', '--from', 'a.db'], ['usage', 'unexpected argument: postgres://u:***@h/db', USAGES.copy]]
  ]
  for (const [argv, [kind, message, usage]] of cases) {
    const [gotKind, gotMessage, gotUsage] = outcome(() => cliCommand(argv))
    t.equal(gotKind, kind, `${argv.join(' ')}: ${kind}`)
    if (typeof message === 'string') t.equal(gotMessage, message, argv.join(' '))
    else t.match(gotMessage, message, argv.join(' '))
    if (usage !== undefined) t.equal(gotUsage, usage, `${argv.join(' ')}: the usage of the command meant`)
  }
  t.same(cliCommand(['client', 'add', '--name', '审计系统', '--role', 'auditor', '--agency', '7']), { name: 'client add', clientName: '审计系统', role: 'auditor', agencyId: 7 })
  t.same(cliCommand(['user', 'add', '--username', 'root', '--role', 'admin']), { name: 'user add', username: 'root', role: 'admin', agencyId: null })
  t.same(cliCommand(['backup', 'copy.db', '--force']), { name: 'backup', file: 'copy.db', force: true })
  t.same(cliCommand(['migrate']), { name: 'migrate', to: undefined }, 'migrate without --to: DATABASE_URL, or a usage error when run')
  t.same(cliCommand(['migrate', '--to', 'postgresql://h/db']), { name: 'migrate', to: 'postgresql://h/db' })
  t.same(cliCommand(['copy', '--from', 'city.db', '--to', 'postgres://u@h:5432/db']), { name: 'copy', from: 'city.db', to: 'postgres://u@h:5432/db' })
})

t.test('flag-undertrained and nightly: a year not begun, or --as-of before the year, is bad usage', async (t) => {
  const cases: Array<[string[], string | RegExp]> = [
    [['--year', '2027'], 'the training year 2027 has not begun (today is 2026-12-07); give --year 2026 or earlier'],
    [['--year', '2026', '--as-of', '2025-12-31'], '--as-of 2025-12-31 is before the training year 2026 begins; give a day of 2026 or later'],
    [['--year', 'twenty'], '--year must be a whole number from 2000 to 2100'],
    [['--as-of', '2026-02-30'], '--as-of must be a date YYYY-MM-DD'],
    [['--bogus'], /^Unknown option '--bogus'/]
  ]
  for (const [parse, name] of [[(a: string[]) => flagCommand(a, TODAY), 'flag-undertrained'], [(a: string[]) => nightlyCommand(a, TODAY), 'nightly']] as const) {
    for (const [argv, message] of cases) {
      const [kind, got] = outcome(() => parse(argv))
      t.equal(kind, 'usage', `${name} ${argv.join(' ')}`)
      if (typeof message === 'string') t.equal(got, message)
      else t.match(got, message)
    }
    t.equal(outcome(() => parse(['--year', '2026', '--as-of', '2027-01-05']))[0], 'parsed', `${name}: a closed year as of a day after it`)
    t.equal(outcome(() => parse(['--year', '2025']))[0], 'parsed', `${name}: last year`)
    t.equal(outcome(() => parse(['--as-of', '2027-01-05']))[0], 'parsed', `${name}: --as-of alone (its year is the one it picks)`)
  }
  t.same(outcome(() => flagCommand(['--format', 'xml'], TODAY)).slice(0, 2), ['usage', '--format must be json or csv'])
  t.same(outcome(() => flagCommand(['--help'], TODAY)), ['help', FLAG_USAGE])
  t.same(outcome(() => nightlyCommand(['-h'], TODAY)), ['help', NIGHTLY_USAGE])
})

t.test('nightly: compact off a terminal, --summary keeps the counts and the first N of each list', async (t) => {
  t.match(nightlyCommand([], TODAY, false), { asOf: TODAY, first: undefined, pretty: false, days: 30 })
  t.match(nightlyCommand([], TODAY, true), { pretty: true }, 'indented on a terminal')
  t.match(nightlyCommand(['--pretty'], TODAY, false), { pretty: true })
  t.match(nightlyCommand(['--summary'], TODAY), { first: 10 })
  t.match(nightlyCommand(['--summary', '--first', '2'], TODAY), { first: 2 })
  t.same(outcome(() => nightlyCommand(['--first', '2'], TODAY)).slice(0, 2), ['usage', '--first goes with --summary'])
  const result = { year: 2026, counts: { a: 3, b: 0 }, checks: { a: [1, 2, 3], b: [] } }
  t.same(summarize(result, 2), { year: 2026, counts: { a: 3, b: 0 }, checks: { a: [1, 2], b: [] }, listed: 2 })
})

t.test('seed: bad options are usage errors, not stack traces', async (t) => {
  t.same(outcome(() => seedArguments(['--help'])), ['help', SEED_USAGE])
  t.match(outcome(() => seedArguments(['--bogus'])), ['usage', /^Unknown option '--bogus'/])
  t.same(outcome(() => seedArguments(['--scale', '0'])).slice(0, 2), ['usage', '--scale must be a number in (0, 10]'])
  t.same(outcome(() => seedArguments(['--today', '2026-13-01'])).slice(0, 2), ['usage', '--today must be YYYY-MM-DD'])
  t.same(seedArguments(['--demo-accounts', '--scale', '0.1']), { scale: 0.1, today: undefined, demoAccounts: true, force: false })

  // As a process: exit 2, the message and the usage, no stack; a registry in use is refused.
  const file = join(t.testdir(), 'registry.db')
  const store = openSqliteStore(file)
  await agenciesService({ store, config: testConfig({ DATABASE_PATH: file }), clock: () => new Date('2026-03-02T02:00:00Z') })
    .create(ADMIN_ACTOR, { name: '在用的司法局', uscc: uscc(41), kind: 'organ', level: 'city', regionCode: '140802', domains: ['司法行政'] })
  store.close()
  const seedRun = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'seeds/seed.ts', ...args], {
    cwd: ROOT, env: { ...process.env, DATABASE_PATH: file, LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 120_000
  })
  const bogus = seedRun('--bogus')
  t.equal(bogus.status, 2, 'seed --bogus: exit 2')
  t.match(bogus.stderr, /^Unknown option '--bogus'.*\n\nusage: npm run seed/)
  t.notMatch(bogus.stderr, /\n\s+at /, 'no stack trace')
  const refused = seedRun('--scale', '0.05', '--today', '2026-03-02')
  t.equal(refused.status, 2, 'a database holding real data: exit 2')
  t.match(refused.stderr, /registry\.db: the database holds real data \(1 agency, 1 changes to agencies and officers not made by the seed\).*--force/)
  t.equal(refused.stdout, '')
})
