// The webhook worker: inside the server process, every WEBHOOKS_POLL_MS, each active
// subscription whose head is due is leased (holder and expiry, in a write transaction: on
// PostgreSQL every server's writes take one lock in turn, so two never lease one subscription)
// and drained: the feed's events after its cursor, in the subscriber's scope (the feed's own
// read), those of the types it asked for sent one at a time in feed order. The cursor moves
// only after a 2xx; a failure holds the head (and so every later event) until its next attempt,
// by the back-off of domain/webhooks.ts, until the retry window is spent: then `failing`.
// At least once: a crash between a 2xx and its commit sends that event again (same webhook-id).
// A lease left by a process that is gone is taken at once (process-identity.ts); another
// process's runs out after the request timeout and a minute.
import { afterFailure, matchesEventType, messageId, urlProblem } from '../../domain/webhooks.js'
import { ACCESS } from '../../security/roles.js'
import { holderGone, thisProcess } from '../../process-identity.js'
import type { Scope } from '../../security/roles.js'
import type { ServiceContext } from '../context.js'
import { clientRepository, userRepository } from '../accounts/repository.js'
import type { Db } from '../../db/engine.js'
import { eventRepository, type StoredEvent } from '../events/repository.js'
import { toCloudEvent } from '../events/service.js'
import { webhookRepository, type WebhookRow } from './repository.js'
import type { DeliveryOutcome } from './rows.js'
import { send } from './send.js'

/** The context the secret is sealed under (security/id-numbers sealBytes). */
export const SECRET_CONTEXT = 'webhooks.secret'
/** Events read from the feed at a time, and the most one subscription is sent per tick. */
const PAGE = 100
/** How often the delivery log is tidied (WEBHOOKS_DELIVERY_TTL_HOURS, interrupted attempts). */
const TIDY_EVERY_MS = 3600_000
const MAX_PER_TICK = 500

/** A principal that is one of this registry's accounts (accounts/repository subjectOf). */
const LOCAL_ACCOUNT = /^(user|client):([1-9][0-9]{0,15})$/

/** Whether the account that made `w` still stands behind it: enabled, with a role that may
 *  read the feed, and the scope it had then (an admin's everything, anyone else's own agency's
 *  subtree). One disabled, gone, moved to another agency or to a role that may not read (casework)
 *  gets nothing more sent for it (an external identity's subscription is judged by its
 *  provider's tokens when it is changed, not here). The worker asks at each lease, a replay too;
 *  and where it may be sent: a URL no longer allowed (WEBHOOKS_ALLOW_HTTP_LOOPBACK turned off)
 *  is not used. */
export async function speaksForItsAccount (db: Db, w: WebhookRow, allowHttpLoopback: boolean): Promise<boolean> {
  if (urlProblem(w.url, allowHttpLoopback) !== null) return false
  const m = LOCAL_ACCOUNT.exec(w.principal)
  if (m === null) return true
  const id = Number(m[2])
  const account = m[1] === 'user' ? await userRepository.findById(db, id) : await clientRepository.findById(db, id)
  if (account === undefined || account.disabled || !(ACCESS.read.roles as readonly string[]).includes(account.role)) return false
  return (account.role === 'admin' ? null : account.agencyId) === w.agencyId
}

export const subscriptionScope = (w: Pick<WebhookRow, 'agencyId'>): Scope => (w.agencyId === null ? { all: true } : { all: false, rootAgencyId: w.agencyId })

export function webhookWorker ({ store, config, clock, log }: ServiceContext) {
  const me = thisProcess()
  const leaseMs = config.WEBHOOKS_TIMEOUT_MS + 60_000
  const windowMs = config.WEBHOOKS_RETRY_HOURS * 3600_000
  let stopper = new AbortController()
  let running: Promise<number> | undefined
  let timer: NodeJS.Timeout | undefined
  let started = false
  let tidiedAt: number | undefined

  const leaseUntil = () => new Date(clock().getTime() + leaseMs).toISOString()
  const leaseFree = (w: WebhookRow, now: Date) =>
    w.leaseHolder === null || w.leaseHolder === me || w.leaseUntil === null || w.leaseUntil <= now.toISOString() || holderGone(w.leaseHolder, store.engine !== 'sqlite')

  /** Sends one event to a subscription and logs the attempt; a replay leaves the subscription's
   *  state alone. The outcome, or undefined when this process no longer holds the lease. */
  async function deliver (w: WebhookRow, event: StoredEvent, replay: boolean): Promise<{ outcome: DeliveryOutcome, row: WebhookRow | undefined, deliveryId: number } | undefined> {
    const msgId = messageId(w.id, event.id)
    const at = clock()
    const deliveryId = await store.write(async (db) => {
      if (!replay && await webhookRepository.update(db, w.id, { leaseUntil: leaseUntil() }, me) === undefined) return undefined
      const attempt = await webhookRepository.attemptsOf(db, w.id, event.id) + 1
      return await webhookRepository.insertDelivery(db, { webhookId: w.id, eventId: event.id, messageId: msgId, eventType: event.type, attempt, replay, at: at.toISOString() })
    })
    if (deliveryId === undefined) return undefined
    const outcome = await send({
      url: w.url,
      msgId,
      secret: store.idNumbers.openBytes(w.secret, SECRET_CONTEXT).toString('utf8'),
      body: JSON.stringify(toCloudEvent(event)),
      timestamp: Math.floor(at.getTime() / 1000),
      timeoutMs: config.WEBHOOKS_TIMEOUT_MS,
      stop: stopper.signal
    })
    const row = await store.write(async (db) => {
      await webhookRepository.finishDelivery(db, deliveryId, outcome)
      if (replay) return undefined
      if (outcome.status === 'delivered') {
        return await webhookRepository.update(db, w.id, { cursor: event.id, attempts: 0, firstFailureAt: null, nextAttemptAt: null, leaseUntil: leaseUntil() }, me)
      }
      if (stopper.signal.aborted) return undefined // cut short by the stop: not the receiver's failure
      const now = clock()
      const attempts = w.attempts + 1
      const firstFailureAt = w.firstFailureAt ?? at.toISOString()
      const next = afterFailure(attempts, new Date(firstFailureAt), now, config.WEBHOOKS_RETRY_BASE_MS, windowMs)
      if ('failing' in next) log?.info({ webhook: w.id, event: event.id, attempts }, 'webhook failing: retries ran out')
      return await webhookRepository.update(db, w.id, {
        attempts,
        firstFailureAt,
        nextAttemptAt: 'next' in next ? next.next.toISOString() : null,
        failingSince: 'failing' in next ? now.toISOString() : null,
        leaseUntil: leaseUntil()
      }, me)
    })
    return { outcome, row, deliveryId }
  }

  /** Sends a leased subscription's due events in order until one fails or none is left. */
  async function drain (leased: WebhookRow): Promise<number> {
    let w = leased
    let sent = 0
    try {
      while (!stopper.signal.aborted && sent < MAX_PER_TICK) {
        // Paused (PATCH active: false) or deleted meanwhile: each write answers the row as it
        // now stands, so at most the one request under way goes out after the change.
        if (!w.active || w.failingSince !== null) return sent
        const from = w.cursor
        const { head, events } = await store.read(async (db) => {
          const head = await eventRepository.head(db)
          return { head, events: await eventRepository.list(db, subscriptionScope(w), from, head, PAGE) }
        })
        const next = events.find((e) => matchesEventType(w.events, e.type))
        if (next === undefined) {
          // Nothing asked for up to the end of this page (or the feed): passed over.
          const to = events.length === PAGE ? (events[events.length - 1] as StoredEvent).id : head
          if (to > w.cursor) {
            const moved = await store.write(async (db) => await webhookRepository.update(db, w.id, { cursor: to, leaseUntil: leaseUntil() }, me))
            if (moved === undefined) return sent
            w = moved
          }
          if (events.length < PAGE) return sent
          continue
        }
        const done = await deliver(w, next, false)
        sent++
        if (done?.row === undefined || done.outcome.status !== 'delivered') return sent
        w = done.row
      }
      return sent
    } finally {
      await store.write(async (db) => { await webhookRepository.update(db, w.id, { leaseHolder: null, leaseUntil: null }, me) })
        .catch((err: unknown) => { log?.error({ webhook: w.id, err }, 'webhook lease not released (it runs out on its own)') })
    }
  }

  /** One pass: leases every due subscription free to take and drains them side by side; how
   *  many attempts it made. */
  async function pass (): Promise<number> {
    const now = clock()
    // The log tidied on the first pass (after a restart, a crash's pending attempts) and hourly.
    if (tidiedAt === undefined || now.getTime() - tidiedAt >= TIDY_EVERY_MS) {
      tidiedAt = now.getTime()
      const keepFrom = new Date(now.getTime() - config.WEBHOOKS_DELIVERY_TTL_HOURS * 3600_000).toISOString()
      await store.write(async (db) => await webhookRepository.tidyDeliveries(db, keepFrom, new Date(now.getTime() - leaseMs).toISOString()))
    }
    const due = await store.read(async (db) => await webhookRepository.due(db, now.toISOString(), await eventRepository.head(db)))
    const free = due.filter((w) => leaseFree(w, now))
    if (free.length === 0) return 0
    const leased = await store.write(async (db) => {
      const mine: WebhookRow[] = []
      for (const candidate of free) {
        const w = await webhookRepository.findById(db, candidate.id)
        if (w === undefined || !w.active || w.failingSince !== null || !leaseFree(w, clock())) continue
        if (!await speaksForItsAccount(db, w, config.WEBHOOKS_ALLOW_HTTP_LOOPBACK)) continue
        const row = await webhookRepository.update(db, w.id, { leaseHolder: me, leaseUntil: leaseUntil() })
        if (row !== undefined) mine.push(row)
      }
      return mine
    })
    // Each drain to its end, whatever another does: a pass that returned while one still ran
    // would let the next lease it again (this process holds its lease) and drain it twice.
    const drained = await Promise.allSettled(leased.map(drain))
    let sent = 0
    for (const [i, r] of drained.entries()) {
      if (r.status === 'fulfilled') sent += r.value
      else log?.error({ webhook: leased[i]?.id, err: r.reason }, 'webhook drain failed (tried again at the next pass)')
    }
    return sent
  }

  function schedule (): void {
    if (!started) return
    timer = setTimeout(() => {
      runOnce().catch((err: unknown) => { log?.error({ err }, 'webhook pass failed (tried again at the next)') }).finally(schedule)
    }, config.WEBHOOKS_POLL_MS)
    timer.unref()
  }

  /** One pass now (after the one under way, if any); how many delivery attempts it made. Tests
   *  drive the worker with it. */
  async function runOnce (): Promise<number> {
    for (let under = running; under !== undefined; under = running) await under.catch(() => 0)
    const run = pass().finally(() => { running = undefined })
    running = run
    return await run
  }

  return {
    runOnce,
    /** Sends one event again now, logged as a replay; the subscription's cursor stays. */
    replay: async (w: WebhookRow, event: StoredEvent) => await deliver(w, event, true),
    /** Starts polling (WEBHOOKS_POLL_MS). */
    start (): void {
      if (started) return
      started = true
      stopper = new AbortController()
      schedule()
    },
    /** Stops polling; a delivery under way is cut short (logged as failed, not counted against
     *  the receiver) and its lease let go. */
    async stop (): Promise<void> {
      started = false
      clearTimeout(timer)
      stopper.abort()
      await running?.catch(() => 0)
    }
  }
}

export type WebhookWorker = ReturnType<typeof webhookWorker>
