// Webhook subscriptions and their delivery log in SQL on SQLite (PostgreSQL: pg-repository.ts).
// The worker's writes to a subscription name the lease holder: a process that lost its lease
// (it stalled past it, another took over) changes nothing.
import { and, asc, count, desc, eq, gt, isNull, lt, lte, or, type SQL } from 'drizzle-orm'
import { byEngine, type SqliteDb } from '../../db/engine.js'
import { webhookDeliveries, webhooks } from '../../db/schema.js'
import { pgWebhookRepository } from './pg-repository.js'
import { INTERRUPTED, type DeliveryOutcome, type DeliveryRow, type NewDelivery, type NewWebhook, type WebhookChange, type WebhookRow } from './rows.js'

export type { DeliveryRow, WebhookRow } from './rows.js'

const stalePending = (before: string): SQL | undefined => and(eq(webhookDeliveries.status, 'pending'), lt(webhookDeliveries.at, before))

export const webhookRepository = byEngine({
  insert: async (db: SqliteDb, v: NewWebhook): Promise<WebhookRow> => db.insert(webhooks).values(v).returning().get(),

  findById: async (db: SqliteDb, id: number): Promise<WebhookRow | undefined> => db.select().from(webhooks).where(eq(webhooks.id, id)).get(),

  /** In id order after `afterId`; `principal` null: everyone's. */
  list: async (db: SqliteDb, principal: string | null, afterId: number, limit: number): Promise<WebhookRow[]> =>
    db.select().from(webhooks).where(and(gt(webhooks.id, afterId), principal === null ? undefined : eq(webhooks.principal, principal))).orderBy(asc(webhooks.id)).limit(limit).all(),

  /** Changes a row; `holder`: only while that process holds its lease. The row after, or undefined. */
  update: async (db: SqliteDb, id: number, change: WebhookChange, holder?: string): Promise<WebhookRow | undefined> =>
    db.update(webhooks).set(change).where(and(eq(webhooks.id, id), holder === undefined ? undefined : eq(webhooks.leaseHolder, holder))).returning().get(),

  async remove (db: SqliteDb, id: number): Promise<void> {
    db.delete(webhookDeliveries).where(eq(webhookDeliveries.webhookId, id)).run()
    db.delete(webhooks).where(eq(webhooks.id, id)).run()
  },

  /** Active subscriptions not failing whose head is due at `now`, behind `head`, whoever leases them. */
  due: async (db: SqliteDb, now: string, head: number): Promise<WebhookRow[]> =>
    db.select().from(webhooks).where(and(eq(webhooks.active, true), isNull(webhooks.failingSince), lt(webhooks.cursor, head),
      or(isNull(webhooks.nextAttemptAt), lte(webhooks.nextAttemptAt, now)))).orderBy(asc(webhooks.id)).all(),

  insertDelivery: async (db: SqliteDb, v: NewDelivery): Promise<number> =>
    db.insert(webhookDeliveries).values({ ...v, status: 'pending' }).returning({ id: webhookDeliveries.id }).get().id,

  async finishDelivery (db: SqliteDb, id: number, outcome: DeliveryOutcome): Promise<void> {
    db.update(webhookDeliveries).set(outcome).where(eq(webhookDeliveries.id, id)).run()
  },

  /** Attempts logged so far for one event of one subscription (replays included). */
  attemptsOf: async (db: SqliteDb, webhookId: number, eventId: number): Promise<number> =>
    db.select({ n: count() }).from(webhookDeliveries).where(and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.eventId, eventId))).get()?.n ?? 0,

  /** Newest first, those with an id below `beforeId` (0: from the newest). */
  deliveries: async (db: SqliteDb, webhookId: number, beforeId: number, limit: number): Promise<DeliveryRow[]> =>
    db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.webhookId, webhookId), beforeId > 0 ? lt(webhookDeliveries.id, beforeId) : undefined))
      .orderBy(desc(webhookDeliveries.id)).limit(limit).all(),

  /** Forgets the attempts logged before `keepFrom`, and marks `failed` those still `pending`
   *  from before `pendingBefore` (a request no process can still be waiting for: a crash or a
   *  stop cut it short). How many of each. */
  async tidyDeliveries (db: SqliteDb, keepFrom: string, pendingBefore: string): Promise<{ forgotten: number, interrupted: number }> {
    const interrupted = db.update(webhookDeliveries).set(INTERRUPTED).where(stalePending(pendingBefore)).run().changes
    return { forgotten: db.delete(webhookDeliveries).where(lt(webhookDeliveries.at, keepFrom)).run().changes, interrupted }
  },

  findDelivery: async (db: SqliteDb, webhookId: number, id: number): Promise<DeliveryRow | undefined> =>
    db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.id, id))).get()
}, pgWebhookRepository)
