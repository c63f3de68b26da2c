// The settings' one TypeBox schema: the Config type, the defaults and the checks (src/config.ts
// reads and checks the environment with it). Keys are the environment variables' own names.
import { Type, type Static } from 'typebox'
import { DEFAULT_AT_RISK_FROM, DEFAULT_TRAINING_RULES } from './domain/compliance.js'
import { DEFAULT_CONFIRMATION_GRACE_UNTIL } from './domain/confirmation.js'
import { DEFAULT_PLAN_DUE, DEFAULT_ROTATION_CHECKPOINT } from './domain/training-plans.js'

// Rule 3's minimums as data: a deployment changes them, or adds a version from a later year,
// without a code change. Hours are 学时 with at most one decimal.
const RuleHours = (description: string) => Type.Number({ minimum: 0, maximum: 1000, description })
export const TrainingRuleSchema = Type.Object({
  version: Type.String({ minLength: 1, maxLength: 50, description: 'rule version shown in every summary' }),
  effectiveFrom: Type.Integer({ minimum: 2000, maximum: 2100, description: 'first calendar year the rule applies to' }),
  publicLawHours: RuleHours('minimum 公共法律知识 学时 a year'),
  professionalHours: RuleHours('minimum 专业法律知识和执法技能 学时 a year'),
  proRateJoiners: Type.Boolean({ default: false, description: 'officers who join mid-year owe only the share of the year left' })
}, { additionalProperties: false })

// A day of every year, 'MM-DD' (never 02-29); config.ts checks that the day exists.
const MonthDay = (def: string, description: string) => Type.String({ pattern: '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', default: def, description })

const Int = (min: number, max: number, def: number, description: string) =>
  Type.Integer({ minimum: min, maximum: max, default: def, description })

export const ConfigSchema = Type.Object({
  PORT: Int(0, 65535, 3000, 'TCP port to listen on'),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'address to listen on' }),
  DATABASE_PATH: Type.String({ minLength: 1, default: './data/registry.db', description: 'SQLite file (its folder also holds the signing key), or :memory:' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://\\S+$', description: 'PostgreSQL (postgres://user@host:5432/registry): when set, the registry runs there instead of the SQLite file; the password in PGPASSWORD or ~/.pgpass, or in the URL. Several app servers on one database need the same AUTH_SIGNING_KEY and ID_ENCRYPTION_KEY' })),
  LOG_LEVEL: Type.Union([
    Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'),
    Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')
  ], { default: 'info' }),
  REGISTRY_ADMIN_USER: Type.String({ minLength: 1, maxLength: 64, default: 'admin', description: 'first admin account, created when no admin exists' }),
  REGISTRY_ADMIN_PASSWORD: Type.Optional(Type.String({ description: 'its password (the one password rule, checked by loadConfig); generated and printed once when unset' })),
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
  CERTIFICATE_VALIDITY_YEARS: Int(1, 20, 5, 'a certificate is valid this many years from issue'),
  TEAM_MINIMUM: Int(1, 50, 2, 'POST /v1/eligibility: officers who may act needed for a case step (行政处罚法 art. 42: at least two)'),
  IDEMPOTENCY_TTL_HOURS: Int(1, 24 * 30, 24, 'an Idempotency-Key and its stored answer are kept this many hours'),
  IMPORT_JOB_TTL_HOURS: Int(1, 24 * 90, 24 * 7, 'an import job that has ended, and its result, are kept this many hours, then forgotten'),
  TRAINING_RULES: Type.Array(TrainingRuleSchema, {
    minItems: 1,
    maxItems: 100,
    default: DEFAULT_TRAINING_RULES,
    description: 'JSON array of training rules (version, effectiveFrom, publicLawHours, professionalHours, proRateJoiners); default 30 + 30 学时 from 2023'
  }),
  TRAINING_INCLUDES_POLICE: Type.Boolean({ default: true, description: 'police officers owe the yearly 学时 (004 line 39 names 县公安局); they never get a certificate either way (true | false)' }),
  AT_RISK_FROM: MonthDay(DEFAULT_AT_RISK_FROM, 'MM-DD: before this day of a year nobody is at_risk by pace alone (the 全员轮训 deadline of 003/004); the nightly looks at the last closed year until then'),
  CONFIRMATION_GRACE_UNTIL: MonthDay(DEFAULT_CONFIRMATION_GRACE_UNTIL, 'MM-DD: last year\'s confirmation stands until this day of the next year (flagged confirmationDue), then AGENCY_NOT_CONFIRMED'),
  PLAN_DUE: MonthDay(DEFAULT_PLAN_DUE, 'MM-DD: each agency\'s yearly training plan (年度培训计划, ≥ 60 学时) is due by this day of its year (003: 5月底前); with no plan after it the training-plans report and the nightly say missing'),
  ROTATION_CHECKPOINT: MonthDay(DEFAULT_ROTATION_CHECKPOINT, 'MM-DD: every officer is to have been trained in rotation (全员轮训) by this day of the year (003, 004: 6月底前); the training-plans report counts coverage at it'),
  PUBLIC_NAME_DISPLAY: Type.Union([Type.Literal('full'), Type.Literal('masked')], { default: 'full', description: 'names on the public pages (/public, /v1/public, /verify): full (公示) or masked' }),
  // Hardening (src/plugins/hardening.ts, src/security/).
  PUBLIC_BASE_URL: Type.String({ format: 'uri', pattern: '^https?://[^/?#\\s]+(/[^?#\\s]*)?$', default: 'http://127.0.0.1:3000', description: 'the address the public reaches this service at: QR codes encode PUBLIC_BASE_URL/verify/{number}' }),
  TRUST_PROXY: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z.:/, ]+$', description: 'reverse proxies whose X-Forwarded-For is believed: their addresses or CIDRs, comma-separated (or loopback); unset: none, the peer address is the client (rate limits are per client address)' })),
  RATE_LIMIT_VERIFY_PER_MINUTE: Int(1, 1000000, 120, 'public verification requests (/v1/verify, /verify) a client IP may make per minute'),
  RATE_LIMIT_TOKEN_PER_MINUTE: Int(1, 1000000, 20, 'token requests per minute, per client IP and per username or client_id'),
  LOGIN_MAX_FAILURES: Int(1, 1000, 5, 'failed sign-ins of one username or client_id within LOGIN_FAILURE_WINDOW_SECONDS that lock it'),
  LOGIN_FAILURE_WINDOW_SECONDS: Int(1, 86400, 900, 'the window failed sign-ins are counted in'),
  LOGIN_LOCKOUT_SECONDS: Int(1, 86400, 60, 'the first lockout; each further one doubles, up to LOGIN_LOCKOUT_MAX_SECONDS; a successful sign-in resets'),
  LOGIN_LOCKOUT_MAX_SECONDS: Int(1, 7 * 86400, 3600, 'the longest lockout'),
  MAX_HEADER_BYTES: Int(1024, 65536, 16384, 'largest request line plus headers (bigger: 431)'),
  // Webhooks (src/modules/webhooks): deliveries of change-feed events to subscribers' URLs.
  WEBHOOKS_ENABLED: Type.Boolean({ default: true, description: 'this process delivers webhooks (true | false); subscriptions are kept either way' }),
  WEBHOOKS_POLL_MS: Int(10, 3600000, 1000, 'how often the webhook worker looks for new events'),
  WEBHOOKS_TIMEOUT_MS: Int(100, 120000, 10000, 'a delivery not answered within this is a failed attempt'),
  WEBHOOKS_RETRY_BASE_MS: Int(1, 3600000, 5000, 'first wait after a failed delivery; the next ones are 6, 24, 120, 360 and 720 times it (5 s, 30 s, 2 min, 10 min, 30 min, 1 h), then 720 times it'),
  WEBHOOKS_RETRY_HOURS: Type.Number({ exclusiveMinimum: 0, maximum: 720, default: 24, description: 'a subscription whose head event still fails this many hours after its first failure is marked failing (deliveries stop until PATCH active: true)' }),
  WEBHOOKS_DELIVERY_TTL_HOURS: Int(1, 24 * 366, 24 * 30, 'the delivery log (GET /v1/webhooks/{id}/deliveries) keeps each attempt this many hours, then forgets it'),
  WEBHOOKS_ALLOW_HTTP_LOOPBACK: Type.Boolean({ default: false, description: 'also accept http:// URLs to 127.0.0.1 or localhost (tests, a receiver on this machine); otherwise https:// only' }),
  ID_ENCRYPTION_KEY: Type.Optional(Type.String({ pattern: '^\\s*[A-Za-z0-9+/]{43}=\\s*$', description: 'base64 of 32 random bytes (openssl rand -base64 32) sealing ID numbers at rest; default: id-encryption.key generated beside the database' }))
}, { additionalProperties: false })

export type Config = Static<typeof ConfigSchema>
