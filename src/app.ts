// buildApp(config, deps): the whole service, registered in order: framework settings →
// cross-cutting plugins (errors, docs, auth) → feature routes. No process.env here.
import Fastify, { type FastifyBaseLogger, type FastifyHttpOptions, type FastifyInstance } from 'fastify'
import type { FastifyValidationResult } from 'fastify/types/schema.js'
import type { Server } from 'node:http'
import SerializerSelector from '@fastify/fast-json-stringify-compiler'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { ErrorObject } from 'ajv'
import type { Config } from './config.js'
import type { SqliteStore } from './db/sqlite/store.js'
import type { Store } from './db/store.js'
import { openStore } from './db/open.js'
import { loggerOptions, scrubText } from './logging.js'
import errorsPlugin from './plugins/errors.js'
import openapiPlugin from './plugins/openapi.js'
import authPlugin from './plugins/auth.js'
import idempotencyPlugin from './plugins/idempotency.js'
import hardeningPlugin, { frameworkErrors, VERIFY_PREFIXES } from './plugins/hardening.js'
import { prepareIdNumbers } from './db/sqlite/id-numbers.js'
import { createTokenService } from './security/tokens.js'
import type { Clock } from './clock.js'
import { accountsService } from './modules/accounts/service.js'
import { accountRoutes } from './modules/accounts/routes.js'
import { authRoutes } from './modules/auth/routes.js'
import { healthRoutes } from './modules/health/routes.js'
import { healthService } from './modules/health/service.js'
import { agenciesService } from './modules/agencies/service.js'
import { agencyRoutes } from './modules/agencies/routes.js'
import { officersService } from './modules/officers/service.js'
import { officerRoutes } from './modules/officers/routes.js'
import { trainingService } from './modules/training/service.js'
import { trainingRoutes } from './modules/training/routes.js'
import { reportsService } from './modules/reports/service.js'
import { registryReportRoutes, reportRoutes } from './modules/reports/routes.js'
import { trainingPlanRoutes, trainingPlansService } from './modules/training-plans/routes.js'
import { examsService } from './modules/exams/service.js'
import { examRoutes } from './modules/exams/routes.js'
import { certificatesService } from './modules/certificates/service.js'
import { certificateRoutes } from './modules/certificates/routes.js'
import { verifyRoutes } from './modules/verify/routes.js'
import { verifyService } from './modules/verify/service.js'
import { eligibilityRoutes, eligibilityService } from './modules/eligibility/routes.js'
import { publicRoutes } from './modules/public/routes.js'
import { publicService } from './modules/public/service.js'
import { assessmentsService } from './modules/assessments/service.js'
import { assessmentRoutes } from './modules/assessments/routes.js'
import { auditService } from './modules/audit/service.js'
import { auditRoutes } from './modules/audit/routes.js'
import { eventsService } from './modules/events/service.js'
import { eventRoutes } from './modules/events/routes.js'
import { importsService } from './modules/imports/service.js'
import { importRoutes } from './modules/imports/routes.js'
import { webhookRoutes, webhooksService } from './modules/webhooks/routes.js'
import { dashboardRoutes } from './modules/dashboard/routes.js'
import { Query } from './http/schemas.js'
import { inputAjv } from './http/ajv.js'
import { jsonBodies } from './http/json-body.js'

export interface AppDeps {
  /** An open store, opened with the configured ID-number key (openStore(config)); default:
   *  open config's (and close it with the app). */
  readonly store?: Store
  readonly clock?: Clock
  /** scrypt's cost for new password and secret hashes; default the full cost (tests lower it). */
  readonly secretCost?: number
  /** Where log lines go (tests capture them); default stdout. */
  readonly logStream?: NodeJS.WritableStream
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly store: Store
    readonly services: Services
    /** Compiles every validator and serializer still waiting for its first request; how many there are. */
    compileAllSchemas (): number
  }
}

export type Services = Awaited<ReturnType<typeof buildServices>>

function buildServices (store: Store, config: Config, clock: Clock, secretCost: number | undefined, log: FastifyBaseLogger) {
  const ctx = { store, config, clock, secretCost, log }
  return {
    accounts: accountsService(ctx),
    agencies: agenciesService(ctx),
    officers: officersService(ctx),
    training: trainingService(ctx),
    reports: reportsService(ctx),
    exams: examsService(ctx),
    certificates: certificatesService(ctx),
    assessments: assessmentsService(ctx),
    audit: auditService(ctx),
    events: eventsService(ctx),
    imports: importsService(ctx),
    webhooks: webhooksService(ctx)
  }
}

// Start-up: Fastify compiles every route's validators and serializers when it gets ready,
// about a third of the start-up for this many routes. They are compiled on a route's first
// request instead (a millisecond or two, once). compileAll() compiles every one that is still
// waiting, so a test finds a schema that does not compile (app.compileAllSchemas()).
type Compiled<D, R> = ((data: D) => R) & { errors?: unknown }
function lazyCompilers () {
  const waiting: Array<() => unknown> = []
  function onFirstUse<D, R> (compile: () => Compiled<D, R>): Compiled<D, R> {
    let compiled: Compiled<D, R> | undefined
    const ready = () => (compiled ??= compile())
    const run: Compiled<D, R> = (data) => {
      const fn = ready()
      const result = fn(data)
      run.errors = fn.errors // Fastify reads a failed validation's errors from the function
      return result
    }
    waiting.push(ready)
    return run
  }
  return { onFirstUse, compileAll: () => { for (const ready of waiting) ready(); return waiting.length } }
}

// Bodies are validated strictly (no coercion: "12345" is not 12345; every error listed; free
// text trimmed and checked, http/ajv.ts); query strings and path parameters arrive as text, so
// they are coerced, from plain decimal digits only (see plainNumbers).
function validators (lazy: ReturnType<typeof lazyCompilers>) {
  const strict = inputAjv()
  const coercing = inputAjv({ coerce: true })
  return ({ schema, httpPart }: { schema: object, httpPart?: string }): FastifyValidationResult =>
    lazy.onFirstUse(() => withoutNul(httpPart === 'body' ? strict.compile(schema) : withPlainNumbers(schema, coercing.compile(schema)))) as FastifyValidationResult
}

// No text the service takes holds U+0000, wherever it comes (a query string, a path, any string
// of a body, free text or not): nothing stored can (PostgreSQL's text cannot hold it), so a
// search or a lookup with one would fail in the database instead of answering. Refused, naming
// the field, as any other invalid value is.
const NUL = '\u0000'

/** The JSON pointer of the first string in `value` holding U+0000, or undefined. */
function nulAt (value: unknown, at: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? at : undefined
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || depth > 32) return undefined
  for (const [key, v] of Object.entries(value)) {
    const found = nulAt(v, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1)
    if (found !== undefined) return found
  }
  return undefined
}

function withoutNul (validate: Compiled<unknown, boolean>): Compiled<unknown, boolean> {
  const run: Compiled<unknown, boolean> = (data) => {
    const ok = validate(data)
    const at = nulAt(data, '')
    const given = (validate.errors ?? []) as ErrorObject[]
    // Free text's own check names the character and where it is: its message stands.
    if (at === undefined || given.some((e) => e.instancePath === at)) {
      run.errors = validate.errors
      return ok && at === undefined
    }
    run.errors = [{ instancePath: at, schemaPath: '#/noNul', keyword: 'type', params: {}, message: 'must not contain the NUL character (U+0000) / 不得含空字符' }, ...given]
    return false
  }
  return run
}

// Ajv coerces text to a number the way JavaScript does: "0x10" is 16, "1e1" 10, " 10" 10, so
// /v1/officers/0x10 read officer 16. In a query string or a path a number is written in decimal
// digits (a minus and a fraction where the schema allows them) or refused, naming the field.
const PLAIN = { integer: /^-?[0-9]+$/, number: /^-?[0-9]+(\.[0-9]+)?$/ } as const
type PropertySchema = { type?: unknown, items?: { type?: unknown } }

function withPlainNumbers (schema: object, validate: Compiled<unknown, boolean>): Compiled<unknown, boolean> {
  const numeric: Array<[string, RegExp]> = []
  for (const [name, p] of Object.entries((schema as { properties?: Record<string, PropertySchema> }).properties ?? {})) {
    const type = p.type === 'array' ? p.items?.type : p.type
    if (type === 'integer' || type === 'number') numeric.push([name, PLAIN[type]])
  }
  if (numeric.length === 0) return validate
  const isPlain = (value: unknown, plain: RegExp): boolean =>
    Array.isArray(value) ? value.every((v) => isPlain(v, plain)) : typeof value !== 'string' || plain.test(value)
  const run: Compiled<unknown, boolean> = (data) => {
    const given = (data ?? {}) as Record<string, unknown>
    let bad: ErrorObject[] | undefined // made only for a request that has such a field
    for (const [name, plain] of numeric) {
      if (!isPlain(given[name], plain)) {
        (bad ??= []).push({ instancePath: `/${name}`, schemaPath: '#/plainNumber', keyword: 'type', params: {}, message: 'must be a number in decimal digits / 须为十进制数字' })
      }
    }
    const ok = validate(data)
    if (bad === undefined) {
      run.errors = validate.errors
      return ok
    }
    const named = new Set(bad.map((e) => e.instancePath))
    run.errors = [...bad, ...((validate.errors ?? []) as ErrorObject[]).filter((e) => !named.has(e.instancePath))]
    return false
  }
  return run
}

/** Fastify's own serializers (fast-json-stringify), each compiled on first use. */
function serializers (lazy: ReturnType<typeof lazyCompilers>): SerializerSelector.SerializerFactory {
  return (externalSchemas, options) => {
    const compile = SerializerSelector()(externalSchemas, options)
    return (route) => lazy.onFirstUse(() => compile(route))
  }
}

/** Builds the app (not yet listening). Closing it closes the database it opened. */
export async function buildApp (config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const store = deps.store ?? await openStore(config)
  try {
    return await assembleApp(store, config, deps)
  } catch (err) {
    // A start that fails (a wrong ID-number key, a bad signing key) leaves no file open.
    if (!deps.store) store.close()
    throw err
  }
}

async function assembleApp (store: Store, config: Config, deps: AppDeps): Promise<FastifyInstance> {
  // ID numbers are sealed at rest: the store's key is checked against its data (PostgreSQL's
  // when it opened), and on SQLite rows still in clear are converted (see the file).
  if (store.engine === 'sqlite') await prepareIdNumbers(store as SqliteStore)
  const tokens = await createTokenService(config)
  // Several app servers on one database (PostgreSQL) sign with one key, or each refuses the
  // others' tokens: the first to start claims its key, and another key stops the start.
  if (tokens.kept && store.claimSigningKey !== undefined) {
    const claimed = await store.claimSigningKey(tokens.keyId)
    if (claimed !== tokens.keyId) throw new Error(`this database's servers sign tokens with the key whose public part begins ${claimed.slice(0, 12)}, but this server's begins ${tokens.keyId.slice(0, 12)}: set AUTH_SIGNING_KEY to the same key on every app server`)
  }
  const clock = deps.clock ?? (() => new Date())
  const lazy = lazyCompilers()
  const options: FastifyHttpOptions<Server> = {
    logger: loggerOptions(config.LOG_LEVEL, deps.logStream),
    bodyLimit: config.BODY_LIMIT_BYTES,
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    connectionTimeout: config.REQUEST_TIMEOUT_MS + 5000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // A caller's X-Request-Id is kept when it is a plain token, so its logs and ours line up;
    // not when it carries an ID or mobile number (it is written on every log line).
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(given) && scrubText(given) === given ? given : crypto.randomUUID()
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    http: { maxHeaderSize: config.MAX_HEADER_BYTES },
    frameworkErrors,
    schemaController: { compilersFactory: { buildSerializer: serializers(lazy) } },
    ...(config.TRUST_PROXY ? { trustProxy: config.TRUST_PROXY } : {})
  }
  const app = Fastify(options).withTypeProvider<TypeBoxTypeProvider>()
  // A request is answered from the database as it stood after the request arrived: what is
  // kept between writes looks again at other processes' commits (db/sqlite/changes).
  app.addHook('onRequest', (_request, _reply, done) => { store.requests.begins(); done() })
  app.setValidatorCompiler(validators(lazy))
  jsonBodies(app)
  app.decorate('compileAllSchemas', lazy.compileAll)
  // Graceful close: answers still in flight when closing begins end their connection, so
  // the server is not held open by idle keep-alive sockets after the last answer.
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
    if (closing) reply.header('connection', 'close')
  })
  if (!deps.store) app.addHook('onClose', async () => store.close())

  const services = buildServices(store, config, clock, deps.secretCost, app.log)
  // Import jobs a crash or a stop left unfinished are failed (nothing of them was applied); on
  // close, the one running ends first and those waiting are failed.
  await services.imports.recoverInterruptedJobs()
  app.addHook('preClose', async () => { await services.imports.closeJobs() })
  // Webhooks: the worker delivering the feed to subscribers starts once the app is ready (unless
  // WEBHOOKS_ENABLED is false) and stops on close, its request under way cut short.
  app.addHook('onReady', async () => { if (config.WEBHOOKS_ENABLED) services.webhooks.worker.start() })
  app.addHook('preClose', async () => { await services.webhooks.worker.stop() })
  app.decorate('store', store)
  app.decorate('services', services)

  // A route of ours that declares no query string takes none: an unknown parameter is 400 as an
  // unknown body field is (strict input), not silently ignored (?idNumber= on a read included).
  // Not the public check: a shared QR link arrives with whatever the messenger added
  // (?from=singlemessage&isappinstalled=0), and it must still open.
  app.addHook('onRoute', (route) => {
    const ours = route.url.startsWith('/v1/') && !VERIFY_PREFIXES.some((p) => route.url.startsWith(p))
    if (ours && route.schema?.querystring === undefined) route.schema = { ...route.schema, querystring: Query({}) }
  })
  await app.register(errorsPlugin)
  await app.register(hardeningPlugin, { config, now: () => clock().getTime(), shared: store.shared })
  await app.register(openapiPlugin)
  await app.register(authPlugin, { tokens, accountVersion: services.accounts.accountVersion, afterArrivals: store.requests.afterArrivals })
  await app.register(idempotencyPlugin, { store, clock, ttlHours: config.IDEMPOTENCY_TTL_HOURS })

  await app.register(healthRoutes, { health: healthService({ store }) })
  await app.register(authRoutes, { accounts: services.accounts, tokens })
  await app.register(accountRoutes, { accounts: services.accounts })
  await app.register(agencyRoutes, { agencies: services.agencies })
  await app.register(officerRoutes, { officers: services.officers })
  await app.register(trainingRoutes, { training: services.training })
  await app.register(reportRoutes, { reports: services.reports })
  await app.register(registryReportRoutes, { reports: services.reports })
  await app.register(trainingPlanRoutes, { plans: trainingPlansService({ store, config, clock }) })
  await app.register(examRoutes, { exams: services.exams })
  await app.register(certificateRoutes, { certificates: services.certificates })
  await app.register(verifyRoutes, { verify: verifyService({ store, config, clock }) })
  await app.register(eligibilityRoutes, { eligibility: eligibilityService({ store, config, clock }) })
  await app.register(publicRoutes, { publicView: publicService({ store, config, clock }) })
  await app.register(assessmentRoutes, { assessments: services.assessments })
  await app.register(auditRoutes, { audit: services.audit })
  await app.register(eventRoutes, { events: services.events })
  await app.register(importRoutes, { imports: services.imports })
  await app.register(webhookRoutes, { webhooks: services.webhooks })
  await app.register(dashboardRoutes)
  return app
}
