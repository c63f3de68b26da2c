// The change feed for systems that cannot receive webhooks: domain events in commit order,
// within the caller's scope, as CloudEvents.
import { fail } from '../../errors.js'
import { readCursor, writeCursor, type Cursor } from '../../http/pagination.js'
import type { Actor } from '../../security/roles.js'
import type { ServiceContext } from '../context.js'
import { eventRepository, type StoredEvent } from './repository.js'
import { EVENT_SOURCE } from './schema.js'

// A cursor names the last event read and is stamped with when it happened: after a restore from
// an older backup the ids after the backup's newest are given again, to other events, and the
// time no longer matches. Unstamped cursors (the feed's first form) are still read, by id alone.

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

const stampedAt = (after: number, time: string | undefined): Cursor => (time === undefined ? { after } : { after, stamp: time })

export function eventsService ({ store }: ServiceContext) {
  return {
    /** Up to `limit` events after the cursor, and the cursor to resume from. Writers are
     *  serialised and ids increase in commit order, so no event can appear later behind a
     *  position already read: when the page is not full, the cursor moves to the newest event
     *  (skipping those out of scope), and a later poll returns exactly what came after. */
    async feed (actor: Actor, cursor: string | undefined, limit: number) {
      const { after: afterId, stamp: time } = readCursor(cursor, 'stamped')
      return await store.read(async (db) => {
        const head = await eventRepository.head(db)
        // A cursor past the newest event, or at an event that is not the one it was made at: the
        // database went back to an older backup, and the ids after it are being given again, to
        // other events. Reading on from it would miss them without a word: say so instead.
        let mismatch: string | null = null
        if (afterId > head) mismatch = `the cursor stands at event ${afterId}, but the newest event is ${head}`
        else if (time !== undefined && afterId > 0 && await eventRepository.timeOf(db, afterId) !== time) mismatch = `event ${afterId} is not the one this cursor was made at`
        if (mismatch !== null) {
          fail('FEED_CURSOR_MISMATCH', `${mismatch}: the database was restored from an older backup, or the cursor is not from this registry. Events after ${Math.min(head, afterId)} may reuse ids you have passed: read again from the start (without a cursor), or from a cursor saved before the backup was made. / 游标与事件流不符：请从头或从备份之前保存的游标重新读取。`,
            { errors: [{ in: 'querystring', pointer: '/cursor', detail: 'does not match this feed / 与事件流不符' }] })
        }
        const rows = await eventRepository.list(db, actor.scope, afterId, head, limit + 1)
        const more = rows.length > limit
        const page = more ? rows.slice(0, limit) : rows
        const lastEvent = more ? page[page.length - 1] : undefined
        const last = lastEvent?.id ?? head
        return { items: page.map(toCloudEvent), nextCursor: writeCursor(stampedAt(last, lastEvent?.time ?? (last > 0 ? await eventRepository.timeOf(db, last) : undefined))) }
      })
    }
  }
}

export type EventsService = ReturnType<typeof eventsService>
