// engine: sqlite-only — settings, and a server process refusing them, on a SQLite file
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { loadConfig } from '../../src/config.js'
import { DEFAULT_TRAINING_RULES } from '../../src/domain/compliance.js'

t.test('TRAINING_RULES defaults to 30 + 30 学时 from 2023, not pro-rated', async (t) => {
  const r = loadConfig({})
  t.ok(r.ok)
  if (r.ok) t.same(r.config.TRAINING_RULES, DEFAULT_TRAINING_RULES)
})

t.test('issue 20 settings: defaults, accepted values, and refusals naming the variable', async (t) => {
  const d = loadConfig({})
  t.ok(d.ok)
  if (d.ok) t.match(d.config, { TRAINING_INCLUDES_POLICE: true, AT_RISK_FROM: '07-01', CONFIRMATION_GRACE_UNTIL: '03-31', PUBLIC_NAME_DISPLAY: 'full' })
  const set = loadConfig({ TRAINING_INCLUDES_POLICE: 'false', AT_RISK_FROM: '03-01', CONFIRMATION_GRACE_UNTIL: '02-28', PUBLIC_NAME_DISPLAY: 'masked' })
  t.ok(set.ok, JSON.stringify(set))
  if (set.ok) t.match(set.config, { TRAINING_INCLUDES_POLICE: false, AT_RISK_FROM: '03-01', CONFIRMATION_GRACE_UNTIL: '02-28', PUBLIC_NAME_DISPLAY: 'masked' })
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ TRAINING_INCLUDES_POLICE: 'yes' }, /^TRAINING_INCLUDES_POLICE: must be boolean/],
    [{ AT_RISK_FROM: '7-1' }, /^AT_RISK_FROM: must match pattern/],
    [{ AT_RISK_FROM: '02-30' }, /^AT_RISK_FROM: must be a day of every year/],
    [{ CONFIRMATION_GRACE_UNTIL: '02-29' }, /^CONFIRMATION_GRACE_UNTIL: must be a day of every year/],
    [{ PUBLIC_NAME_DISPLAY: 'partial' }, /^PUBLIC_NAME_DISPLAY: .*full, masked/]
  ]
  for (const [env, message] of cases) {
    const r = loadConfig(env)
    t.notOk(r.ok, JSON.stringify(env))
    if (!r.ok) t.match(r.errors.join('\n'), message, JSON.stringify(env))
  }
})

t.test('TRAINING_RULES is a JSON array of rules; proRateJoiners defaults to false', async (t) => {
  const r = loadConfig({ TRAINING_RULES: '[{"version":"2027","effectiveFrom":2027,"publicLawHours":40,"professionalHours":30.5}]' })
  t.ok(r.ok, JSON.stringify(r))
  if (r.ok) t.same(r.config.TRAINING_RULES, [{ version: '2027', effectiveFrom: 2027, publicLawHours: 40, professionalHours: 30.5, proRateJoiners: false }])
})

t.test('a bad TRAINING_RULES is refused with a message naming the variable', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['not json', /^TRAINING_RULES: not valid JSON/],
    ['{"version":"x"}', /^TRAINING_RULES: must be array/],
    ['[]', /^TRAINING_RULES: must NOT have fewer than 1 items/],
    ['[{"version":"x","effectiveFrom":2023,"publicLawHours":30}]', /^TRAINING_RULES\/0: must have required property/],
    ['[{"version":"x","effectiveFrom":2023,"publicLawHours":-1,"professionalHours":30}]', /^TRAINING_RULES\/0\/publicLawHours: must be >= 0/],
    ['[{"version":"x","effectiveFrom":2023,"publicLawHours":30.25,"professionalHours":30}]', /^TRAINING_RULES\/0\/publicLawHours: must have at most one decimal place/],
    ['[{"version":"x","effectiveFrom":2023,"publicLawHours":30,"professionalHours":30,"extra":1}]', /^TRAINING_RULES\/0: must NOT have additional properties/],
    ['[{"version":"a","effectiveFrom":2023,"publicLawHours":30,"professionalHours":30},{"version":"a","effectiveFrom":2024,"publicLawHours":30,"professionalHours":30}]', /^TRAINING_RULES: each version must be unique/]
  ]
  for (const [value, message] of cases) {
    const r = loadConfig({ TRAINING_RULES: value })
    t.notOk(r.ok, value)
    if (!r.ok) t.match(r.errors[0], message, value)
  }
  const both = loadConfig({ TRAINING_RULES: 'nope', PORT: 'eighty' })
  t.same(both.ok ? [] : both.errors.length, 2, 'reported together with other bad settings')
})

t.test('the server refuses to start on a bad TRAINING_RULES (exit 2)', async (t) => {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, TRAINING_RULES: '[{"version":"x"}]', DATABASE_PATH: join(t.testdir(), 'x.db') },
    encoding: 'utf8',
    timeout: 30000
  })
  t.equal(res.status, 2)
  t.match(res.stderr, /TRAINING_RULES\/0/)
})
