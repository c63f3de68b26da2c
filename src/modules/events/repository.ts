// The change feed in SQL: domain_events, appended by appendAudit inside each change's
// transaction, read in id order within the caller's scope.
//
// A row is one event, or a batch: attendances recorded together are one event per officer
// stored as one row (an import of 100,000 would otherwise write 100,000 rows and as many
// entries in the per-agency index). A batch's row takes the id of its last event and reserves
// the ids before it for the others, so events keep one increasing numbering whatever their
// storage, ranges never interleave, and rows in id order are events in id order.
import { max, or, sql } from 'drizzle-orm'
import { byEngine, type SqliteDb } from '../../db/engine.js'
import { domainEvents } from '../../db/schema.js'
import type { Scope } from '../../security/roles.js'
import { EVENT_TYPE_PREFIX, type AuditHead, type EventDraft } from './projection.js'
import { inScopeWhere } from '../../db/scope.js'
import { onceStatement, queryKeys } from '../../db/sqlite/prepared.js'
import { BATCH_OFFICER_AGENCY, EVENT_TIME_OF, INSERT_EVENT, INSERT_EVENT_BATCH, eventWindow } from '../../db/sqlite/events-sql.js'
import { pgEventRepository } from './pg-repository.js'
import type { StoredEvent } from './rows.js'

export type { StoredEvent } from './rows.js'

/** The keys of this repository's prepared queries (db/sqlite/prepared). */
const Q = queryKeys('events', ['insert', 'timeOf', 'insertBatch'])

// The first window of ids a scoped read looks through; it doubles until the page is full.
const FIRST_WINDOW = 1024

export const eventRepository = byEngine({
  /** Appends the events of one audit event; call it in that audit event's transaction. */
  async append (db: SqliteDb, audit: AuditHead, drafts: readonly EventDraft[]): Promise<void> {
    for (const d of drafts) {
      if ('officers' in d) {
        appendBatch(db, audit, d)
        continue
      }
      // Positional parameters: binding seven named ones cost about a seventh of each insert.
      onceStatement(db, Q.insert, INSERT_EVENT)
        .run(audit.id, EVENT_TYPE_PREFIX + d.type, d.subject, d.agencyId, d.priorAgencyId, audit.at, JSON.stringify(d.data))
    }
  },

  /** When event `id` happened (its row's time; a batch's events share it), or undefined when no
   *  event has that id: it marks a cursor, so a feed restored from a backup is noticed. */
  timeOf: async (db: SqliteDb, id: number): Promise<string | undefined> => {
    const row = onceStatement(db, Q.timeOf, EVENT_TIME_OF).get(id) as { time: string, first: number } | undefined
    return row !== undefined && row.first <= id ? row.time : undefined
  },

  /** The newest event id (0 when none): the feed reads up to it, so a page and its cursor agree. */
  head: async (db: SqliteDb): Promise<number> => db.select({ id: max(domainEvents.id) }).from(domainEvents).get()?.id ?? 0,

  /**
   * Up to `limit` events after `afterId` up to `upTo`, in id order, in scope (the agency an event
   * concerns, or the one an officer left; in a batch, each officer's agency). A scope is read
   * window by window of ids (doubling), so a page costs what finding its events costs, not what
   * the scope holds after the cursor: a consumer catching up reads in linear time.
   */
  async list (db: SqliteDb, scope: Scope, afterId: number, upTo: number, limit: number): Promise<StoredEvent[]> {
    const events: StoredEvent[] = []
    const single = scope.all ? sql`` : sql`and ${or(inScopeWhere(scope, domainEvents.agencyId), inScopeWhere(scope, domainEvents.priorAgencyId))}`
    const inBatch = scope.all ? sql`` : sql`and ${inScopeWhere(scope, BATCH_OFFICER_AGENCY)}`
    let from = afterId
    for (let width = FIRST_WINDOW; from < upTo && events.length < limit; width *= 2) {
      const to = Math.min(upTo, from + width)
      events.push(...db.all<StoredEvent>(eventWindow({ from, to, afterId, single, inBatch, limit: limit - events.length })))
      from = to
    }
    return events
  }
}, pgEventRepository)

/** A batch's row: the ids up to max + n are its events' (see the top of this file). */
function appendBatch (db: SqliteDb, audit: AuditHead, d: Extract<EventDraft, { officers: unknown }>): void {
  if (d.officers.length === 0) return
  onceStatement(db, Q.insertBatch, INSERT_EVENT_BATCH)
    .run(d.officers.length, audit.id, EVENT_TYPE_PREFIX + d.type, d.subject, audit.at, JSON.stringify(d.data), JSON.stringify(d.officers))
}
