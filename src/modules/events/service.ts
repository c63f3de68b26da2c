// The change feed for systems that cannot receive webhooks: domain events in commit order,
// within the caller's scope, as CloudEvents.
import type { Actor } from '../../security/roles.js'
import type { ServiceContext } from '../context.js'
import { eventRepository, type StoredEvent } from './repository.js'
import { EVENT_SOURCE } from './schema.js'

const cursorAt = (id: number) => Buffer.from(`id:${id}`, 'utf8').toString('base64url')

/** An event as CloudEvent; one out of a batch is about its officer, with the officer in its data. */
export function toCloudEvent (row: StoredEvent) {
  const data = JSON.parse(row.data) as Record<string, unknown>
  return {
    specversion: '1.0' as const,
    id: String(row.id),
    source: EVENT_SOURCE,
    type: row.type,
    time: row.time,
    subject: row.officerId === null ? row.subject : `officers/${row.officerId}`,
    datacontenttype: 'application/json' as const,
    agencyid: row.agencyId,
    data: row.officerId === null ? data : { officerId: row.officerId, ...data }
  }
}

export function eventsService ({ store }: ServiceContext) {
  return {
    /** Up to `limit` events after the cursor, and the cursor to resume from. Writers are
     *  serialised and ids increase in commit order, so no event can appear later behind a
     *  position already read: when the page is not full, the cursor moves to the newest event
     *  (skipping those out of scope), and a later poll returns exactly what came after. */
    feed (actor: Actor, afterId: number, limit: number) {
      const head = eventRepository.head(store.db)
      const rows = eventRepository.list(store.db, actor.scope, afterId, head, limit + 1)
      const more = rows.length > limit
      const page = more ? rows.slice(0, limit) : rows
      const last = more ? (page[page.length - 1]?.id ?? afterId) : Math.max(head, afterId)
      return { items: page.map(toCloudEvent), nextCursor: cursorAt(last) }
    }
  }
}

export type EventsService = ReturnType<typeof eventsService>
