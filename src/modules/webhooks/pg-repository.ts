// Webhook subscriptions and their delivery log in SQL on PostgreSQL (the SQLite one, and what
// each function answers: repository.ts).
import { and, asc, count, desc, eq, gt, isNull, lt, lte, or } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'
import { webhookDeliveries, webhooks } from '../../db/pg/schema.js'
import { INTERRUPTED, type DeliveryOutcome, type DeliveryRow, type NewDelivery, type NewWebhook, type WebhookChange, type WebhookRow } from './rows.js'

const first = <T>(rows: T[]): T => {
  const [row] = rows
  if (row === undefined) throw new Error('insert: no row returned')
  return row
}

export const pgWebhookRepository = {
  insert: async (db: PgDb, v: NewWebhook): Promise<WebhookRow> => first(await db.insert(webhooks).values(v).returning()),

  findById: async (db: PgDb, id: number): Promise<WebhookRow | undefined> => (await db.select().from(webhooks).where(eq(webhooks.id, id)))[0],

  list: async (db: PgDb, principal: string | null, afterId: number, limit: number): Promise<WebhookRow[]> =>
    await db.select().from(webhooks).where(and(gt(webhooks.id, afterId), principal === null ? undefined : eq(webhooks.principal, principal))).orderBy(asc(webhooks.id)).limit(limit),

  update: async (db: PgDb, id: number, change: WebhookChange, holder?: string): Promise<WebhookRow | undefined> =>
    (await db.update(webhooks).set(change).where(and(eq(webhooks.id, id), holder === undefined ? undefined : eq(webhooks.leaseHolder, holder))).returning())[0],

  async remove (db: PgDb, id: number): Promise<void> {
    await db.delete(webhookDeliveries).where(eq(webhookDeliveries.webhookId, id))
    await db.delete(webhooks).where(eq(webhooks.id, id))
  },

  due: async (db: PgDb, now: string, head: number): Promise<WebhookRow[]> =>
    await db.select().from(webhooks).where(and(eq(webhooks.active, true), isNull(webhooks.failingSince), lt(webhooks.cursor, head),
      or(isNull(webhooks.nextAttemptAt), lte(webhooks.nextAttemptAt, now)))).orderBy(asc(webhooks.id)),

  insertDelivery: async (db: PgDb, v: NewDelivery): Promise<number> =>
    first(await db.insert(webhookDeliveries).values({ ...v, status: 'pending' }).returning({ id: webhookDeliveries.id })).id,

  async finishDelivery (db: PgDb, id: number, outcome: DeliveryOutcome): Promise<void> {
    await db.update(webhookDeliveries).set(outcome).where(eq(webhookDeliveries.id, id))
  },

  attemptsOf: async (db: PgDb, webhookId: number, eventId: number): Promise<number> =>
    Number((await db.select({ n: count() }).from(webhookDeliveries).where(and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.eventId, eventId))))[0]?.n ?? 0),

  deliveries: async (db: PgDb, webhookId: number, beforeId: number, limit: number): Promise<DeliveryRow[]> =>
    await db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.webhookId, webhookId), beforeId > 0 ? lt(webhookDeliveries.id, beforeId) : undefined))
      .orderBy(desc(webhookDeliveries.id)).limit(limit),

  async tidyDeliveries (db: PgDb, keepFrom: string, pendingBefore: string): Promise<{ forgotten: number, interrupted: number }> {
    const interrupted = (await db.update(webhookDeliveries).set(INTERRUPTED).where(and(eq(webhookDeliveries.status, 'pending'), lt(webhookDeliveries.at, pendingBefore)))).rowCount ?? 0
    return { forgotten: (await db.delete(webhookDeliveries).where(lt(webhookDeliveries.at, keepFrom))).rowCount ?? 0, interrupted }
  },

  findDelivery: async (db: PgDb, webhookId: number, id: number): Promise<DeliveryRow | undefined> =>
    (await db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.id, id))))[0]
}
