// Authentication, roles and scope: one mechanism for every route. A route declares
//   config: { access: 'public' }  or  config: { access: { roles: ['admin', 'clerk'] } }
// and this plugin does the rest: a missing or bad token is 401 (so is a token of an account
// disabled or changed since it was issued: see `current` below), a role not listed is 403,
// and request.actor carries the caller's scope for the repositories (out of scope = 404).
// What an authenticated route answers is never stored by a browser or proxy (Cache-Control:
// no-store): it may carry ID numbers and phones, and it is only the caller's to see. A route
// whose answer holds nothing personal may say otherwise (the QR code image does).
// A route that declares nothing does not start: access is never open by accident.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { scopeOf } from '../db/scope.js'
import { RegistryError } from '../errors.js'
import { principalCurrent, type Actor, type Principal, type Role } from '../security/roles.js'
import type { TokenService } from '../security/tokens.js'

export type Access = 'public' | { readonly roles: readonly Role[] }

declare module 'fastify' {
  interface FastifyContextConfig { access?: Access }
  interface FastifyInstance {
    /** Every route's declared access, by "METHOD /url" (for the docs and the route matrix test). */
    readonly routeAccess: Map<string, Access>
  }
  interface FastifyRequest {
    /** The verified caller; set on every non-public route before the handler runs. */
    actor: Actor
  }
}

// Routes that plugins register for us (the docs UI and its assets) are public by nature.
const PUBLIC_PREFIXES = ['/docs', '/openapi.json']

function bearer (request: FastifyRequest): string {
  const header = request.headers.authorization
  if (!header) throw new RegistryError('UNAUTHENTICATED', 'Send Authorization: Bearer <token> (from POST /v1/auth/token)')
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (!m?.[1]) throw new RegistryError('INVALID_TOKEN', 'Authorization header is not "Bearer <token>"')
  return m[1]
}

/**
 * `accountVersion` answers the version of the account a token subject names, null when disabled
 * or gone (accounts/repository). Our tokens carry the version they were issued at (claim `ver`):
 * disabling an account or any change to it (role, agency, password, name; a client's rename too)
 * moves it on, and its tokens are refused from the next request, not only once they expire.
 * Tokens without `ver` and an external identity provider's are not ours to revoke.
 */
export default fp(async function authPlugin (app: FastifyInstance, opts: { tokens: TokenService, accountVersion: (sub: string) => Promise<number | null>, afterArrivals: (go: () => void) => void }) {
  app.decorateRequest('actor', null as unknown as Actor)
  const routeAccess = new Map<string, Access>()
  app.decorate('routeAccess', routeAccess)

  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path
    if (!route.config?.access) {
      if (!PUBLIC_PREFIXES.some((p) => url.startsWith(p))) throw new Error(`route ${String(route.method)} ${url} declares no config.access`)
      route.config = { ...route.config, access: 'public' }
    }
    for (const method of [route.method].flat()) routeAccess.set(`${method} ${url}`, route.config.access as Access)
  })

  // Callback style, so a token verified before (the usual case) costs no promise but the
  // account's read. The account is read as it stands after the request arrived (db/sqlite/changes): the requests that arrived
  // together are checked together, after one look at other processes' commits.
  app.addHook('onRequest', (request, reply, done) => {
    const access = request.routeOptions.config.access
    if (access === undefined || access === 'public') { done(); return } // undefined: the 404 handler
    opts.afterArrivals(() => { check(request, reply, access, done) })
  })

  // Runs outside Fastify's hooks (afterArrivals, or a promise's callback), so whatever it throws
  // (the account read failing: a database error) is handed to `done` here, which answers this
  // request with the error (500 problem+json) as a hook that threw would be: the other requests
  // checked with it go on, and nothing reaches the event loop.
  function check (request: FastifyRequest, reply: FastifyReply, access: Exclude<Access, 'public'>, done: (err?: Error) => void): void {
    let answered = false
    const answer = (err?: Error) => { answered = true; done(err) }
    const guarded = (step: () => void) => {
      try {
        step()
      } catch (error) {
        if (!answered) answer(error instanceof Error ? error : new Error(String(error)))
        else request.log.error({ err: error }, 'failed after the request was let through') // no second answer
      }
    }
    const admit = (principal: Principal) => {
      principalCurrent(principal, opts.accountVersion).then((isCurrent) => { guarded(() => { decide(principal, isCurrent) }) }, (err: Error) => { guarded(() => { answer(err) }) })
    }
    const decide = (principal: Principal, isCurrent: boolean) => {
      if (!isCurrent) {
        answer(new RegistryError('INVALID_TOKEN', 'the account changed since this token was issued (disabled, or changed: role, agency, password, name): ask for a new token / 账号已变更，请重新获取令牌'))
        return
      }
      if (!access.roles.includes(principal.role)) {
        answer(new RegistryError('FORBIDDEN', `role ${principal.role} may not ${request.method} ${request.routeOptions.url ?? ''}`))
        return
      }
      request.actor = { principal, scope: scopeOf(principal), requestId: String(request.id) }
      answer()
    }
    guarded(() => {
      reply.header('cache-control', 'no-store')
      const token = bearer(request)
      const known = opts.tokens.verified(token)
      if (known) admit(known)
      else opts.tokens.verify(token).then((principal) => { guarded(() => { admit(principal) }) }, (err: Error) => { guarded(() => { answer(err) }) })
    })
  }
}, { name: 'auth' })
