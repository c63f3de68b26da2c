// The audit trail on PostgreSQL (its repository there, until the others follow: issue 22): the
// hash chain checked, as after a registry is copied there (npm run cli -- copy): every event
// read back in id order, batch by batch, and walked as on SQLite (chain.ts), against the highest
// id the table's sequence ever gave.
import type { PgDb } from '../../db/pg/store.js'
import { verifyEventBatches, type ChainVerdict, type StoredEvent } from './chain.js'

const BATCH = 2000

/** The verdict on the chain as the transaction of `db` sees it. */
export async function verifyPgAuditChain (db: PgDb): Promise<ChainVerdict> {
  const client = db.$client
  const { rows: [sequence] } = await client.query<{ name: string | null }>("select pg_get_serial_sequence('audit_events', 'id') as name")
  let lastAssignedId = 0
  if (sequence?.name) {
    const { rows: [state] } = await client.query<{ last: number, called: boolean }>(`select last_value as last, is_called as called from ${sequence.name}`)
    if (state?.called === true) lastAssignedId = Number(state.last)
  }
  async function * batches (): AsyncGenerator<StoredEvent[]> {
    for (let after = 0; ;) {
      const { rows } = await client.query<StoredEvent>(`select id, at, actor, role, request_id as "requestId", entity, entity_id as "entityId", action, before, after,
        agency_id as "agencyId", prior_agency_id as "priorAgencyId", prev_hash as "prevHash", hash from audit_events where id > $1 order by id limit ${BATCH}`, [after])
      if (rows.length === 0) return
      yield rows
      after = (rows[rows.length - 1] as StoredEvent).id
    }
  }
  return await verifyEventBatches(batches(), lastAssignedId)
}
