// The PostgreSQL schema (src/db/pg/schema.ts) and the SQLite one (src/db/schema.ts) describe the
// same registry: the same tables, columns, nullability, defaults, keys, unique and plain indexes
// (partial ones with the same condition) and foreign keys; only the types differ. And each
// migrations folder refuses changes to the same append-only tables by the same triggers.
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core'
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core'
import { PgDialect } from 'drizzle-orm/pg-core'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import type { SQL } from 'drizzle-orm'
import * as pg from '../../src/db/pg/schema.js'
import * as sqlite from '../../src/db/schema.js'

const MIGRATIONS = fileURLToPath(new URL('../../migrations/', import.meta.url))

type Config = ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>

/** What the two engines must agree on in one table, engine-free: names, flags, SQL conditions
 *  with the engine's quoting removed. */
function shape (c: Config, where: (sql: SQL) => string) {
  const idx = c.indexes.map((i) => {
    const cfg = i.config as { name: string, unique: boolean, columns: Array<{ name: string }>, where?: SQL }
    return { name: cfg.name, unique: cfg.unique, columns: cfg.columns.map((col) => col.name), where: cfg.where ? where(cfg.where) : null }
  }).sort((a, b) => a.name.localeCompare(b.name))
  return {
    // An INTEGER PRIMARY KEY of SQLite is the rowid, which always has a value to give: whether a
    // primary key column has a default is the engine's, not the schema's.
    columns: c.columns.map((col) => ({ name: col.name, notNull: col.notNull, primary: col.primary, hasDefault: col.primary ? null : col.hasDefault })).sort((a, b) => a.name.localeCompare(b.name)),
    primaryKeys: c.primaryKeys.map((pk) => pk.columns.map((col) => col.name)),
    indexes: idx,
    foreignKeys: c.foreignKeys.map((fk) => {
      const r = fk.reference()
      return { columns: r.columns.map((col) => col.name), table: (r.foreignTable as unknown as { [k: symbol]: string })[Symbol.for('drizzle:Name')], to: r.foreignColumns.map((col) => col.name) }
    }).sort((a, b) => a.columns.join().localeCompare(b.columns.join()))
  }
}

const unquoted = (text: string) => text.replace(/["`]/g, '').replace(/\s+/g, ' ').trim()
const sqliteWhere = (s: SQL) => unquoted(new SQLiteSyncDialect().sqlToQuery(s).sql)
const pgWhere = (s: SQL) => unquoted(new PgDialect().sqlToQuery(s).sql)

const tables = <T>(schema: Record<string, unknown>, kind: abstract new (...a: never[]) => T) =>
  new Map(Object.entries(schema).filter((e): e is [string, T] => e[1] instanceof kind))

t.test('the PostgreSQL schema has the SQLite schema\'s tables, columns, keys and indexes', async (t) => {
  const lite = tables(sqlite, SQLiteTable)
  const post = tables(pg, PgTable)
  t.same([...post.keys()].sort(), [...lite.keys()].sort(), 'the same tables')
  t.ok(lite.size >= 20, `${lite.size} tables compared`)
  for (const [name, table] of lite) {
    const other = post.get(name)
    if (other === undefined) continue
    const a = sqliteConfig(table)
    const b = pgConfig(other)
    t.equal(b.name, a.name, `${name}: table name`)
    t.same(shape(b, pgWhere), shape(a, sqliteWhere), `${a.name}: columns, keys, indexes, foreign keys`)
  }
})

t.test('the comparison tells a difference (it can fail)', async (t) => {
  const a = shape(sqliteConfig(sqlite.officers), sqliteWhere)
  const b = shape(pgConfig(pg.officers), pgWhere)
  t.notSame({ ...b, columns: b.columns.map((c) => (c.name === 'phone' ? { ...c, notNull: true } : c)) }, a, 'a column made NOT NULL differs')
  t.notSame({ ...b, indexes: b.indexes.filter((i) => !i.unique) }, a, 'a unique index left out differs')
})

t.test('both engines refuse changes to the same append-only tables, by triggers of the same names', async (t) => {
  const triggers = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.sql'))
    .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/CREATE TRIGGER [`"]?(\w+)[`"]? BEFORE (\w+) ON [`"]?(\w+)/gi)])
    .map((m) => `${m[3] as string}: ${(m[2] as string).toLowerCase()} (${m[1] as string})`)
  const lite = triggers(MIGRATIONS)
  const post = triggers(join(MIGRATIONS, 'pg'))
  t.ok(lite.length >= 4, `${lite.length} SQLite triggers`)
  t.same(post.filter((p) => !/truncate/.test(p)).sort(), lite.sort(), 'each SQLite trigger has its PostgreSQL twin')
})
