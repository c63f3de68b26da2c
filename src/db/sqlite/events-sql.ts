// The change feed's reads in SQLite's dialect: a batch row holds its officers as a JSON array of
// [officerId, agencyId] pairs (events/repository), read back with json_each and ->>.
import { sql, type SQL } from 'drizzle-orm'

/** One event, its values by position: audit event, type, subject, agency, prior agency, time,
 *  data (JSON text). */
export const INSERT_EVENT = `insert into domain_events (audit_event_id, type, subject, agency_id, prior_agency_id, time, data)
        values (?, ?, ?, ?, ?, ?, ?)`

/** One row for a batch of events, one per officer: it takes the ids after the highest so far, up
 *  to its own (the first value: how many officers), then audit event, type, subject, time, data
 *  and officers (JSON texts). */
export const INSERT_EVENT_BATCH = `insert into domain_events (id, audit_event_id, type, subject, agency_id, prior_agency_id, time, data, officers)
    values ((select coalesce(max(id), 0) from domain_events) + ?, ?, ?, ?, 0, null, ?, ?, ?)`

/** The time of the row holding event ?, and the first id that row's events take. */
export const EVENT_TIME_OF = `select time, id - coalesce(json_array_length(officers), 1) + 1 as first
      from domain_events where id >= ? order by id limit 1`

/** The agency of one officer of a batch, in eventWindow's `inBatch` condition. */
export const BATCH_OFFICER_AGENCY = sql`(officer.value ->> 1)`

/** The events with ids in (from, to] after `afterId`, a single row's when `single` holds and a
 *  batch officer's when `inBatch` does, in id order, at most `limit`. A batch's first id is
 *  worked out once per batch (materialised): written per officer, SQLite measured the JSON array
 *  again for each, and a batch of 10,000 took half a second. */
export const eventWindow = (o: { from: number, to: number, afterId: number, single: SQL, inBatch: SQL, limit: number }): SQL => sql`
        with batch as materialized (
          select id - json_array_length(officers) + 1 as first, type, subject, time, data, officers
            from domain_events where id > ${o.from} and id <= ${o.to} and officers is not null)
        select id, type, subject, agency_id as agencyId, time, data, null as officerId
          from domain_events
          where id > ${o.from} and id <= ${o.to} and officers is null ${o.single}
        union all
        select batch.first + officer.key, batch.type, batch.subject, officer.value ->> 1, batch.time, batch.data, officer.value ->> 0
          from batch, json_each(batch.officers) as officer
          where batch.first + officer.key > ${o.afterId} ${o.inBatch}
        order by 1
        limit ${o.limit}`
