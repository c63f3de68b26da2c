// What a transaction of the PostgreSQL store hands to repositories (db/engine.ts), as a type (and
// keptReads, for the reads a write transaction keeps): drizzle over the transaction's pooled
// connection (`$client`), marked as PostgreSQL's, with the store's ID-number codec.
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
  /** In a write transaction: answers repositories read ahead or already read in it, kept for the
   *  rest of it (see ReadAhead). Undefined in a read transaction. */
  $readAhead?: ReadAhead
}

/**
 * Reads a write transaction keeps, by repository (the name) and key: the transaction holds the
 * write lock, so nothing but itself changes the rows meanwhile, and a repository forgets what it
 * kept of a row when it writes that row (or, for a table written seldom, all it kept of the
 * table). Emptied when a savepoint rolls back (what was read inside it may be undone), and gone
 * with the transaction.
 */
export type ReadAhead = Map<string, Map<string | number, unknown>>

/** The answers `name` keeps in the write transaction of `db`; undefined outside one. */
export function keptReads (db: PgDb, name: string): Map<string | number, unknown> | undefined {
  const all = db.$readAhead
  if (all === undefined) return undefined
  let kept = all.get(name)
  if (kept === undefined) all.set(name, kept = new Map())
  return kept
}

/** The newest audit event's id and hash (0 and null: none yet) and the highest change-feed id. */
export interface WriteHeads {
  auditId: number
  auditHash: string | null
  feedId: number
  readonly locked: { readonly auditId: number, readonly feedId: number }
}
