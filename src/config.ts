// Settings: one TypeBox schema gives the Config type, the defaults and the checks.
// Keys are the environment variables' own names, so nothing is named twice.
// Only src/server.ts and the CLI read process.env; everything else receives a Config.
import { Type, type Static } from 'typebox'
import { Ajv } from 'ajv'

const Int = (min: number, max: number, def: number, description: string) =>
  Type.Integer({ minimum: min, maximum: max, default: def, description })

export const ConfigSchema = Type.Object({
  PORT: Int(0, 65535, 3000, 'TCP port to listen on'),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'address to listen on' }),
  DATABASE_PATH: Type.String({ minLength: 1, default: './data/registry.db', description: 'SQLite file (its folder also holds the signing key), or :memory:' }),
  LOG_LEVEL: Type.Union([
    Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'),
    Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')
  ], { default: 'info' }),
  REGISTRY_ADMIN_USER: Type.String({ minLength: 1, maxLength: 64, default: 'admin', description: 'first admin account, created when no admin exists' }),
  REGISTRY_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8, maxLength: 256, description: 'its password; generated and printed once when unset' })),
  AUTH_JWKS_URL: Type.Optional(Type.String({ format: 'uri', description: 'JWKS of an external identity provider to trust' })),
  AUTH_ISSUER: Type.Optional(Type.String({ minLength: 1, description: "the external provider's iss" })),
  AUTH_AUDIENCE: Type.Optional(Type.String({ minLength: 1, description: 'the aud its tokens must carry' })),
  AUTH_SIGNING_KEY: Type.Optional(Type.String({ minLength: 1, description: 'Ed25519 private key (PKCS#8 PEM) for our own tokens; default: generated in the data folder' })),
  TOKEN_ISSUER: Type.String({ minLength: 1, default: 'enforcement-officer-registry', description: 'iss of the tokens this service issues' }),
  TOKEN_AUDIENCE: Type.String({ minLength: 1, default: 'enforcement-officer-registry-api', description: 'aud of the tokens this service issues' }),
  TOKEN_TTL_SECONDS: Int(60, 86400, 900, 'lifetime of issued tokens'),
  REQUEST_TIMEOUT_MS: Int(1000, 600000, 30000, 'a request running longer is answered 408'),
  BODY_LIMIT_BYTES: Int(1024, 64 * 1024 * 1024, 1024 * 1024, 'largest accepted request body'),
  EXAM_PASS_MARK: Int(0, 100, 60, 'qualification exam pass mark'),
  CERTIFICATE_VALIDITY_YEARS: Int(1, 20, 5, 'a certificate is valid this many years from issue')
}, { additionalProperties: false })

export type Config = Static<typeof ConfigSchema>

const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true, strict: false })
ajv.addFormat('uri', (s: string) => { try { return Boolean(new URL(s)) } catch { return false } })
const validate = ajv.compile(ConfigSchema)

export type ConfigResult = { ok: true, config: Config } | { ok: false, errors: string[] }

/** Reads the settings from an environment (only the names the schema knows) and checks them.
 *  Returns every problem at once, each naming its variable. */
export function loadConfig (env: Record<string, string | undefined>): ConfigResult {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(ConfigSchema.properties)) {
    const v = env[key]
    if (v !== undefined && v !== '') raw[key] = v
  }
  if (validate(raw)) {
    const config = raw as Config
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
  return { ok: false, errors: [...new Set(errors)].filter((e) => !e.includes('must be equal to constant')) }
}

function describeChoices (name: string): string {
  const prop = (ConfigSchema.properties as Record<string, { anyOf?: Array<{ const: string }> }>)[name]
  return (prop?.anyOf ?? []).map((c) => c.const).join(', ')
}

/** A config for tests and tools: defaults, an in-memory database, quiet logs, plus overrides. */
export function testConfig (overrides: Partial<Config> = {}): Config {
  const r = loadConfig({ DATABASE_PATH: ':memory:', LOG_LEVEL: 'silent' })
  if (!r.ok) throw new Error(r.errors.join('; '))
  return { ...r.config, ...overrides }
}
