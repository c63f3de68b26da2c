// Settings: one TypeBox schema (src/config-schema.ts) gives the Config type, the defaults and the
// checks. Keys are the environment variables' own names, so nothing is named twice.
// Only src/server.ts and the CLI read process.env; everything else receives a Config.
import { ConfigSchema, type Config } from './config-schema.js'
import { validateConfig as validate } from './config-validator.js'
import { hoursToUnits } from './domain/hours.js'
import { isMonthDay } from './domain/dates.js'
import { passwordProblem } from './domain/password-rule.js'

export { ConfigSchema, TrainingRuleSchema, type Config } from './config-schema.js'

// Settings whose value is JSON text in the environment.
const JSON_SETTINGS = new Set(['TRAINING_RULES'])

export type ConfigResult = { ok: true, config: Config } | { ok: false, errors: string[] }

/** Reads the settings from an environment (only the names the schema knows) and checks them.
 *  Returns every problem at once, each naming its variable. */
export function loadConfig (env: Record<string, string | undefined>): ConfigResult {
  const raw: Record<string, unknown> = {}
  const unparsed: string[] = []
  for (const key of Object.keys(ConfigSchema.properties)) {
    const v = env[key]
    if (v === undefined || v === '') continue
    if (!JSON_SETTINGS.has(key)) raw[key] = v
    else {
      try { raw[key] = JSON.parse(v) } catch { unparsed.push(`${key}: not valid JSON`) }
    }
  }
  if (validate(raw) && unparsed.length === 0) {
    const config = raw as Config
    const rules = [...trainingRuleErrors(config.TRAINING_RULES), ...monthDayErrors(config), ...adminPasswordErrors(config)]
    if (rules.length > 0) return { ok: false, errors: rules }
    const external = [config.AUTH_JWKS_URL, config.AUTH_ISSUER, config.AUTH_AUDIENCE].filter(Boolean).length
    if (external !== 0 && external !== 3) {
      return { ok: false, errors: ['AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE go together: set all three or none'] }
    }
    return { ok: true, config }
  }
  const errors = (validate.errors ?? []).map((e) => {
    const name = e.instancePath.replace(/^\//, '') || String(e.params.missingProperty ?? '')
    const allowed = e.keyword === 'anyOf' ? ` (one of ${describeChoices(name)})` : ''
    return `${name}: ${e.message ?? 'invalid'}${allowed}`
  })
  return { ok: false, errors: [...unparsed, ...new Set(errors)].filter((e) => !e.includes('must be equal to constant')) }
}

// What the schema cannot say: hours must be whole units (one decimal) and versions unique.
function trainingRuleErrors (rules: Config['TRAINING_RULES']): string[] {
  const errors: string[] = []
  rules.forEach((r, i) => {
    for (const key of ['publicLawHours', 'professionalHours'] as const) {
      if (!hoursToUnits(r[key]).ok) errors.push(`TRAINING_RULES/${i}/${key}: must have at most one decimal place`)
    }
  })
  if (new Set(rules.map((r) => r.version)).size !== rules.length) errors.push('TRAINING_RULES: each version must be unique')
  return errors
}

// What the pattern cannot say: the day exists in every year (not 02-30, nor 02-29).
function monthDayErrors (config: Config): string[] {
  return (['AT_RISK_FROM', 'CONFIRMATION_GRACE_UNTIL', 'PLAN_DUE', 'ROTATION_CHECKPOINT'] as const)
    .filter((k) => !isMonthDay(config[k])).map((k) => `${k}: must be a day of every year, MM-DD (not ${config[k]})`)
}

// The first admin's password follows the rule every other password does.
function adminPasswordErrors (config: Config): string[] {
  const problem = config.REGISTRY_ADMIN_PASSWORD === undefined ? null : passwordProblem(config.REGISTRY_ADMIN_PASSWORD)
  return problem === null ? [] : [`REGISTRY_ADMIN_PASSWORD: ${problem}`]
}

function describeChoices (name: string): string {
  const prop = (ConfigSchema.properties as Record<string, { anyOf?: Array<{ const: string }> }>)[name]
  return (prop?.anyOf ?? []).map((c) => c.const).join(', ')
}

/** A config for tests and tools: defaults, an in-memory database, quiet logs, plus overrides. */
export function testConfig (overrides: Partial<Config> = {}): Config {
  // Rate limits out of the way: tests log in and verify far more often than a person would;
  // the tests of the limits set their own. No webhook worker polling in the background of every
  // test app: the webhook tests run it themselves (worker.runOnce) or enable it.
  const r = loadConfig({ DATABASE_PATH: ':memory:', LOG_LEVEL: 'silent', RATE_LIMIT_VERIFY_PER_MINUTE: '1000000', RATE_LIMIT_TOKEN_PER_MINUTE: '1000000', WEBHOOKS_ENABLED: 'false' })
  if (!r.ok) throw new Error(r.errors.join('; '))
  return { ...r.config, ...overrides }
}
