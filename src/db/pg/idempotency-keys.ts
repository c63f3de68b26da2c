// The idempotency plugin's table on PostgreSQL (the SQLite one: db/idempotency-keys.ts), the same
// answers: a caller's key, the request it named and the answer stored for a replay.
import { and, eq, isNotNull, lte } from 'drizzle-orm'
import type { PgDb } from '../engine.js'
import { idempotencyKeys } from './schema.js'
import type { KeyRow } from '../idempotency-rows.js'
import { ran } from './results.js'

const named = (principal: string, key: string, token: string) =>
  and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key), eq(idempotencyKeys.token, token))

export const pgKeyRepository = {
  find: async (db: PgDb, principal: string, key: string): Promise<KeyRow | undefined> => {
    const [row] = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key))).limit(1)
    return row
  },
  purgeExpired: async (db: PgDb, now: string) => ran((await db.delete(idempotencyKeys).where(lte(idempotencyKeys.expiresAt, now))).rowCount),
  reserve: async (db: PgDb, row: typeof idempotencyKeys.$inferInsert) =>
    ran((await db.insert(idempotencyKeys).values(row).onConflictDoUpdate({
      target: [idempotencyKeys.principal, idempotencyKeys.key],
      set: { requestHash: row.requestHash, state: 'running', token: row.token, leaseUntil: row.leaseUntil, holder: row.holder, statusCode: null, headers: null, body: null, createdAt: row.createdAt, expiresAt: row.expiresAt }
    })).rowCount),
  heldRunning: async (db: PgDb) =>
    await db.select({ principal: idempotencyKeys.principal, key: idempotencyKeys.key, token: idempotencyKeys.token, holder: idempotencyKeys.holder })
      .from(idempotencyKeys).where(and(eq(idempotencyKeys.state, 'running'), isNotNull(idempotencyKeys.holder))),
  complete: async (db: PgDb, principal: string, key: string, token: string, answer: { statusCode: number, headers: Record<string, string>, body: Buffer }) =>
    ran((await db.update(idempotencyKeys).set({ state: 'done', ...answer }).where(named(principal, key, token))).rowCount),
  release: async (db: PgDb, principal: string, key: string, token: string) =>
    ran((await db.delete(idempotencyKeys).where(and(named(principal, key, token), eq(idempotencyKeys.state, 'running')))).rowCount)
}
