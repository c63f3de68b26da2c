// The change feed for systems that cannot receive webhooks: domain events in commit order,
// within the caller's scope, as CloudEvents.
import { fail } from '../../errors.js'
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
      // Only a restore from an older backup (or another registry's cursor) puts a cursor past
      // the newest event: the ids after the head will be given again, to new events, and a
      // consumer reading on from its cursor would silently miss them. Say so instead.
      if (afterId > head) {
        fail('FEED_CURSOR_AHEAD', `the cursor stands at event ${afterId}, but the newest event is ${head}: the database was restored from an older backup, or the cursor is not from this registry. Events after ${head} will reuse ids you have passed: read again from a cursor saved at or before ${head}, or from the start without one. / 游标位于事件 ${afterId}，但最新事件为 ${head}：请从此前保存的游标或从头重新读取。`,
          { errors: [{ in: 'querystring', pointer: '/cursor', detail: `ahead of the newest event (${head}) / 超出最新事件` }] })
      }
      const rows = eventRepository.list(store.db, actor.scope, afterId, head, limit + 1)
      const more = rows.length > limit
      const page = more ? rows.slice(0, limit) : rows
      const last = more ? (page[page.length - 1]?.id ?? afterId) : head
      return { items: page.map(toCloudEvent), nextCursor: cursorAt(last) }
    }
  }
}

export type EventsService = ReturnType<typeof eventsService>
