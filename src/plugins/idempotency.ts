// Idempotent retries: one mechanism for every POST. HR systems retry on every timeout; a retry
// carrying the same Idempotency-Key must not do the work twice.
//   same caller + key + request (method, path with query, body bytes) → the first answer again,
//     with `Idempotent-Replayed: true` (status, body, content-type, ETag, Location);
//   same key, another request → 422 IDEMPOTENCY_KEY_REUSED;
//   same key while the first is still running → 409 IDEMPOTENCY_IN_PROGRESS.
// Keys belong to the caller (principal.sub), live IDEMPOTENCY_TTL_HOURS and are kept in the database,
// so a replay survives a restart. 2xx and 4xx answers are stored (a refusal stays a refusal);
// 5xx and answers that are streams are not, so the retry runs again.
// Hooks: preParsing hashes the body as it streams in · preHandler (after auth) reserves the key
// or replays · onSend stores the answer · onResponse releases a reservation that stored none.
// A reservation names the process holding it (src/process-identity.ts). A process that died
// mid-request (SIGKILL, a crash, the machine) leaves its key 'running': it is released when a
// server starts, and a retry that meets it takes it over at once, as soon as that process is
// gone; a key whose holder is alive (a second server, on the same file) is left to it, and so
// is one held by a server of another host on PostgreSQL (it waits for its lease). The work
// either rolled back with the process or, in the microseconds between commit and onSend,
// committed without its answer: the retry then meets the business rule, e.g. ID_NUMBER_TAKEN,
// never a silent duplicate for rows with a natural key. The lease remains the backstop: a
// reservation is free once it passes, whoever holds it (rows from before holders were kept).
import { createHash, randomUUID, type Hash } from 'node:crypto'
import { pipeline, Transform } from 'node:stream'
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { Type } from 'typebox'
import type { Store } from '../db/store.js'
import { keyRepository, type KeyRow } from '../db/idempotency-keys.js'
import { fail } from '../errors.js'
import { Problem } from '../http/schemas.js'
import type { Clock } from '../clock.js'
import { holderGone, thisProcess } from '../process-identity.js'

export const IDEMPOTENCY_HEADER = 'idempotency-key'
export const REPLAYED_HEADER = 'idempotent-replayed'
/** Answer headers a replay repeats; the rest (request id, dates) belong to the new request. */
const REPLAYED_HEADERS = ['content-type', 'etag', 'location', 'last-modified', 'content-disposition'] as const
const LEASE_MS = 10 * 60 * 1000
// A stored answer can carry an ID number in clear (an officer, to admin and clerk): sealed at rest.
const SEAL_CONTEXT = 'idempotency_keys.body'

export const IdempotencyKeyHeader = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '^[\\x21-\\x7E]+$',
  description: '幂等键：重试时携带相同的值，服务只执行一次并返回首次结果（如 UUID）。' +
    ' Idempotency key: send the same value when retrying and the work is done once; the first answer comes back (e.g. a UUID).'
})

interface Attempt {
  readonly hash: Hash
  principal?: string
  key?: string
  token?: string
  /** done: replayed, or the answer was stored; nothing to release. */
  settled: boolean
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by this plugin on every authenticated POST route. */
    idempotent?: boolean
  }
  interface FastifyRequest {
    idempotency: Attempt | null
  }
}

/** Answers worth replaying: business outcomes. Not 5xx (the retry should run again), not
 *  408/429 (about this attempt, not the request). */
const storable = (status: number) => status >= 200 && status < 500 && status !== 408 && status !== 429

function keyOf (request: FastifyRequest): string | undefined {
  const v = request.headers[IDEMPOTENCY_HEADER]
  return typeof v === 'string' ? v : undefined
}

/** Declares the header (and the two answers it can cause) on an authenticated POST route.
 *  Copies rather than mutates: a module may share one schema object between routes. */
function declare (route: RouteOptions): void {
  const schema = { ...(route.schema ?? {}) } as Record<string, any>
  const headers = schema.headers as { properties?: Record<string, unknown> } | undefined
  if (!headers?.properties?.[IDEMPOTENCY_HEADER]) {
    schema.headers = headers
      ? { ...headers, properties: { ...headers.properties, [IDEMPOTENCY_HEADER]: Type.Optional(IdempotencyKeyHeader) } }
      : Type.Object({ [IDEMPOTENCY_HEADER]: Type.Optional(IdempotencyKeyHeader) })
  }
  if (schema.response) schema.response = { 409: Problem, 422: Problem, ...schema.response }
  route.schema = schema
}

export interface IdempotencyOptions {
  readonly store: Store
  readonly clock: Clock
  readonly ttlHours: number
}

/** Whether a running reservation was left by a process that is gone (process-identity's
 *  holderGone: on PostgreSQL only a process of this host can be known gone). One whose holder is
 *  not named, or not known gone, waits for its lease. */
const abandoned = (store: Store, holder: string | null): boolean => holderGone(holder, store.engine !== 'sqlite')

/** Releases every running reservation whose holder process is gone; returns how many. A
 *  retry of their requests then runs at once instead of 409 until the lease passes. */
export async function releaseAbandonedKeys (store: Store): Promise<number> {
  return await store.write(async (db) => {
    let released = 0
    for (const row of await keyRepository.heldRunning(db)) {
      if (abandoned(store, row.holder)) released += (await keyRepository.release(db, row.principal, row.key, row.token)).changes
    }
    return released
  })
}

export default fp(async function idempotencyPlugin (app: FastifyInstance, { store, clock, ttlHours }: IdempotencyOptions) {
  app.decorateRequest('idempotency', null)
  const released = await releaseAbandonedKeys(store)
  if (released > 0) app.log.warn({ released }, 'idempotency keys held by processes that are gone released')

  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat()
    if (!methods.includes('POST') || route.config?.access === undefined || route.config.access === 'public') return
    route.config = { ...route.config, idempotent: true }
    declare(route)
  })

  // The hash covers the exact bytes received, whatever the content type, as they stream by.
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (!request.routeOptions.config.idempotent || keyOf(request) === undefined) return payload
    const hash = createHash('sha256').update(`${request.method} ${request.url}\n`)
    request.idempotency = { hash, settled: false }
    const tap = new Transform({ transform (chunk: Buffer, _enc, done) { hash.update(chunk); done(null, chunk) } })
    return pipeline(payload, tap, () => {})
  })

  app.addHook('preHandler', async (request, reply) => {
    const attempt = request.idempotency
    const key = keyOf(request)
    if (!attempt || key === undefined || !request.actor) return
    const principal = request.actor.principal.sub
    const requestHash = attempt.hash.digest('hex')
    const token = randomUUID()
    const now = clock()
    const found = await store.write(async (db): Promise<KeyRow | undefined> => {
      await keyRepository.purgeExpired(db, now.toISOString())
      const row = await keyRepository.find(db, principal, key)
      if (row && row.requestHash !== requestHash) {
        fail('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for another request; use a new key for new work / 该幂等键已用于其他请求')
      }
      if (row?.state === 'done') return row
      if (row && row.leaseUntil > now.toISOString() && !abandoned(store, row.holder)) {
        fail('IDEMPOTENCY_IN_PROGRESS', 'the first request with this Idempotency-Key is still running; retry shortly / 首次请求仍在处理，请稍后重试')
      }
      // Free, or abandoned by a process that died mid-request (gone, or its lease passed): this attempt takes it.
      await keyRepository.reserve(db, {
        principal,
        key,
        requestHash,
        state: 'running',
        token,
        leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString(),
        holder: thisProcess(),
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + ttlHours * 3600_000).toISOString()
      })
      return undefined
    })
    if (found) {
      attempt.settled = true
      reply.code(found.statusCode ?? 200).headers(found.headers ?? {}).header(REPLAYED_HEADER, 'true')
      return reply.send(found.body ? store.idNumbers.openBytes(found.body, SEAL_CONTEXT) : '')
    }
    Object.assign(attempt, { principal, key, token })
  })

  app.addHook('onSend', async (request, reply, payload) => {
    const attempt = request.idempotency
    if (!attempt?.token || attempt.settled || !storable(reply.statusCode)) return payload
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload
    const headers: Record<string, string> = {}
    for (const name of REPLAYED_HEADERS) {
      const v = reply.getHeader(name)
      if (v !== undefined) headers[name] = String(v)
    }
    try {
      await store.write((db) => keyRepository.complete(db, attempt.principal!, attempt.key!, attempt.token!, {
        statusCode: reply.statusCode, headers, body: store.idNumbers.sealBytes(Buffer.from(payload), SEAL_CONTEXT)
      }))
      attempt.settled = true
    } catch (err) {
      // The answer still goes out; the reservation is released and a retry runs again.
      request.log.error({ err }, 'could not store the idempotent answer')
    }
    return payload
  })

  app.addHook('onResponse', async (request) => {
    const attempt = request.idempotency
    if (!attempt?.token || attempt.settled) return
    try {
      await store.write((db) => keyRepository.release(db, attempt.principal!, attempt.key!, attempt.token!))
    } catch (err) {
      request.log.error({ err }, 'could not release the idempotency key (its lease will)')
    }
  })
}, { name: 'idempotency', dependencies: ['auth'] })
