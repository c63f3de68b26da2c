// The account commands as a real process (npm run cli -- user … / client …): what they create
// works for signing in, a refusal exits 1 naming its code, a bad usage exits 2 with the usage.
// The password comes on standard input, never as an argument. (Each misuse's message is tested in
// process, cli-usage.test.ts; here what only a process shows.)
// machine date: not read — the account commands it runs create, change and disable accounts: nothing they do reads the day
// engine: sqlite-only — the commands run as processes on a SQLite file (DATABASE_PATH); on DATABASE_URL: test/pg/cli.test.ts
import t from 'tap'
import { dirname, join } from 'node:path'
import { testClock } from '../clock.js'
import { testConfig } from '../../src/config.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { accountsService } from '../../src/modules/accounts/service.js'
import { agenciesService } from '../../src/modules/agencies/service.js'
import { ADMIN_ACTOR, uscc } from '../fixtures.js'
import { cli, cliWithInput } from './cli.js'
import { queryColumn } from '../db.js'

t.test('user and client commands: create, change password, disable; refusals and bad usage', async (t) => {
  const file = join(t.testdir(), 'accounts.db')
  const store = openSqliteStore(file)
  const ctx = { store, config: testConfig({ DATABASE_PATH: file }), clock: testClock() }
  const agency = await agenciesService(ctx).create(ADMIN_ACTOR, { name: '命令行测试局', uscc: uscc(21), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  store.close()
  const accounts = () => {
    const s = openSqliteStore(file)
    return { svc: accountsService({ store: s, config: testConfig({ DATABASE_PATH: file }), clock: testClock() }), close: () => s.close() }
  }

  const added = cliWithInput(file, 'Clerk-Password-1\n', 'user', 'add', '--username', 'clerk1', '--role', 'clerk', '--agency', String(agency.id))
  t.equal(added.status, 0, added.stderr)
  t.match(added.stdout, /created user clerk1 \(id \d+, role clerk\)/)
  let a = accounts()
  t.match(await a.svc.authenticateUser('clerk1', 'Clerk-Password-1'), { role: 'clerk', agencyId: agency.id }, 'the new clerk signs in, scoped to the agency')
  a.close()

  // The password from standard input, as a script pipes it.
  const piped = cliWithInput(file, 'New-Clerk-Password-2\n', 'user', 'passwd', '--username', 'clerk1')
  t.equal(piped.status, 0, piped.stderr)
  a = accounts()
  t.match(await a.svc.authenticateUser('clerk1', 'New-Clerk-Password-2'), { role: 'clerk' }, 'the piped password is the new one')
  await t.rejects(a.svc.authenticateUser('clerk1', 'Clerk-Password-1'), 'the old one no longer works')
  a.close()

  const disabled = cli(file, 'user', 'disable', '--username', 'clerk1')
  t.equal(disabled.status, 0, disabled.stderr)
  a = accounts()
  await t.rejects(a.svc.authenticateUser('clerk1', 'New-Clerk-Password-2'), 'a disabled user cannot sign in')
  a.close()

  const client = cli(file, 'client', 'add', '--name', 'HR 系统', '--role', 'hr', '--agency', String(agency.id))
  t.equal(client.status, 0, client.stderr)
  const [, id, secret] = /client_id=(\S+)\nclient_secret=(\S+)/.exec(client.stdout) ?? []
  t.match(id, /^hr-/, 'an HR system\'s id starts hr-')
  const auditor = cli(file, 'client', 'add', '--name', '审计系统', '--role', 'auditor', '--agency', String(agency.id))
  t.match(auditor.stdout, /^client_id=auditor-\S+\n/, 'an auditor client\'s id starts with its role, not hr-')
  a = accounts()
  t.match(await a.svc.authenticateClient(id ?? '', secret ?? ''), { role: 'hr', agencyId: agency.id }, 'the client signs in with the printed secret')
  a.close()

  const refused = cliWithInput(file, 'Some-Password-3', 'user', 'add', '--username', 'nobody', '--role', 'clerk')
  t.equal(refused.status, 1, 'a refusal exits 1')
  t.match(refused.stderr, /refused: SCOPE_REQUIRED/)
  const cases: Array<[string[], string, RegExp]> = [
    [['user'], '', /^user needs a command: add, passwd, disable\n\nusage: node dist\/cli\/main\.mjs user add /],
    [['lunch'], '', /^unknown command: lunch\n\nusage: node dist\/cli\/main\.mjs <command>/],
    [['user', 'add', '--role', 'clerk'], 'Some-Password-3', /^--username is required\n/],
    [['user', 'passwd', '--username', 'ghost'], 'Some-Password-3', /^no user ghost\n/],
    [['user', 'passwd', '--username', 'clerk1'], 'short', /^a password needs at least 10 characters/],
    [['user', 'passwd', '--username', 'clerk1', '--password', 'Some-Password-3'], '', /^--password is not accepted/]
  ]
  for (const [args, input, message] of cases) {
    const r = cliWithInput(file, input, ...args)
    t.equal(r.status, 2, `${args.join(' ')}: usage error`)
    t.match(r.stderr, message, args.join(' '))
  }
  const help = cli(file, 'user', 'add', '--help')
  t.equal(help.status, 0, 'user add --help')
  t.match(help.stdout, /^usage: node dist\/cli\/main\.mjs user add --username NAME/)
  t.equal(help.stderr, '')
  const none = cli(join(dirname(file), 'missing.db'), 'audit', 'verify')
  t.equal(none.status, 1, 'no database file: the command failed')
  t.match(none.stderr, /^cli failed: no database at/)

  const s = openSqliteStore(file)
  t.same(await queryColumn(s, "select entity || ' ' || action from audit_events where entity in ('user', 'client') order by id"), ['user create', 'user update+password', 'user update', 'client create', 'client create'], 'each account change is audited')
  s.close()
})
