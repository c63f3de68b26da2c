// The idempotency plugin's table (src/plugins/idempotency.ts): a caller's key, the request it
// named and the answer stored for a replay. Plain rows; what they mean is the plugin's.
import { and, eq, isNotNull, lte } from 'drizzle-orm'
import { byEngine, type SqliteDb } from './engine.js'
import { pgKeyRepository } from './pg/idempotency-keys.js'
import { idempotencyKeys } from './schema.js'

export type { KeyRow } from './idempotency-rows.js'

export const keyRepository = byEngine({
  find: async (db: SqliteDb, principal: string, key: string) =>
    db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key))).get(),
  purgeExpired: async (db: SqliteDb, now: string) => db.delete(idempotencyKeys).where(lte(idempotencyKeys.expiresAt, now)).run(),
  reserve: async (db: SqliteDb, row: typeof idempotencyKeys.$inferInsert) =>
    db.insert(idempotencyKeys).values(row).onConflictDoUpdate({
      target: [idempotencyKeys.principal, idempotencyKeys.key],
      set: { requestHash: row.requestHash, state: 'running', token: row.token, leaseUntil: row.leaseUntil, holder: row.holder, statusCode: null, headers: null, body: null, createdAt: row.createdAt, expiresAt: row.expiresAt }
    }).run(),
  /** Reservations still running that name their holder. */
  heldRunning: async (db: SqliteDb) =>
    db.select({ principal: idempotencyKeys.principal, key: idempotencyKeys.key, token: idempotencyKeys.token, holder: idempotencyKeys.holder })
      .from(idempotencyKeys).where(and(eq(idempotencyKeys.state, 'running'), isNotNull(idempotencyKeys.holder))).all(),
  complete: async (db: SqliteDb, principal: string, key: string, token: string, answer: { statusCode: number, headers: Record<string, string>, body: Buffer }) =>
    db.update(idempotencyKeys).set({ state: 'done', ...answer })
      .where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key), eq(idempotencyKeys.token, token))).run(),
  release: async (db: SqliteDb, principal: string, key: string, token: string) =>
    db.delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key), eq(idempotencyKeys.token, token), eq(idempotencyKeys.state, 'running'))).run()
}, pgKeyRepository)
