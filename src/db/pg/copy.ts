// A city's SQLite registry moved into PostgreSQL (npm run cli -- copy --from FILE --to URL):
// every row of every table of the schema, as it is (ids, hashes, sealed ID numbers, stored
// answers), in one transaction on the PostgreSQL side, into a database that holds no registry
// data yet; then checked: the same number of rows in each table, the same audit-chain head and
// the same last change-feed id. The copy is of the file as it stood when the copy began (one
// read transaction): what a server still running on it writes afterwards is not in it, so stop
// the server (or its writers) first when moving a city for good. The ID numbers stay sealed with the same key: give the server on
// PostgreSQL the key the SQLite file's server had (ID_ENCRYPTION_KEY, or its id-encryption.key).
// The rows go in by COPY, each table's foreign keys and secondary indexes made again once its
// rows are in: several times the rate of INSERTs, for a country's tens of millions of rows.
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { getTableConfig, PgTable, type PgColumn } from 'drizzle-orm/pg-core'
import Database from 'better-sqlite3'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import * as schema from './schema.js'
import type { PgDb, PgStore } from './store.js'

/** Rows read from SQLite, and written to the COPY stream, together. */
const BATCH = 10_000
/** How often a long table's rows so far are told. */
const TELL_EVERY = 1_000_000

export interface CopyReport {
  /** Rows copied, per table. */
  readonly tables: Record<string, number>
  /** The hash of the last audit event, on both sides (null: no event). */
  readonly auditHead: string | null
  readonly lastEventId: number
}

/** A refusal of the copy, said to the operator (exit 1). */
export class CopyRefused extends Error {
  override readonly name = 'CopyRefused'
}

interface TableCopy {
  readonly name: string
  readonly columns: ReadonlyArray<{ name: string, encode: (v: unknown) => string }>
  readonly identity: boolean
}

/** The tables of the schema, each after the tables its foreign keys name. */
export function tablesInOrder (): TableCopy[] {
  const tables = (Object.values(schema) as unknown[]).filter((v): v is PgTable => v instanceof PgTable).map((table) => getTableConfig(table))
  const byName = new Map(tables.map((c) => [c.name, c]))
  const done = new Set<string>()
  const ordered: TableCopy[] = []
  const visit = (name: string, path: string[]) => {
    if (done.has(name)) return
    if (path.includes(name)) throw new Error(`foreign keys run in a circle: ${[...path, name].join(' → ')}`)
    const c = byName.get(name)
    if (c === undefined) return
    for (const fk of c.foreignKeys) {
      const target = getTableConfig(fk.reference().foreignTable).name
      if (target !== name) visit(target, [...path, name])
    }
    done.add(name)
    ordered.push({
      name,
      columns: c.columns.map((col) => ({ name: col.name, encode: encoder(col) })),
      identity: c.columns.some((col) => col.name === 'id' && (col as PgColumn & { generatedIdentity?: unknown }).generatedIdentity !== undefined)
    })
  }
  for (const c of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(c.name, [])
  return ordered
}

/** SQLite's value of a column as a field of COPY's text format: 0/1 as a boolean; JSON text as
 *  text (PostgreSQL parses it into jsonb); bytes in bytea's hex form; null as \N. */
function encoder (col: PgColumn): (v: unknown) => string {
  if (col.getSQLType() === 'boolean') return (v) => (v === null ? NULL : v === 1 || v === 1n || v === true ? 't' : 'f')
  return encodeField
}

const NULL = '\\N'
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }
const SPECIAL = /[\\\t\n\r]/
const SPECIALS = /[\\\t\n\r]/g

// Only the backslash, and the tab, newline and carriage return that would end a field or a row,
// are escaped; every other character is taken as it is. A NUL is sent as it is too: PostgreSQL
// refuses it in text (as it refused it as a parameter), and the copy with it.
function encodeField (v: unknown): string {
  if (v === null || v === undefined) return NULL
  if (typeof v === 'string') return SPECIAL.test(v) ? v.replace(SPECIALS, (c) => ESCAPED[c] as string) : v
  if (Buffer.isBuffer(v)) return `\\\\x${v.toString('hex')}`
  return String(v)
}

/** `name` as a quoted SQL identifier (a table, an index, a database). */
export const quote = (name: string) => `"${name.replace(/"/g, '""')}"`

/** Drops the foreign keys and the indexes of table `name` that no constraint needs (its primary
 *  key stays); returns what makes them again, as they were. Bulk-loading is several times faster
 *  so: each foreign key checked by one join afterwards, not a lookup per row, and each index
 *  built by one sort, not grown a row at a time. What was wrong (a dangling reference, a
 *  duplicate) fails the copy as it did when rows were checked one by one; the schema is as
 *  the migrations made it when the transaction commits. */
async function setAside (client: pg.ClientBase, name: string): Promise<() => Promise<void>> {
  const table = quote(name)
  const { rows: keys } = await client.query<{ name: string, def: string }>(
    "select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = $1::regclass and contype = 'f' order by conname", [table])
  const { rows: indexes } = await client.query<{ name: string, def: string }>(
    `select c.relname as name, pg_get_indexdef(i.indexrelid) as def from pg_index i join pg_class c on c.oid = i.indexrelid
      where i.indrelid = $1::regclass and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid) order by c.relname`, [table])
  for (const k of keys) await client.query(`alter table ${table} drop constraint ${quote(k.name)}`)
  for (const i of indexes) await client.query(`drop index ${quote(i.name)}`)
  return async () => {
    for (const i of indexes) await client.query(i.def)
    for (const k of keys) await client.query(`alter table ${table} add constraint ${quote(k.name)} ${k.def}`)
  }
}

/** Streams the rows of table `t` from `source` into its PostgreSQL table (COPY … FROM STDIN, in
 *  the transaction `client` is in), in the order of their rowids; returns how many. */
async function copyTable (source: Database.Database, client: pg.ClientBase, t: TableCopy, soFar: (rows: number) => void): Promise<number> {
  const names = t.columns.map((c) => quote(c.name)).join(', ')
  // Each row read with its rowid first, where the next batch resumes; a batch at a time keeps
  // memory flat however long the table, and the stream's back-pressure paces the reading.
  const read = source.prepare(`select rowid, ${names} from ${quote(t.name)} where rowid > ? order by rowid limit ${BATCH}`).raw()
  const encoders = t.columns.map((c) => c.encode)
  let copied = 0
  let told = 0
  async function * lines () {
    let after = 0
    for (;;) {
      const batch = read.all(after) as unknown[][]
      if (batch.length === 0) return
      // Told only with more to come: the end is told by the table's progress.
      if (Math.floor(copied / TELL_EVERY) > Math.floor(told / TELL_EVERY)) soFar(told = copied)
      after = (batch[batch.length - 1] as unknown[])[0] as number
      // Joined, not concatenated: one flat string per line is half the time of a rope of pieces.
      const text = batch.map((row) => encoders.map((encode, i) => encode(row[i + 1])).join('\t')).join('\n')
      yield text + '\n'
      copied += batch.length
    }
  }
  await pipeline(Readable.from(lines()), client.query(copyFrom(`copy ${quote(t.name)} (${names}) from stdin`)))
  return copied
}

export interface CopyOptions {
  /** Told each table as it is done. */
  readonly progress?: (table: string, rows: number) => void
  /** Told a long table's rows so far, every million. */
  readonly rowsSoFar?: (table: string, rows: number) => void
  /** A last check inside the copy's transaction (the audit chain walked on PostgreSQL): what it
   *  finds wrong, or null; the copy is committed only on null. */
  readonly check?: (db: PgDb) => Promise<string | null>
}

/** Copies the SQLite file at `sqlitePath` into `target` (migrated, empty of registry data).
 *  Throws CopyRefused when the target holds data, the counts disagree afterwards or the check
 *  finds something wrong (then nothing was committed). */
export async function copySqliteToPg (sqlitePath: string, target: PgStore, options: CopyOptions = {}): Promise<CopyReport> {
  const progress = options.progress ?? (() => {})
  const rowsSoFar = options.rowsSoFar ?? (() => {})
  const source = new Database(sqlitePath, { readonly: true, fileMustExist: true })
  try {
    // One read transaction: the copy is of one moment of the file, a server on it may go on.
    source.exec('BEGIN')
    const tables = tablesInOrder()
    const counts: Record<string, number> = {}
    const report = await target.write(async (db) => {
      const client = db.$client
      for (const t of tables) {
        const { rows } = await client.query<{ any: boolean }>(`select exists (select 1 from ${quote(t.name)}) as any`)
        if (rows[0]?.any === true) throw new CopyRefused(`the PostgreSQL database already holds rows in ${t.name}: copy into an empty, migrated database`)
      }
      for (const t of tables) {
        const restore = await setAside(client, t.name)
        const copied = await copyTable(source, client, t, (rows) => rowsSoFar(t.name, rows))
        await restore()
        // The next id an identity column gives follows the highest SQLite ever gave (its
        // sqlite_sequence: rows since removed, purged import jobs, kept their ids, which audit
        // events and old links still name), never one given before.
        if (t.identity) {
          const given = (source.prepare('select seq from sqlite_sequence where name = ?').pluck().get(t.name) as number | undefined) ?? 0
          const { rows } = await client.query<{ top: number }>(`select greatest(coalesce(max(id), 0), $1) as top from ${quote(t.name)}`, [given])
          const top = rows[0]?.top ?? 0
          if (top > 0) await client.query('select setval(pg_get_serial_sequence($1, \'id\'), $2)', [t.name, top])
          // The audit chain's high-water mark, as SQLite's sequence kept it (audit verify), and its
          // head, where the next append on PostgreSQL takes the hash it chains to.
          if (t.name === 'audit_events') {
            await client.query('update write_lock set audit_last_id = $1, audit_last_hash = (select hash from audit_events order by id desc limit 1) where id = 1', [top])
          }
        }
        counts[t.name] = copied
        progress(t.name, copied)
      }
      // The change feed's highest id, where the next event on PostgreSQL takes its id after.
      await client.query('update write_lock set feed_last_id = (select coalesce(max(id), 0) from domain_events) where id = 1')
      // Checked inside the transaction: a copy that disagrees is not committed.
      for (const t of tables) {
        const { rows } = await client.query<{ n: number }>(`select count(*) as n from ${quote(t.name)}`)
        const there = source.prepare(`select count(*) from ${quote(t.name)}`).pluck().get() as number
        if (rows[0]?.n !== there) throw new CopyRefused(`${t.name}: ${String(rows[0]?.n)} rows in PostgreSQL, ${there} in the SQLite file`)
      }
      const headThere = (source.prepare('select hash from audit_events order by id desc limit 1').pluck().get() as string | null | undefined) ?? null
      const { rows: head } = await client.query<{ hash: string | null }>('select hash from audit_events order by id desc limit 1')
      if ((head[0]?.hash ?? null) !== headThere) throw new CopyRefused(`the audit chains' heads differ: ${String(head[0]?.hash)} in PostgreSQL, ${String(headThere)} in the SQLite file`)
      const lastThere = source.prepare('select coalesce(max(id), 0) from domain_events').pluck().get() as number
      const { rows: last } = await client.query<{ id: number }>('select coalesce(max(id), 0) as id from domain_events')
      if (last[0]?.id !== lastThere) throw new CopyRefused(`the change feeds end at ${String(last[0]?.id)} in PostgreSQL, ${lastThere} in the SQLite file`)
      const wrong = await options.check?.(db)
      if (wrong !== undefined && wrong !== null) throw new CopyRefused(wrong)
      return { tables: counts, auditHead: headThere, lastEventId: lastThere }
    })
    source.exec('COMMIT')
    return report
  } finally {
    source.close()
  }
}

/** `url` with its password (if any) hidden, for messages: the one after the user, and the
 *  parameters (libpq's ?password=, sslpassword=…) left out. */
export function shownUrl (url: string): string {
  try {
    const u = new URL(url)
    if (u.password !== '') u.password = '***'
    u.search = ''
    return u.toString()
  } catch {
    return '(an unreadable URL)'
  }
}
