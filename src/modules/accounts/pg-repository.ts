// Accounts in SQL on PostgreSQL (the SQLite ones: repository.ts), the same answers: users (people,
// password grant) and clients (HR systems, client_credentials).
import { asc, eq, gt, sql } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'
import { agencies, clients, users } from '../../db/pg/schema.js'
import type { Role } from '../../security/roles.js'
import type { ClientRow, UserRow } from './rows.js'

// update() answers undefined when there is no such account, as SQLite's returning().get() does
// (its type says a row): the service checks.
export const pgUserRepository = {
  findByUsername: async (db: PgDb, username: string): Promise<UserRow | undefined> => {
    const [row] = await db.select().from(users).where(eq(users.username, username)).limit(1)
    return row
  },
  findById: async (db: PgDb, id: number): Promise<UserRow | undefined> => {
    const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1)
    return row
  },
  anyAdmin: async (db: PgDb): Promise<boolean> =>
    (await db.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).limit(1)).length > 0,
  list: async (db: PgDb, afterId: number, limit: number): Promise<UserRow[]> =>
    await db.select().from(users).where(gt(users.id, afterId)).orderBy(asc(users.id)).limit(limit),
  insert: async (db: PgDb, v: { username: string, passwordHash: string, role: Role, agencyId: number | null, createdAt: string }): Promise<UserRow> => {
    const [row] = await db.insert(users).values(v).returning()
    return row as UserRow
  },
  update: async (db: PgDb, id: number, v: Partial<Pick<UserRow, 'passwordHash' | 'role' | 'agencyId' | 'disabled'>>): Promise<UserRow> => {
    const [row] = await db.update(users).set({ ...v, version: sql`${users.version} + 1` }).where(eq(users.id, id)).returning()
    return row as UserRow
  }
}

export const pgClientRepository = {
  findByClientId: async (db: PgDb, clientId: string): Promise<ClientRow | undefined> => {
    const [row] = await db.select().from(clients).where(eq(clients.clientId, clientId)).limit(1)
    return row
  },
  findById: async (db: PgDb, id: number): Promise<ClientRow | undefined> => {
    const [row] = await db.select().from(clients).where(eq(clients.id, id)).limit(1)
    return row
  },
  list: async (db: PgDb, afterId: number, limit: number): Promise<ClientRow[]> =>
    await db.select().from(clients).where(gt(clients.id, afterId)).orderBy(asc(clients.id)).limit(limit),
  insert: async (db: PgDb, v: { clientId: string, name: string, secretHash: string, role: Role, agencyId: number | null, createdAt: string }): Promise<ClientRow> => {
    const [row] = await db.insert(clients).values(v).returning()
    return row as ClientRow
  },
  update: async (db: PgDb, id: number, v: Partial<Pick<ClientRow, 'name' | 'role' | 'agencyId' | 'disabled' | 'secretHash'>>): Promise<ClientRow> => {
    const [row] = await db.update(clients).set({ ...v, version: sql`${clients.version} + 1` }).where(eq(clients.id, id)).returning()
    return row as ClientRow
  }
}

/** accountVersion of repository.ts, read each time (no kept answers on PostgreSQL yet). */
export async function pgAccountVersion (db: PgDb, sub: string): Promise<number | null> {
  const m = /^(user|client):([1-9][0-9]{0,15})$/.exec(sub)
  if (!m) return null
  const id = Number(m[2])
  // Ids are int4 on PostgreSQL: a larger one names no account (and would not compare).
  if (id > 2_147_483_647) return null
  const table = m[1] === 'user' ? users : clients
  const [row] = await db.select({ version: table.version, disabled: table.disabled }).from(table).where(eq(table.id, id)).limit(1)
  return row && !row.disabled ? row.version : null
}

export const pgAgencyExists = async (db: PgDb, id: number): Promise<boolean> =>
  (await db.select({ id: agencies.id }).from(agencies).where(eq(agencies.id, id)).limit(1)).length > 0
