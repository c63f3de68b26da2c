// What a transaction of the PostgreSQL store hands to repositories (db/engine.ts), as a type only:
// drizzle over the transaction's pooled connection (`$client`), marked as PostgreSQL's, with the
// store's ID-number codec.
import type pg from 'pg'
import type { NodePgDatabase } from 'drizzle-orm/node-postgres'
import type * as schema from './schema.js'
import type { IdNumberCodec } from '../../security/id-numbers.js'

export type PgDb = NodePgDatabase<typeof schema> & {
  readonly $client: pg.PoolClient
  readonly $engine: 'pg'
  /** The codec of the key the store was opened with (throws, when used, if it had none). */
  readonly $idNumbers: IdNumberCodec
  /** In a write transaction: what the write lock's row held when the transaction took it (as
   *  `locked`), moved on by this transaction's appends and written back with its COMMIT.
   *  Undefined in a read transaction. */
  $heads?: WriteHeads
}

/** The newest audit event's id and hash (0 and null: none yet) and the highest change-feed id. */
export interface WriteHeads {
  auditId: number
  auditHash: string | null
  feedId: number
  readonly locked: { readonly auditId: number, readonly feedId: number }
}
