// A PostgreSQL database of its own for a test: created on the server of TEST_DATABASE_URL
// (default: the development and CI machines' postgres://postgres@127.0.0.1:5432/test), dropped
// when the test ends; empty, or (migratedDatabase) a copy of a template with every migration
// applied, made once per set of migrations and kept on the server for the next run.
import { createHash, randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import tap, { type Test } from 'tap'
import { openPgStore, PG_MIGRATIONS_DIR } from '../../src/db/pg/store.js'

export const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** The URL of a new, empty database; `ends` run at the end of `t` (the pools on it closed),
 *  then the database is dropped. */
export async function freshDatabase (t: Test, ends: Array<() => Promise<void>>, template?: string): Promise<string> {
  const name = `${TEST_DATABASE_PREFIX}${randomBytes(4).toString('hex')}`
  const admin = await connected()
  try {
    await admin.query(`create database ${name}${template === undefined ? '' : ` template ${template}`}`)
  } finally {
    await admin.end()
  }
  t.teardown(async () => {
    for (const end of ends) await end()
    const c = new pg.Client({ connectionString: SERVER_URL })
    await c.connect()
    await untilLeft(c, name)
    await c.query(`drop database if exists ${name}`)
    await c.end()
  })
  return urlOf(name)
}

/** The prefix of this run's databases (run-tests sets TEST_RUN_ID, and drops what a crashed file
 *  left behind). */
export const TEST_DATABASE_PREFIX = `registry_test_${process.env.TEST_RUN_ID ?? randomBytes(3).toString('hex')}_`

/** A new database with every migration applied (a copy of the template, where migrating costs a
 *  second), dropped when `t` ends, after `ends`. */
export async function migratedDatabase (t: Test, ends: Array<() => Promise<void>>): Promise<string> {
  return await freshDatabase(t, ends, await template())
}

// Databases of this process that a test has given back, emptied: creating and dropping one costs
// a checkpoint (a second on a busy machine), a hundred times a file; emptying one, milliseconds.
const idle: string[] = []

/**
 * A migrated database with no rows, for `t` alone: one an earlier test of this process gave
 * back, or a new one. When `t` ends, `ends` run (close what is open on it), then it is emptied
 * (every table but the write lock, whose marks are reset; identities restarted) and kept for the next test; those kept
 * are dropped when the file's tests end.
 */
export async function emptyDatabase (t: Test, ends: Array<() => Promise<void>>): Promise<string> {
  const url = idle.pop() ?? await migratedDatabase(tap, [])
  t.teardown(async () => {
    for (const end of ends) await end()
    await emptied(url)
    idle.push(url)
  })
  return url
}

// Emptying: DELETE and each identity's sequence set back, a few milliseconds on a test's few rows,
// where TRUNCATE (a new file per table) took a fifth of a second, a thousand times a run. As a
// replica would (session_replication_role): the append-only tables' triggers, and the foreign
// keys' checks, are for everyone else.
const EMPTYING = `select string_agg(format('delete from %I', table_name), '; ') as deletes
    from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'write_lock'`
const RESTARTING = `select 'select ' || string_agg(format('setval(%L, 1, false)', pg_get_serial_sequence(quote_ident(table_name), column_name)), ', ') as restart
    from information_schema.columns where table_schema = 'public' and is_identity = 'YES'`
let emptying: Promise<string> | undefined

async function emptied (url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    emptying ??= (async () => {
      const { rows: [d] } = await c.query<{ deletes: string }>(EMPTYING)
      const { rows: [r] } = await c.query<{ restart: string }>(RESTARTING)
      return `set session_replication_role = replica; ${d?.deletes ?? ''}; ${r?.restart ?? ''}; set session_replication_role = origin;
        update write_lock set audit_last_id = 0, audit_last_hash = null, feed_last_id = 0, id_number_key_id = null, signing_key_id = null`
    })()
    await c.query(await emptying)
  } finally {
    await c.end()
  }
}

/** Waits (up to 2 s) until no session is connected to database `name`: a pool's end() resolves
 *  once its connections are told to close, before the server has let them go, and dropping or
 *  renaming the database meanwhile would fail (or, WITH FORCE, kill them mid-close). */
async function untilLeft (admin: pg.Client, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await admin.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name])
    if (rows[0]?.n === 0) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function urlOf (name: string): string {
  const url = new URL(SERVER_URL)
  url.pathname = `/${name}`
  return url.toString()
}

async function connected (): Promise<pg.Client> {
  const admin = new pg.Client({ connectionString: SERVER_URL })
  try {
    await admin.connect()
  } catch (err) {
    throw new Error(`the PostgreSQL tests need a server at ${SERVER_URL} (set TEST_DATABASE_URL to another) whose user may create databases: ${String(err)}`, { cause: err })
  }
  return admin
}

/** A key of the advisory locks: one process builds a missing template, the others wait for it. */
const TEMPLATE_LOCK = 724_031_118

let made: Promise<string> | undefined

/** The template's name, named after the migrations it holds; built (migrated, then renamed into
 *  place, so a half-built one is never used) when the server has none. */
async function template (): Promise<string> {
  return await (made ??= (async () => {
    const hash = createHash('sha256')
    for (const file of readdirSync(PG_MIGRATIONS_DIR, { recursive: true }).map(String).sort()) {
      if (file.endsWith('.sql') || file.endsWith('.json')) hash.update(file).update(readFileSync(join(PG_MIGRATIONS_DIR, file)))
    }
    const name = `registry_template_${hash.digest('hex').slice(0, 12)}`
    const admin = await connected()
    try {
      await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK])
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name])
      if (rowCount === 0) {
        const building = `${name}_building`
        await admin.query(`drop database if exists ${building}`)
        await admin.query(`create database ${building}`)
        const store = await openPgStore(urlOf(building), { poolSize: 1 })
        await store.end()
        await untilLeft(admin, building)
        await admin.query(`alter database ${building} rename to ${name}`)
      }
      await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK])
    } finally {
      await admin.end()
    }
    return name
  })())
}
