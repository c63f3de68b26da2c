// One password rule (issue 19.2): the API (POST and PATCH /v1/users), the command line (the
// password typed or piped to user add / user passwd) and the first admin's
// REGISTRY_ADMIN_PASSWORD accept the same passwords and refuse the others with the same sentence.
import t from 'tap'
import { passwordFromInput, USAGES } from '../../src/cli/main.js'
import { Usage } from '../../src/cli/runner.js'
import { loadConfig } from '../../src/config.js'
import { passwordProblem } from '../../src/domain/password-rule.js'
import { RegistryError } from '../../src/errors.js'
import { systemActor } from '../../src/modules/audit/repository.js'
import { buildTestApp } from '../helper.js'

const TOO_SHORT = 'a password needs at least 10 characters / 密码至少 10 个字符'
const TOO_LONG = 'a password has at most 256 characters / 密码至多 256 个字符'

const TABLE: Array<[string, string, string | null]> = [
  ['nine characters', 'Nine-char', TOO_SHORT],
  ['ten characters', 'Ten-chars!', null],
  ['the old setting minimum of 8', 'Eight-ch', TOO_SHORT],
  ['ten Chinese characters', '执法人员登记系统密码', null],
  ['nine Chinese characters', '执法人员登记系统码', TOO_SHORT],
  ['ten emoji: code points, not UTF-16 units', '🔑'.repeat(10), null],
  ['five emoji (ten UTF-16 units)', '🔑'.repeat(5), TOO_SHORT],
  ['spaces count, taken as sent', '  padded  ', null],
  ['256 characters', 'p'.repeat(256), null],
  ['257 characters', 'p'.repeat(257), TOO_LONG]
]

t.test('the rule itself', async (t) => {
  for (const [name, password, problem] of TABLE) t.equal(passwordProblem(password), problem, name)
})

t.test('the same through the API, the command line and the setting', async (t) => {
  const { app, as } = await buildTestApp(t)
  const admin = await as('admin')
  let n = 0
  for (const [name, password, problem] of TABLE) {
    // POST /v1/users
    const res = await app.inject({ method: 'POST', url: '/v1/users', headers: admin, payload: { username: `pw-${++n}`, password, role: 'admin' } })
    if (problem === null) t.equal(res.statusCode, 201, `API accepts: ${name}`)
    else {
      t.equal(res.statusCode, 400, `API refuses: ${name}`)
      // The validation messages name the field before the rule's sentence (http/validation-messages).
      t.same(res.json().errors, [{ in: 'body', pointer: '/password', detail: `password: ${problem}` }], 'with the rule\'s sentence')
    }
    // user add / user passwd, the password piped with its line break
    let cli: string | null = null
    try {
      t.equal(passwordFromInput(`${password}\n`, USAGES['user add']), password, `CLI takes it as sent: ${name}`)
    } catch (err) {
      t.ok(err instanceof Usage, 'a usage error: exit 2')
      cli = (err as Usage).message
    }
    t.equal(cli, problem, `CLI: ${name}`)
    // The accounts service itself, whoever calls it (the commands, the first start, the seed)
    const direct = await app.services.accounts.createUser(systemActor('test'), { username: `svc-${n}`, password, role: 'admin' })
      .then(() => null, (err: unknown) => (err instanceof RegistryError ? `${err.code} ${JSON.stringify(err.extra?.errors)}` : String(err)))
    t.equal(direct, problem === null ? null : `VALIDATION_FAILED ${JSON.stringify([{ in: 'body', pointer: '/password', detail: problem }])}`, `service: ${name}`)
    // REGISTRY_ADMIN_PASSWORD
    const config = loadConfig({ DATABASE_PATH: ':memory:', REGISTRY_ADMIN_PASSWORD: password })
    t.same(config.ok ? [] : config.errors, problem === null ? [] : [`REGISTRY_ADMIN_PASSWORD: ${problem}`], `setting: ${name}`)
  }

  // A change of password follows the same rule.
  const created = await app.inject({ method: 'POST', url: '/v1/users', headers: admin, payload: { username: 'pw-change', password: 'Long-Enough-1', role: 'admin' } })
  const patch = await app.inject({ method: 'PATCH', url: `/v1/users/${created.json().id as number}`, headers: { ...admin, 'if-match': created.headers.etag as string }, payload: { password: 'short' } })
  t.equal(patch.statusCode, 400)
  t.same(patch.json().errors, [{ in: 'body', pointer: '/password', detail: `password: ${TOO_SHORT}` }])
  const changed = await app.services.accounts.updateUser(systemActor('test'), created.json().id as number, { password: 'short' })
    .then(() => 'changed', (err: unknown) => (err instanceof RegistryError ? err.code : String(err)))
  t.equal(changed, 'VALIDATION_FAILED', 'and through the service itself')
})
