// Webhook subscriptions: made by a principal for its own scope (its agency's subtree; an
// admin's: everything), seen and changed by it or an admin. The secret is answered once, at
// creation, and kept sealed (worker.ts SECRET_CONTEXT); no other answer or log carries it.
import { randomBytes } from 'node:crypto'
import type { Db } from '../../db/store.js'
import { formatSecret, matchesEventType, normaliseEventPatterns, urlProblem } from '../../domain/webhooks.js'
import { fail } from '../../errors.js'
import { assertVersion, type ExpectedVersion } from '../../http/concurrency.js'
import { readCursor, writeCursor, type Page } from '../../http/pagination.js'
import type { Actor } from '../../security/roles.js'
import { appendAudit } from '../audit/repository.js'
import type { ServiceContext } from '../context.js'
import { eventRepository } from '../events/repository.js'
import { EVENT_TYPE_PREFIX, EVENT_TYPES } from '../events/projection.js'
import { webhookRepository, type DeliveryRow, type WebhookRow } from './repository.js'
import { SECRET_CONTEXT, speaksForItsAccount, subscriptionScope, webhookWorker, type WebhookWorker } from './worker.js'

export const webhookView = (w: WebhookRow) => ({
  id: w.id,
  url: w.url,
  events: w.events,
  description: w.description,
  active: w.active,
  status: !w.active ? 'paused' as const : w.failingSince !== null ? 'failing' as const : 'active' as const,
  agencyId: w.agencyId,
  owner: w.principal,
  lastEventId: w.cursor,
  attempts: w.attempts,
  nextAttemptAt: w.nextAttemptAt,
  failingSince: w.failingSince,
  version: w.version,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt
})

export const deliveryView = (d: DeliveryRow) => ({
  id: d.id,
  eventId: d.eventId,
  webhookId: d.messageId,
  eventType: d.eventType,
  attempt: d.attempt,
  replay: d.replay,
  status: d.status,
  responseCode: d.responseCode,
  error: d.error,
  at: d.at,
  durationMs: d.durationMs
})

export interface WebhookInput { url?: string | undefined, events?: string[] | undefined, description?: string | undefined, active?: boolean | undefined }

const audited = (w: WebhookRow) => { const { secret: _secret, leaseHolder: _h, leaseUntil: _u, ...rest } = w; return rest }

export function webhooksService (ctx: ServiceContext) {
  const { store, config, clock } = ctx
  const worker: WebhookWorker = webhookWorker(ctx)

  /** The URL and event filter as stored; WEBHOOK_URL_NOT_ALLOWED, VALIDATION_FAILED naming the pattern. */
  function checked (input: WebhookInput): { url?: string, events?: string[] } {
    const out: { url?: string, events?: string[] } = {}
    if (input.url !== undefined) {
      const problem = urlProblem(input.url, config.WEBHOOKS_ALLOW_HTTP_LOOPBACK)
      if (problem !== null) fail('WEBHOOK_URL_NOT_ALLOWED', `url ${problem}`, { errors: [{ in: 'body', pointer: '/url', detail: problem }] })
      out.url = input.url
    }
    if (input.events !== undefined) {
      const r = normaliseEventPatterns(input.events, EVENT_TYPES, EVENT_TYPE_PREFIX)
      if ('bad' in r) {
        const detail = `unknown event type ${JSON.stringify(input.events[r.bad])}: one of ${EVENT_TYPES.join(', ')} (with or without ${EVENT_TYPE_PREFIX}), an entity's wildcard such as certificate.*, or * / 未知事件类型`
        fail('VALIDATION_FAILED', detail, { errors: [{ in: 'body', pointer: `/events/${r.bad}`, detail }] })
      }
      out.events = r.patterns
    }
    return out
  }

  /** The subscription if `actor` may see it (its own; an admin any); NOT_FOUND otherwise. */
  async function owned (db: Db, actor: Actor, id: number): Promise<WebhookRow> {
    const w = await webhookRepository.findById(db, id)
    if (w === undefined || (!actor.scope.all && w.principal !== actor.principal.sub)) fail('NOT_FOUND', `webhook ${id} not found`)
    return w
  }

  return {
    worker,

    /** Subscribes; answers the subscription with its secret (shown this once). It hears of
     *  events from now on. WEBHOOK_URL_NOT_ALLOWED, VALIDATION_FAILED (an unknown event type). */
    async create (actor: Actor, input: WebhookInput & { url: string, events: string[] }) {
      const { url, events } = checked(input) as { url: string, events: string[] }
      const secret = formatSecret(randomBytes(32))
      return await store.write(async (db) => {
        const row = await webhookRepository.insert(db, {
          principal: actor.principal.sub,
          agencyId: actor.scope.all ? null : actor.scope.rootAgencyId,
          url,
          events,
          description: input.description ?? null,
          secret: store.idNumbers.sealBytes(Buffer.from(secret, 'utf8'), SECRET_CONTEXT),
          cursor: await eventRepository.head(db),
          createdAt: clock().toISOString()
        })
        await appendAudit(db, actor, clock(), { entity: 'webhook', entityId: row.id, action: 'create', agencyId: row.agencyId, after: audited(row) })
        return { ...webhookView(row), secret }
      })
    },

    /** The caller's subscriptions (an admin's: all), in id order. */
    list: async (actor: Actor, afterId: number, limit: number) =>
      await store.read(async (db) => await webhookRepository.list(db, actor.scope.all ? null : actor.principal.sub, afterId, limit)),

    /** NOT_FOUND unless the caller's (or the caller is admin). */
    get: async (actor: Actor, id: number) => webhookView(await store.read(async (db) => await owned(db, actor, id))),

    /** Changes url, events, description, or pauses (active: false) and resumes (active: true:
     *  from the head event, its retries started afresh, a failing one included).
     *  NOT_FOUND, PRECONDITION_FAILED, WEBHOOK_URL_NOT_ALLOWED, VALIDATION_FAILED. */
    async update (actor: Actor, id: number, input: WebhookInput, expected: ExpectedVersion) {
      const fields = checked(input)
      return await store.write(async (db) => {
        const before = await owned(db, actor, id)
        assertVersion(before.version, expected)
        const resume = input.active === true ? { failingSince: null, attempts: 0, firstFailureAt: null, nextAttemptAt: null } : {}
        const row = (await webhookRepository.update(db, id, {
          ...fields,
          ...(input.description === undefined ? {} : { description: input.description }),
          ...(input.active === undefined ? {} : { active: input.active }),
          ...resume,
          version: before.version + 1,
          updatedAt: clock().toISOString()
        })) ?? fail('NOT_FOUND')
        await appendAudit(db, actor, clock(), { entity: 'webhook', entityId: id, action: 'update', agencyId: row.agencyId, before: audited(before), after: audited(row) })
        return webhookView(row)
      })
    },

    /** Unsubscribes: no more deliveries; its log goes with it. NOT_FOUND. */
    async remove (actor: Actor, id: number): Promise<void> {
      await store.write(async (db) => {
        const before = await owned(db, actor, id)
        await webhookRepository.remove(db, id)
        await appendAudit(db, actor, clock(), { entity: 'webhook', entityId: id, action: 'delete', agencyId: before.agencyId, before: audited(before) })
      })
    },

    /** Delivery attempts, newest first; the cursor names the last one read. NOT_FOUND. */
    async deliveries (actor: Actor, id: number, cursor: string | undefined, limit: number): Promise<Page<ReturnType<typeof deliveryView>>> {
      const { after: before } = readCursor(cursor)
      const rows = await store.read(async (db) => {
        await owned(db, actor, id)
        return await webhookRepository.deliveries(db, id, before, limit + 1)
      })
      const page = rows.slice(0, limit)
      return { items: page.map(deliveryView), nextCursor: rows.length > limit ? writeCursor({ after: (page[page.length - 1] as DeliveryRow).id }) : null }
    },

    /** Sends event `eventId` to the subscription again now (same webhook-id), logged as a new
     *  attempt; the cursor stays. NOT_FOUND: not the caller's subscription, or no such event in
     *  its scope and types. */
    async replay (actor: Actor, id: number, eventId: number) {
      const { w, event, stands } = await store.read(async (db) => {
        const w = await owned(db, actor, id)
        // Up to the feed's head: an event inside a batch is read from the batch's row, whose id is
        // its last event's.
        const [event] = await eventRepository.list(db, subscriptionScope(w), eventId - 1, await eventRepository.head(db), 1)
        return { w, event, stands: await speaksForItsAccount(db, w, config.WEBHOOKS_ALLOW_HTTP_LOOPBACK) }
      })
      // What the worker would no longer send (its account disabled, moved or demoted) is not sent
      // again either.
      if (!stands || event === undefined || event.id !== eventId || !matchesEventType(w.events, event.type)) {
        fail('NOT_FOUND', `event ${eventId} is not one this subscription receives`, { errors: [{ in: 'params', pointer: '/eventId', detail: 'not in its scope and types / 不在订阅范围内' }] })
      }
      const done = await worker.replay(w, event)
      const row = done === undefined ? undefined : await store.read(async (db) => await webhookRepository.findDelivery(db, id, done.deliveryId))
      return deliveryView(row ?? fail('NOT_FOUND'))
    }
  }
}

export type WebhooksService = ReturnType<typeof webhooksService>
