// Hardening against hostile input, in one place: security headers (helmet), rate limits on the
// routes anyone can call (the public verification and the token endpoint), and the back-off
// after failed sign-ins. Body size, URL parameter length, header size and request time are
// limited by the server options in app.ts. Every refusal here is problem+json RATE_LIMITED
// (429) with Retry-After. The counts and the back-off live in this process's memory, or, when
// the store shares them (several app servers on one PostgreSQL database), in the database.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions, onRequestHookHandler, preHandlerHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import type { Config } from '../config.js'
import { RegistryError } from '../errors.js'
import { sendProblem } from './errors.js'
import { createLoginGuard } from '../security/login-guard.js'
import type { SharedLimits } from '../db/shared-limits.js'
import { scrubText } from '../logging.js'

export const TOKEN_ROUTE = '/v1/auth/token'
/** The public verification routes: the API check and the page. */
export const VERIFY_PREFIXES = ['/v1/verify/', '/verify/']
/** Every route anyone may call without a token (verification and 公示), one budget per client
 *  IP (RATE_LIMIT_VERIFY_PER_MINUTE). */
export const PUBLIC_PREFIXES = [...VERIFY_PREFIXES, '/v1/public/', '/public']
// Node accepts 2000 headers by default; no browser, proxy or HR system sends a tenth of that.
const MAX_HEADERS_COUNT = 100
const MINUTE = 60_000

export interface HardeningOptions {
  readonly config: Config
  /** Milliseconds now, for the sign-in back-off (tests pass a fixed clock). */
  readonly now?: () => number
  /** The limits several app servers share (Store.shared); without it, this process's memory. */
  readonly shared?: SharedLimits
}

type Limiter = (req: FastifyRequest) => Promise<{ isAllowed: boolean, isExceeded?: boolean, ttlInSeconds?: number, max?: number }>

/** An onRequest/preHandler hook refusing with 429 once the limiter says the budget is spent. */
function enforce (limiter: Limiter, what: string) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const r = await limiter(req)
    if (r.isAllowed || !r.isExceeded) return
    const seconds = Math.max(1, r.ttlInSeconds ?? 60)
    reply.header('retry-after', String(seconds))
    throw new RegistryError('RATE_LIMITED', `too many ${what}; retry in ${seconds} s / 请求过于频繁，请 ${seconds} 秒后再试`)
  }
}

/** The account a token request names: `user:<username>` or `client:<client_id>` (also from
 *  HTTP Basic), lowercased; null when it names none. */
export function accountName (req: FastifyRequest): string | null {
  const body = (req.body ?? {}) as Record<string, unknown>
  if (body.grant_type === 'password' && typeof body.username === 'string' && body.username.trim()) {
    return `user:${body.username.trim().toLowerCase()}`
  }
  if (body.grant_type !== 'client_credentials') return null
  let id = typeof body.client_id === 'string' ? body.client_id.trim() : ''
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '')
  if (!id && basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8')
    try { id = decodeURIComponent(decoded.slice(0, Math.max(0, decoded.indexOf(':')))) } catch { id = '' }
  }
  return id ? `client:${id.toLowerCase()}` : null
}

/** Fastify's own refusals before routing (a malformed URL, an over-long path parameter), which
 *  otherwise leave as plain JSON quoting the URL: answered as problem+json like every error. */
export function frameworkErrors (error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // No hook runs for these: the headers that matter are set here.
  reply.header('x-content-type-options', 'nosniff').header('x-request-id', request.id)
  const detail = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? 'a path parameter is too long / 路径参数过长'
    : 'the URL is not valid / 网址格式错误'
  return sendProblem(reply, 'BAD_REQUEST', detail)
}

function addHook (route: RouteOptions, name: 'onRequest' | 'preHandler', hook: onRequestHookHandler | preHandlerHookHandler) {
  const existing = route[name]
  route[name] = [...(existing === undefined ? [] : [existing].flat()), hook] as never
}

export default fp(async function hardeningPlugin (app: FastifyInstance, { config, now = Date.now, shared }: HardeningOptions) {
  app.server.maxHeadersCount = MAX_HEADERS_COUNT

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        // Swagger UI (/docs) styles elements inline and draws its icons as data: images.
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        // The service is served over plain HTTP on 127.0.0.1 by default (TLS is the proxy's).
        'upgrade-insecure-requests': null
      }
    }
  })

  await app.register(rateLimit, { global: false, ...(shared === undefined ? {} : { store: shared.rateLimitStore }) })
  const verifyPerIp = app.createRateLimit({ max: config.RATE_LIMIT_VERIFY_PER_MINUTE, timeWindow: MINUTE })
  const tokenPerIp = app.createRateLimit({ max: config.RATE_LIMIT_TOKEN_PER_MINUTE, timeWindow: MINUTE })
  const tokenPerAccount = app.createRateLimit({
    max: config.RATE_LIMIT_TOKEN_PER_MINUTE,
    timeWindow: MINUTE,
    keyGenerator: (req) => accountName(req) ?? '',
    // A request that names no account fails before any password is checked.
    allowList: (_req, key) => key === ''
  })

  const guardOptions = {
    maxFailures: config.LOGIN_MAX_FAILURES,
    windowMs: config.LOGIN_FAILURE_WINDOW_SECONDS * 1000,
    lockoutMs: config.LOGIN_LOCKOUT_SECONDS * 1000,
    maxLockoutMs: config.LOGIN_LOCKOUT_MAX_SECONDS * 1000
  }
  const guard = shared === undefined ? createLoginGuard(guardOptions) : shared.loginGuard(guardOptions)
  // The attempt each token request reserved, and whether its credentials were wrong.
  const attempts = new WeakMap<FastifyRequest, { name: string, wrong: boolean }>()

  const checkLockout: preHandlerHookHandler = async (req, reply) => {
    const name = accountName(req)
    if (name === null) return
    const verdict = await guard.begin(name, now())
    if (!verdict.allowed) {
      // The account name may be a phone number or an ID number: logged as any text is.
      req.log.warn({ account: scrubText(name), reason: verdict.reason }, 'sign-in refused: account locked after failed attempts')
      reply.header('retry-after', String(verdict.retryAfterSeconds))
      throw new RegistryError('RATE_LIMITED', `too many failed sign-ins for this account; retry in ${verdict.retryAfterSeconds} s / 该账号登录失败次数过多，请 ${verdict.retryAfterSeconds} 秒后再试`)
    }
    attempts.set(req, { name, wrong: false })
  }

  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat()
    if (PUBLIC_PREFIXES.some((p) => route.url.startsWith(p))) {
      addHook(route, 'onRequest', enforce(verifyPerIp, 'public requests'))
    }
    if (route.url === TOKEN_ROUTE && methods.includes('POST')) {
      addHook(route, 'onRequest', enforce(tokenPerIp, 'token requests'))
      addHook(route, 'preHandler', enforce(tokenPerAccount, 'token requests for this account'))
      addHook(route, 'preHandler', checkLockout)
    }
  })

  app.addHook('onError', async (req, _reply, error: FastifyError | RegistryError) => {
    const attempt = attempts.get(req)
    if (attempt && error.code === 'INVALID_GRANT') attempt.wrong = true
  })
  app.addHook('onResponse', async (req, reply) => {
    const attempt = attempts.get(req)
    if (!attempt) return
    attempts.delete(req)
    try {
      if (reply.statusCode === 200) await guard.succeeded(attempt.name, now())
      else if (attempt.wrong) await guard.failed(attempt.name, now())
      else await guard.abandoned(attempt.name, now())
    } catch (err) {
      // The answer is sent: the outcome goes unrecorded (its reservation lapses), and is said.
      req.log.error({ err, account: scrubText(attempt.name) }, 'sign-in outcome not recorded by the back-off')
    }
  })
}, { name: 'hardening', dependencies: ['errors'] })
