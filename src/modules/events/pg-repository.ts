// The change feed in SQL on PostgreSQL (the SQLite one, and how batches are stored:
// repository.ts). Ids are assigned under the store's write lock, so in commit order
// (db/pg/events-sql.ts).
import { max, or, sql } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'
import { domainEvents } from '../../db/pg/schema.js'
import { BATCH_OFFICER_AGENCY, EVENT_TIME_OF, INSERT_EVENT, INSERT_EVENT_BATCH, eventWindow } from '../../db/pg/events-sql.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'
import { EVENT_TYPE_PREFIX, type AuditHead, type EventDraft } from './projection.js'
import type { StoredEvent } from './rows.js'

// The first window of ids a scoped read looks through; it doubles until the page is full.
const FIRST_WINDOW = 1024

export const pgEventRepository = {
  async append (db: PgDb, audit: AuditHead, drafts: readonly EventDraft[]): Promise<void> {
    const heads = db.$heads
    if (heads === undefined) throw new Error('change-feed events are appended in a write transaction (store.write), which holds the write lock')
    for (const d of drafts) {
      if ('officers' in d) {
        if (d.officers.length === 0) continue
        await db.$client.query(INSERT_EVENT_BATCH,
          [heads.feedId + d.officers.length, audit.id, EVENT_TYPE_PREFIX + d.type, d.subject, audit.at, JSON.stringify(d.data), JSON.stringify(d.officers)])
        heads.feedId += d.officers.length
        continue
      }
      await db.$client.query({ name: 'event-insert', text: INSERT_EVENT, values: [heads.feedId + 1, audit.id, EVENT_TYPE_PREFIX + d.type, d.subject, d.agencyId, d.priorAgencyId, audit.at, JSON.stringify(d.data)] })
      heads.feedId++
    }
  },

  timeOf: async (db: PgDb, id: number): Promise<string | undefined> => {
    const { rows: [row] } = await db.$client.query<{ time: string, first: number }>(EVENT_TIME_OF, [id])
    return row !== undefined && row.first <= id ? row.time : undefined
  },

  head: async (db: PgDb): Promise<number> => {
    const [row] = await db.select({ id: max(domainEvents.id) }).from(domainEvents)
    return row?.id ?? 0
  },

  async list (db: PgDb, scope: Scope, afterId: number, upTo: number, limit: number): Promise<StoredEvent[]> {
    const events: StoredEvent[] = []
    const single = scope.all ? sql`` : sql`and ${or(inScopeWhere(scope, domainEvents.agencyId), inScopeWhere(scope, domainEvents.priorAgencyId))}`
    const inBatch = scope.all ? sql`` : sql`and ${inScopeWhere(scope, BATCH_OFFICER_AGENCY)}`
    let from = afterId
    for (let width = FIRST_WINDOW; from < upTo && events.length < limit; width *= 2) {
      const to = Math.min(upTo, from + width)
      const { rows } = await db.execute<StoredEvent & Record<string, unknown>>(eventWindow({ from, to, afterId, single, inBatch, limit: limit - events.length }))
      events.push(...rows)
      from = to
    }
    return events
  }
}
