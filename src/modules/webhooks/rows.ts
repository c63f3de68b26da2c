// The rows both webhook repositories answer (repository.ts on SQLite, pg-repository.ts on
// PostgreSQL), so neither implementation imports the other for them.
import type { webhookDeliveries, webhooks } from '../../db/schema.js'

export type WebhookRow = typeof webhooks.$inferSelect
export type NewWebhook = Pick<WebhookRow, 'principal' | 'agencyId' | 'url' | 'events' | 'description' | 'secret' | 'cursor' | 'createdAt'>
/** What a change writes: the subscriber's fields, or the worker's bookkeeping. */
export type WebhookChange = Partial<Omit<WebhookRow, 'id' | 'principal' | 'agencyId' | 'secret' | 'createdAt'>>
export type DeliveryRow = typeof webhookDeliveries.$inferSelect
export type NewDelivery = Pick<DeliveryRow, 'webhookId' | 'eventId' | 'messageId' | 'eventType' | 'attempt' | 'replay' | 'at'>
export type DeliveryOutcome = Pick<DeliveryRow, 'status' | 'responseCode' | 'error' | 'durationMs'>

/** What a pending attempt no process waits for any more becomes (tidyDeliveries). */
export const INTERRUPTED = { status: 'failed', error: 'interrupted: the server stopped before an answer came / 服务中断，未收到应答' } as const
