// The bench's data on PostgreSQL: a database holding a copy of a SQLite bench file, made with the
// service's own copy (what `npm run cli -- copy` does), so the figures on PostgreSQL are over
// exactly the rows of the figures on SQLite. Named after the file and kept between runs (a copy of
// millions of rows takes minutes): made again only when the file, or the key its ID numbers are
// sealed with, is not the one it was made from.
import { createHash } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import pg from 'pg'
import { copySqliteToPg } from '../src/db/pg/copy.js'
import { openPgStore } from '../src/db/pg/store.js'
import { createIdNumberCodec, loadIdNumberKey } from '../src/security/id-numbers.js'

/** The server the bench makes its databases on (the development machines' PostgreSQL). */
export const DEFAULT_PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test'

/** A key of the advisory locks: two runs wanting the same file's copy make it once. */
const BUILD_LOCK = 724_031_119

export interface PgBenchOptions {
  /** A URL on the server whose user may create databases (default DEFAULT_PG_ADMIN_URL). */
  readonly adminUrl?: string
  /** Told how a copy goes: each table as it is done, and a long table's rows so far. */
  readonly progress?: (table: string, rows: number) => void
}

export interface PgBenchDatabase {
  /** The database's URL (the admin URL's server and user). */
  readonly url: string
  /** Time taken: the copy and its statistics, or only the look when reused. */
  readonly ms: number
  /** True when a copy made earlier from the same file was found and kept. */
  readonly reused: boolean
}

/**
 * Returns a PostgreSQL database holding the registry of the SQLite file `sqliteFile`, copied
 * with copySqliteToPg (migrated first; counts, audit head and feed end checked), its ID numbers
 * sealed with the key beside the file, and analysed (the planner's statistics, as a database in
 * service would have them). The database `registry_bench_<hash of the file's path>` is reused
 * when its comment names the file's size and time and the key's id; otherwise dropped (ending
 * whatever is connected to it) and made again. Throws when the file is missing or the copy is
 * refused (CopyRefused).
 */
export async function pgBenchDatabase (sqliteFile: string, options: PgBenchOptions = {}): Promise<PgBenchDatabase> {
  const started = performance.now()
  const file = resolve(sqliteFile)
  if (!existsSync(file)) throw new Error(`no bench database at ${file}: npm run bench:data`)
  const key = loadIdNumberKey({ DATABASE_PATH: file })
  const marker = markerOf(file, createIdNumberCodec(key).keyId)
  const hash = createHash('sha256').update(file).digest()
  const name = `registry_bench_${hash.toString('hex').slice(0, 12)}`
  const adminUrl = options.adminUrl ?? DEFAULT_PG_ADMIN_URL
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const result = (reused: boolean) => ({ url: url.toString(), ms: performance.now() - started, reused })

  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    // Held until this session ends: released with it, however the build ends.
    await admin.query('select pg_advisory_lock($1, $2)', [BUILD_LOCK, hash.readInt32BE(0)])
    const { rows } = await admin.query<{ marker: string | null }>("select shobj_description(oid, 'pg_database') as marker from pg_database where datname = $1", [name])
    if (rows.length === 1 && rows[0]?.marker === marker) return result(true)
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.query(`create database ${name}`)
    const store = await openPgStore(url.toString(), { idNumberKey: key, poolSize: 1 })
    try {
      await copySqliteToPg(file, store, { progress: options.progress, rowsSoFar: options.progress })
    } finally {
      await store.end()
    }
    const db = new pg.Client({ connectionString: url.toString() })
    await db.connect()
    try {
      // Statistics and the visibility map at once: the bare queries and the service's are then
      // planned as on a database that has been in service a while.
      await db.query('vacuum (analyze)')
    } finally {
      await db.end()
    }
    // Written last: a build cut short leaves no marker, and is made again next time.
    await admin.query(`comment on database ${name} is ${admin.escapeLiteral(marker)}`)
    return result(false)
  } finally {
    await admin.end()
  }
}

/** What the copy was made from: the file's size and time (and its write-ahead log's, when one
 *  holds rows not yet in the file) and the id of the key. */
function markerOf (file: string, keyId: string): string {
  const stamp = (path: string) => {
    const s = statSync(path, { throwIfNoEntry: false })
    return s === undefined || s.size === 0 ? null : `${s.size}:${s.mtimeMs}`
  }
  const wal = stamp(`${file}-wal`)
  return `${stamp(file) ?? '0'}${wal === null ? '' : ` wal ${wal}`} key ${keyId}`
}
