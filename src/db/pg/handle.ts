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
  /** In a write transaction: the id and hash of the newest audit event (0 and null: none yet),
   *  as the write lock's row held them when the transaction took it (the id then: lockedAt), and
   *  as this transaction's appends moved them on (written back to the row with its COMMIT).
   *  Undefined in a read transaction. */
  $auditHead?: { id: number, hash: string | null, readonly lockedAt: number }
}
