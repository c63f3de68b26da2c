// Accounts in SQL: users (people, password grant) and clients (HR systems, client_credentials).
import { and, asc, eq, gt, sql } from 'drizzle-orm'
import { byEngine, isPg, type Db, type SqliteDb } from '../../db/engine.js'
import { once, queryKeys } from '../../db/sqlite/prepared.js'
import { cachedRead } from '../../db/sqlite/read-cache.js'
import { agencies, clients, users } from '../../db/schema.js'
import type { Role } from '../../security/roles.js'
import { pgAccountVersion, pgAgencyExists, pgClientRepository, pgUserRepository } from './pg-repository.js'
import type { ClientRow, UserRow } from './rows.js'

export type { ClientRow, UserRow } from './rows.js'

/** The keys of this repository's prepared queries (db/sqlite/prepared; a test looks one up). */
export const accountQueryKeys = queryKeys('accounts', ['userVersion', 'clientVersion', 'keptVersion'])
const Q = accountQueryKeys

export const userRepository = byEngine({
  findByUsername: async (db: SqliteDb, username: string) => db.select().from(users).where(eq(users.username, username)).get(),
  findById: async (db: SqliteDb, id: number) => db.select().from(users).where(eq(users.id, id)).get(),
  anyAdmin: async (db: SqliteDb) => db.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).limit(1).get() !== undefined,
  list: async (db: SqliteDb, afterId: number, limit: number) =>
    db.select().from(users).where(gt(users.id, afterId)).orderBy(asc(users.id)).limit(limit).all(),
  insert: async (db: SqliteDb, v: { username: string, passwordHash: string, role: Role, agencyId: number | null, createdAt: string }) =>
    db.insert(users).values(v).returning().get(),
  update: async (db: SqliteDb, id: number, v: Partial<Pick<UserRow, 'passwordHash' | 'role' | 'agencyId' | 'disabled'>>) =>
    db.update(users).set({ ...v, version: sql`${users.version} + 1` }).where(eq(users.id, id)).returning().get()
}, pgUserRepository)

export const clientRepository = byEngine({
  findByClientId: async (db: SqliteDb, clientId: string) => db.select().from(clients).where(eq(clients.clientId, clientId)).get(),
  findById: async (db: SqliteDb, id: number) => db.select().from(clients).where(eq(clients.id, id)).get(),
  list: async (db: SqliteDb, afterId: number, limit: number) =>
    db.select().from(clients).where(and(gt(clients.id, afterId))).orderBy(asc(clients.id)).limit(limit).all(),
  insert: async (db: SqliteDb, v: { clientId: string, name: string, secretHash: string, role: Role, agencyId: number | null, createdAt: string }) =>
    db.insert(clients).values(v).returning().get(),
  update: async (db: SqliteDb, id: number, v: Partial<Pick<ClientRow, 'name' | 'role' | 'agencyId' | 'disabled' | 'secretHash'>>) =>
    db.update(clients).set({ ...v, version: sql`${clients.version} + 1` }).where(eq(clients.id, id)).returning().get()
}, pgClientRepository)

/** The subject our tokens give an account: `user:<id>` or `client:<id>`. */
export const subjectOf = (kind: 'user' | 'client', id: number): string => `${kind}:${id}`

/** The version of the account a token subject names (subjectOf), or null when it is disabled,
 *  gone, or not one of ours: what a token issued at another version no longer speaks for. Asked
 *  on every authenticated request, so kept between writes (db/sqlite/read-cache). */
export async function accountVersion (db: Db, sub: string): Promise<number | null> {
  if (isPg(db)) return await pgAccountVersion(db, sub)
  return cachedRead(db, accountQueryKeys.keptVersion, sub, () => {
    const m = /^(user|client):([1-9][0-9]{0,15})$/.exec(sub)
    if (!m) return null
    const id = Number(m[2])
    const row = m[1] === 'user'
      ? once(db, Q.userVersion, () => db.select({ version: users.version, disabled: users.disabled }).from(users).where(eq(users.id, sql.placeholder('id'))).prepare()).get({ id })
      : once(db, Q.clientVersion, () => db.select({ version: clients.version, disabled: clients.disabled }).from(clients).where(eq(clients.id, sql.placeholder('id'))).prepare()).get({ id })
    return row && !row.disabled ? row.version : null
  })
}

/** Whether an agency with this id exists, whatever its status (an account is bound to it). */
export const agencyExists = async (db: Db, id: number): Promise<boolean> => isPg(db)
  ? await pgAgencyExists(db, id)
  : db.select({ id: agencies.id }).from(agencies).where(eq(agencies.id, id)).get() !== undefined
