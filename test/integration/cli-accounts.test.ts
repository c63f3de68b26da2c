// The account commands as a real process (npm run cli -- user … / client …): what they create
// works for signing in, a refusal exits 1 naming its code, a bad usage exits 2 with the usage.
import t from 'tap'
import { dirname, join } from 'node:path'
import { testClock } from '../clock.js'
import { testConfig } from '../../src/config.js'
import { openDatabase } from '../../src/db/open.js'
import { accountsService } from '../../src/modules/accounts/service.js'
import { agenciesService } from '../../src/modules/agencies/service.js'
import { ADMIN_ACTOR, uscc } from '../fixtures.js'
import { cli, cliWithInput } from './cli.js'

t.test('user and client commands: create, change password, disable; refusals and bad usage', async (t) => {
  const file = join(t.testdir(), 'accounts.db')
  const store = openDatabase(file)
  const ctx = { store, config: testConfig({ DATABASE_PATH: file }), clock: testClock() }
  const agency = agenciesService(ctx).create(ADMIN_ACTOR, { name: '命令行测试局', uscc: uscc(21), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  store.close()
  const accounts = () => {
    const s = openDatabase(file)
    return { svc: accountsService({ store: s, config: testConfig({ DATABASE_PATH: file }), clock: testClock() }), close: () => s.close() }
  }

  const added = cli(file, 'user', 'add', '--username', 'clerk1', '--role', 'clerk', '--agency', String(agency.id), '--password', 'Clerk-Password-1')
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
  a = accounts()
  t.match(await a.svc.authenticateClient(id ?? '', secret ?? ''), { role: 'hr', agencyId: agency.id }, 'the client signs in with the printed secret')
  a.close()

  const refused = cli(file, 'user', 'add', '--username', 'nobody', '--role', 'clerk', '--password', 'Some-Password-3')
  t.equal(refused.status, 1, 'a refusal exits 1')
  t.match(refused.stderr, /refused: SCOPE_REQUIRED/)
  for (const args of [['user', 'add', '--username', 'x', '--role', 'boss', '--password', 'Some-Password-3'], ['user', 'add', '--bogus'], ['lunch'], ['user', 'passwd', '--username', 'ghost', '--password', 'x'],
    ['user', 'add', '--username', 'y', '--role', 'clerk', '--agency', '0', '--password', 'Some-Password-3'],
    ['user', 'add', '--username', 'y', '--role', 'clerk', '--agency', '1e3', '--password', 'Some-Password-3']]) {
    const r = cli(file, ...args)
    t.equal(r.status, 2, `${args.join(' ')}: usage error`)
    t.match(r.stderr, /usage: npm run cli/)
  }
  const none = cli(join(dirname(file), 'missing.db'), 'audit', 'verify')
  t.equal(none.status, 2, 'no database file: usage error')
  t.match(none.stderr, /no database at/)

  const s = openDatabase(file)
  t.same(s.sqlite.prepare("select entity || ' ' || action from audit_events where entity in ('user', 'client') order by id").pluck().all(), ['user create', 'user update+password', 'user update', 'client create'], 'each account change is audited')
  s.close()
})
