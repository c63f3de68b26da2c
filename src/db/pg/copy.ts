// A city's SQLite registry moved into PostgreSQL (npm run cli -- copy --from FILE --to URL):
// every row of every table of the schema, as it is (ids, hashes, sealed ID numbers, stored
// answers), in one transaction on the PostgreSQL side, into a database that holds no registry
// data yet; then checked: the same number of rows in each table, the same audit-chain head and
// the same last change-feed id. The copy is of the file as it stood when the copy began (one
// read transaction): what a server still running on it writes afterwards is not in it, so stop
// the server (or its writers) first when moving a city for good. The ID numbers stay sealed with the same key: give the server on
// PostgreSQL the key the SQLite file's server had (ID_ENCRYPTION_KEY, or its id-encryption.key).
import { getTableConfig, PgTable, type PgColumn } from 'drizzle-orm/pg-core'
import Database from 'better-sqlite3'
import * as schema from './schema.js'
import type { PgDb, PgStore } from './store.js'

/** Rows read and written together. */
const BATCH = 500

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
  readonly columns: ReadonlyArray<{ name: string, convert: (v: unknown) => unknown }>
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
      columns: c.columns.map((col) => ({ name: col.name, convert: converter(col) })),
      identity: c.columns.some((col) => col.name === 'id' && (col as PgColumn & { generatedIdentity?: unknown }).generatedIdentity !== undefined)
    })
  }
  for (const c of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(c.name, [])
  return ordered
}

/** SQLite's value of a column as PostgreSQL takes it: 0/1 as a boolean; JSON text as it is
 *  (PostgreSQL parses it into jsonb); bytes and everything else unchanged. */
function converter (col: PgColumn): (v: unknown) => unknown {
  if (col.getSQLType() === 'boolean') return (v) => (v === null ? null : v === 1 || v === 1n || v === true)
  return (v) => (typeof v === 'bigint' ? Number(v) : v)
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`

/** Copies the SQLite file at `sqlitePath` into `target` (migrated, empty of registry data).
 *  Throws CopyRefused when the target holds data, the counts disagree afterwards or the check
 *  finds something wrong (then nothing was committed). */
export interface CopyOptions {
  /** Told each table as it is done. */
  readonly progress?: (table: string, rows: number) => void
  /** A last check inside the copy's transaction (the audit chain walked on PostgreSQL): what it
   *  finds wrong, or null; the copy is committed only on null. */
  readonly check?: (db: PgDb) => Promise<string | null>
}

export async function copySqliteToPg (sqlitePath: string, target: PgStore, options: CopyOptions = {}): Promise<CopyReport> {
  const progress = options.progress ?? (() => {})
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
        const names = t.columns.map((c) => quote(c.name)).join(', ')
        // Each row read with its rowid first, where the next batch resumes.
        const read = source.prepare(`select rowid, ${names} from ${quote(t.name)} where rowid > ? order by rowid limit ${BATCH}`).raw()
        let after = 0
        let copied = 0
        for (;;) {
          const batch = read.all(after) as unknown[][]
          if (batch.length === 0) break
          after = (batch[batch.length - 1] as unknown[])[0] as number
          const values: unknown[] = []
          const tuples = batch.map((row) => `(${row.slice(1).map((v, i) => {
            values.push((t.columns[i] as TableCopy['columns'][number]).convert(v))
            return `$${values.length}`
          }).join(', ')})`)
          await client.query(`insert into ${quote(t.name)} (${names}) ${t.identity ? 'overriding system value ' : ''}values ${tuples.join(', ')}`, values)
          copied += batch.length
        }
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
