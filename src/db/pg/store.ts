// The PostgreSQL adapter of the storage port (db/store.ts): openPgStore(url) builds one handle
// over a pool of connections. Each transaction takes a connection of its own:
//  - write: one at a time in this process (an async mutex, before a connection is taken), then
//    READ COMMITTED, and first of all the one row of write_lock, FOR UPDATE: every write
//    of every app server on the database waits for the one before it to commit, as SQLite's
//    single writer does. So the audit chain stays linear (each event chains to the last one
//    committed), change-feed ids are committed in the order they are assigned (a poll never
//    passes an id still to come), and a read-then-write sees every write committed before it
//    (no lost update). Simple and correct first; finer locks only if writes ever contend.
//  - read: REPEATABLE READ, READ ONLY: one snapshot for everything it reads.
// Migrations (migrations/pg) run at open, under an advisory lock, so two servers starting
// together do not both apply one. count(*) and sum() come back as numbers, not strings.
// Nothing is kept between transactions (no answers cached), so there is nothing to invalidate
// when another server writes: every read sees every commit before it began.
import { join } from 'node:path'
import pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import * as schema from './schema.js'
import { createArrivals, type Arrivals } from '../arrivals.js'
import { MIGRATIONS_DIR, shippedMigrations, turnTaker } from '../migrations.js'
import type { Store } from '../store.js'
import { createMutex } from '../mutex.js'
import { sharedLimits } from './shared-limits.js'
import { assertKeyId, assertSealedWith, createIdNumberCodec, type IdNumberCodec } from '../../security/id-numbers.js'

export const PG_MIGRATIONS_DIR = join(MIGRATIONS_DIR, 'pg')

// int8 (count(*), sum of integers) and numeric: numbers, as SQLite gives them (the registry's
// figures are far below 2^53). Set on pg's own table, for the process: drizzle gives every query
// type parsers of its own, which fall back to that table (a pool's `types` would not be asked).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v))
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v))

/** How long a write waits for the write lock another process holds, and a connection for the
 *  server, before it fails (a transaction left open in psql must not hang the service). */
const LOCK_TIMEOUT = '30s'
const CONNECT_TIMEOUT_MS = 10_000
const LIMITS_POOL_SIZE = 3

import type { PgDb } from './handle.js'

export type { PgDb }

export interface PgStoreOptions {
  readonly migrate?: boolean
  /** Connections in the pool (default 10). */
  readonly poolSize?: number
  /** The 32-byte master key ID numbers are sealed with; without it sealing or opening throws. */
  readonly idNumberKey?: Buffer
}

export interface PgStore extends Store<PgDb> {
  readonly pool: pg.Pool
  /** Closes the pool once every connection is given back (close() does the same without waiting;
   *  either, or both, any number of times). */
  end (): Promise<void>
}

/** A key of PostgreSQL's advisory locks, held while migrations run. */
const MIGRATION_LOCK = 724_031_117

/** Opens a pool on `url` (postgres://…) and, unless told not to, applies the migrations. */
export async function openPgStore (url: string, options: PgStoreOptions = {}): Promise<PgStore> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
  // A connection that fails while idle in the pool (the server restarted, an administrator ended
  // it) is dropped by the pool and the next transaction gets a new one: said, not thrown.
  pool.on('error', (err) => { process.emitWarning(`an idle PostgreSQL connection failed: ${err.message}`) })
  try {
    if (options.migrate !== false) await migrated(pool)
    if (options.idNumberKey !== undefined) await checkIdNumberKey(pool, createIdNumberCodec(options.idNumberKey))
  } catch (err) {
    await pool.end()
    throw err
  }
  const requests: Arrivals = createArrivals()
  const key = options.idNumberKey
  let codec: IdNumberCodec | undefined
  // One drizzle per pooled connection, made when it is first lent (the pool keeps at most
  // poolSize of them; one that is closed is forgotten).
  const handles = new Map<pg.PoolClient, PgDb>()
  const dbOf = (client: pg.PoolClient): PgDb => {
    let db = handles.get(client)
    if (db === undefined) {
      preparedOnce(client)
      const drizzled = drizzle(client, { schema })
      Object.defineProperty(drizzled, '$engine', { value: 'pg', enumerable: false })
      Object.defineProperty(drizzled, '$idNumbers', { get: () => store.idNumbers, enumerable: false })
      handles.set(client, db = drizzled as unknown as PgDb)
      client.once('end', () => handles.delete(client))
    }
    return db
  }

  /** `work` in a transaction on a connection of its own, begun by `begin` (whose results
   *  `started` checks and hands to the transaction's handle, when given); COMMIT when it resolves,
   *  ROLLBACK when it rejects (and the error thrown). */
  async function transaction<T> (begin: string, work: (db: PgDb) => Promise<T>, started?: (results: unknown, db: PgDb) => void): Promise<T> {
    const client = await pool.connect()
    const db = dbOf(client)
    let broken: Error | undefined
    try {
      const results: unknown = await client.query(begin)
      if (started !== undefined) started(results, db)
      const value = await work(db)
      await client.query(`${headsKept(db)}COMMIT`)
      return value
    } catch (err) {
      try {
        await client.query('ROLLBACK')
      } catch (again) {
        broken = again instanceof Error ? again : new Error(String(again))
      }
      throw err
    } finally {
      // The handle outlives the transaction (one per connection): what it knew of the chain's
      // head is the next writer's to read again. A connection whose ROLLBACK failed is not lent
      // again.
      delete db.$heads
      delete db.$readAhead
      client.release(broken)
    }
  }
  // The row locked also gives the audit chain's head and the change feed's highest id
  // (migrations/pg/0005, 0007, 0008), which no other writer can move before this one commits: an
  // append knows its ids and the hash it chains to without reading the tables. They move in
  // memory with each append and are written back once, with the COMMIT (headsKept): updating the
  // one row at every append made an import of 50,000 officers slower with each row (each update
  // a new version of the row, within one transaction), and max(id) of the feed, planned from the
  // statistics of a table that was small, scanned it whole at every event.
  const lockFirst = `BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'; SELECT audit_last_id AS "auditId", audit_last_hash AS "auditHash", feed_last_id AS "feedId" FROM write_lock WHERE id = 1 FOR UPDATE`
  /** Without its row the lock locks nothing: refused rather than writing unserialised. */
  const locked = (results: unknown, db: PgDb) => {
    const last = (results as Array<{ rowCount: number | null, rows: Array<{ auditId: number, auditHash: string | null, feedId: number }> }>).at(-1)
    const row = last?.rows[0]
    if (last?.rowCount !== 1 || row === undefined) throw new Error('the write_lock row is missing: run npm run cli -- migrate, or insert (1) into write_lock')
    db.$heads = { ...row, locked: { auditId: row.auditId, feedId: row.feedId } }
    db.$readAhead = new Map()
  }
  /** The statement that writes the heads back to the lock's row, when this transaction appended
   *  (sent with its COMMIT: no round trip of its own); '' when it did not. */
  const headsKept = (db: PgDb): string => {
    const h = db.$heads
    if (h === undefined || (h.auditId === h.locked.auditId && h.feedId === h.locked.feedId)) return ''
    // They go into the statement's text (one simple query with COMMIT): a hash is 64 hex digits,
    // an id an integer, or an append went wrong.
    if (!Number.isSafeInteger(h.auditId) || !Number.isSafeInteger(h.feedId) || (h.auditHash !== null && !/^[0-9a-f]{64}$/.test(h.auditHash))) {
      throw new Error(`the heads are not an event's: ${String(h.auditId)} ${String(h.auditHash)} ${String(h.feedId)}`)
    }
    return `UPDATE write_lock SET audit_last_id = ${h.auditId}, audit_last_hash = ${h.auditHash === null ? 'NULL' : `'${h.auditHash}'`}, feed_last_id = ${h.feedId} WHERE id = 1; `
  }
  // This process's writes queue here, not on the lock row: one waiting there holds a connection
  // of the pool, and ten would leave none for reads (which PostgreSQL never makes wait).
  const writeLock = createMutex()
  const write = <T>(work: (db: PgDb) => Promise<T>) => writeLock.lock(() => transaction(lockFirst, work, locked))
  let savepoints = 0
  let ending: Promise<void> | undefined
  // The login back-off and the rate limits on a small pool of their own: a burst of sign-ins for
  // one name waits on its row there, never holding the connections reads and writes need.
  const limitsPool = new pg.Pool({ connectionString: url, max: LIMITS_POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
  limitsPool.on('error', (err) => { process.emitWarning(`an idle PostgreSQL connection failed: ${err.message}`) })
  const end = () => (ending ??= Promise.all([pool.end(), limitsPool.end()]).then(() => undefined))

  const store: PgStore = {
    engine: 'pg',
    pool,
    read: (fn) => transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn),
    async readOne (fn) {
      const client = await pool.connect()
      const db = dbOf(client)
      // One statement is one snapshot; a second would read another (no transaction holds them
      // together): a caller that sends two is told to use read, not answered half-consistently.
      const query = client.query
      let sent = 0
      client.query = ((...args: Parameters<typeof query>) => { sent++; return query.apply(client, args) }) as typeof query
      try {
        const value = await fn(db)
        if (sent > 1) throw new Error(`readOne sent ${sent} statements: a read of more than one statement needs store.read`)
        return value
      } finally {
        client.query = query
        client.release()
      }
    },
    write,
    writeInTurns: (work) => write(async (db) => {
      const began = performance.now()
      const value = await work(db, turnTaker())
      return { value, heldMs: performance.now() - began }
    }),
    async savepoint (db, fn) {
      const name = `sp${++savepoints}`
      // The heads as they stand: what fn appends is undone with its rows when it fails.
      const heads = db.$heads === undefined ? undefined : { ...db.$heads }
      await db.$client.query(`SAVEPOINT ${name}`)
      try {
        const value = await fn()
        await db.$client.query(`RELEASE SAVEPOINT ${name}`)
        return value
      } catch (err) {
        if (heads !== undefined && db.$heads !== undefined) Object.assign(db.$heads, heads)
        // What was read (or read ahead) inside it may be undone with it.
        db.$readAhead?.clear()
        try {
          await db.$client.query(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`)
        } catch (again) {
          // The transaction cannot go on; its caller rolls it back, and hears of both.
          throw new Error(`ROLLBACK TO SAVEPOINT failed (${String(again)}) after: ${String(err)}`, { cause: err })
        }
        throw err
      }
    },
    migrationsApplied: async () => {
      try {
        const { rows } = await pool.query<{ n: number }>('select count(*) as n from drizzle.__drizzle_migrations')
        return (rows[0]?.n ?? 0) >= shippedMigrations(PG_MIGRATIONS_DIR)
      } catch {
        return false
      }
    },
    requests,
    shared: sharedLimits(limitsPool),
    async claimSigningKey (keyId) {
      await pool.query('update write_lock set signing_key_id = $1 where id = 1 and signing_key_id is null', [keyId])
      const { rows: [claimed] } = await pool.query<{ keyId: string }>('select signing_key_id as "keyId" from write_lock where id = 1')
      return claimed?.keyId ?? keyId
    },
    get idNumbers (): IdNumberCodec {
      if (codec !== undefined) return codec
      if (key === undefined) throw new Error('this store was opened without an ID-number key: give idNumberKey')
      return (codec = createIdNumberCodec(key))
    },
    close: () => { end().catch((err: unknown) => { process.emitWarning(`closing the PostgreSQL pool: ${String(err)}`) }) },
    end
  }
  return store
}

const KEY_FIX = 'set ID_ENCRYPTION_KEY to the key the data was written with (every app server on one database needs the same key)'

/** Refuses a key other than the one the ID numbers already stored were sealed with (as the
 *  SQLite store does; a database on PostgreSQL is filled by the copy or the service, both
 *  sealing, so no number is in clear to convert), and other than the one the database was first
 *  opened with (migrations/pg/0006: claimed on the write lock's row, so two servers starting
 *  together on an empty database cannot each seal with a key of their own). */
async function checkIdNumberKey (pool: pg.Pool, codec: IdNumberCodec): Promise<void> {
  const migratedYet = (await pool.query("select 1 from information_schema.columns where table_name = 'write_lock' and column_name = 'id_number_key_id'")).rowCount === 1
  if (!migratedYet) return // opened with migrate: false on a database not migrated: nothing to check
  const { rows: sample } = await pool.query<{ idNumber: string }>("select id_number as \"idNumber\" from officers where id_number like 'v1.%' limit 1")
  assertSealedWith(codec, sample[0]?.idNumber, KEY_FIX)
  await pool.query('update write_lock set id_number_key_id = $1 where id = 1 and id_number_key_id is null', [codec.keyId])
  const { rows: [claimed] } = await pool.query<{ keyId: string | null }>('select id_number_key_id as "keyId" from write_lock where id = 1')
  assertKeyId(codec, claimed?.keyId ?? undefined, KEY_FIX)
}

/** Statements with parameters a connection may keep prepared (beyond them, sent unnamed). */
const PREPARED_PER_CONNECTION = 200

/**
 * Makes each parameterised statement `client` is sent a named one, the first PREPARED_PER_CONNECTION
 * texts it sees: PostgreSQL then parses each once per connection and, after a few runs, keeps its
 * plan. drizzle sends its statements unnamed, each parsed and planned again every time: a point
 * read joined to the blind index took 1.8 ms to plan and 0.1 ms to run, and a registration of
 * five statements took about 14 ms on the bench data. A statement named by the caller keeps its
 * name; one without parameters (BEGIN, COMMIT) goes as it was.
 */
function preparedOnce (client: pg.PoolClient): void {
  const names = new Map<string, string>()
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  ;(client as { query: (...args: unknown[]) => unknown }).query = (config: unknown, ...rest: unknown[]) => {
    if (typeof config === 'object' && config !== null && !('submit' in config)) {
      const c = config as pg.QueryConfig
      const values = Array.isArray(rest[0]) ? rest[0] : c.values
      if (c.name === undefined && typeof c.text === 'string' && values !== undefined && values.length > 0) {
        let name = names.get(c.text)
        if (name === undefined && names.size < PREPARED_PER_CONNECTION) names.set(c.text, name = `registry-${names.size}`)
        if (name !== undefined) return query({ ...c, name }, ...rest)
      }
    }
    return query(config, ...rest)
  }
}

/** Applies the migrations not yet applied, holding an advisory lock meanwhile (another server
 *  starting at the same time waits, then finds nothing left to apply). */
async function migrated (pool: pg.Pool): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    try {
      await migrate(drizzle(client, { schema }), { migrationsFolder: PG_MIGRATIONS_DIR })
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK])
    }
  } finally {
    client.release()
  }
}
