// The change feed's reads and writes in PostgreSQL's dialect (SQLite's: db/sqlite/events-sql.ts).
// A batch row holds its officers as a jsonb array of [officerId, agencyId] pairs, read back with
// jsonb_array_elements; the data is json (the text as written: its keys in the order SQLite keeps)
// and goes out as that text.
import { sql, type SQL } from 'drizzle-orm'

// Ids are the highest so far plus one (a batch: plus its count), as SQLite gives them, taken
// under the store's write lock from the highest its row holds (the transaction's heads, db/pg/
// store.ts): in commit order, and with no gap left by a write rolled back (the table's sequence
// would leave one). The sequence is not used.

/** One event, its values by position: id, audit event, type, subject, agency, prior agency,
 *  time, data (JSON text). */
export const INSERT_EVENT = `insert into domain_events (id, audit_event_id, type, subject, agency_id, prior_agency_id, time, data)
        values ($1, $2, $3, $4, $5, $6, $7, $8::json)`

/** One row for a batch of events, one per officer: its id is the last of the ids its officers
 *  take ($1), then audit event, type, subject, time, data and officers (JSON texts). */
export const INSERT_EVENT_BATCH = `insert into domain_events (id, audit_event_id, type, subject, agency_id, prior_agency_id, time, data, officers)
    values ($1, $2, $3, $4, 0, null, $5, $6::json, $7::jsonb)`

/** The time of the row holding event $1, and the first id that row's events take. */
export const EVENT_TIME_OF = `select time, id - coalesce(jsonb_array_length(officers), 1) + 1 as first
      from domain_events where id >= $1 order by id limit 1`

/** The agency of one officer of a batch, in eventWindow's `inBatch` condition. */
export const BATCH_OFFICER_AGENCY = sql`((officer.value ->> 1)::int)`

/** The events with ids in (from, to] after `afterId`, a single row's when `single` holds and a
 *  batch officer's when `inBatch` does, in id order, at most `limit` (as SQLite's eventWindow). */
export const eventWindow = (o: { from: number, to: number, afterId: number, single: SQL, inBatch: SQL, limit: number }): SQL => sql`
        with batch as materialized (
          select id - jsonb_array_length(officers) + 1 as first, type, subject, time, data, officers
            from domain_events where id > ${o.from} and id <= ${o.to} and officers is not null)
        select id, type, subject, agency_id as "agencyId", time, data::text as data, null::int as "officerId"
          from domain_events
          where id > ${o.from} and id <= ${o.to} and officers is null ${o.single}
        union all
        select (batch.first + officer.ord - 1)::int, batch.type, batch.subject, (officer.value ->> 1)::int, batch.time, batch.data::text, (officer.value ->> 0)::int
          from batch, jsonb_array_elements(batch.officers) with ordinality as officer(value, ord)
          where batch.first + officer.ord - 1 > ${o.afterId} ${o.inBatch}
        order by 1
        limit ${o.limit}`
