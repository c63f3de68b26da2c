// The audit trail: every change appends who, when, what, before and after, inside the same
// transaction as the change itself (a rolled-back change leaves no audit event either).
// Each event is chained to the one before by hash (chain.ts); the table is append-only
// (triggers refuse UPDATE and DELETE); and the change feed's domain events are projected from
// it in the same transaction.
import { and, asc, eq, gt, gte, lt, or, type SQL } from 'drizzle-orm'
import { byEngine, isPg, type Db, type SqliteDb } from '../../db/engine.js'
import { auditEvents } from '../../db/schema.js'
import type { Actor, Scope } from '../../security/roles.js'
import { eventRepository } from '../events/repository.js'
import { isFeedEntry, projectEvents, type AuditHead, type FeedEntry } from '../events/projection.js'
import { eventHash, GENESIS, type ChainedFields, type StoredEvent } from './chain.js'
import { maskPersonalData } from '../../security/personal-data.js'
import { inScopeWhere } from '../../db/scope.js'
import { lastAssignedId } from '../../db/sqlite/dialect.js'
import { auditStatements, iterateAuditRows } from '../../db/sqlite/audit-sql.js'
import { pgAppendChained, pgAuditRepository } from './pg-repository.js'
import type { AuditFilter, AuditRow } from './rows.js'

export type { AuditFilter, AuditRow } from './rows.js'

/** An entry as a change tells it: what changed, the agencies it concerns, before and after. */
interface EntryFacts {
  readonly entityId: number | string
  /** The agency the change concerns (who may read it): the entity's own, or that of the officer,
   *  certificate or training it belongs to; null for none (exam sessions, admin accounts,
   *  trainings open to every agency). */
  readonly agencyId: number | null
  /** The agency it concerned before, when the change took it elsewhere (a transfer, an account
   *  moved): that agency still sees the event. Not given when it no longer concerns it (a person
   *  taken on again elsewhere after leaving: the former agency does not learn where they work). */
  readonly priorAgencyId?: number | null
}

/** An entry the change feed does not project (see events/projection.ts for those it does). */
type PlainEntry = {
  readonly entity: 'agency' | 'card_recall' | 'user' | 'client' | 'exam' | 'exam_result' | 'assessment' | 'training_plan' | 'webhook'
  readonly action: string
} | {
  readonly entity: 'training'
  readonly action: 'create'
}

export type AuditEntry = EntryFacts & (FeedEntry | (PlainEntry & { readonly before?: unknown, readonly after?: unknown }))

/** Appends one audit event, chained to the last, and the change feed's events it gives; call it
 *  inside the write transaction of the change (which serialises appends, so the chain is linear).
 *  It reads nothing but the chain's tail: the agencies are the caller's to tell. */
export async function appendAudit (db: Db, actor: Actor | SystemActor, at: Date, given: AuditEntry): Promise<void> {
  // ID numbers go into the trail (and the feed projected from it) masked: it is append-only.
  const { before, after } = given as { before?: unknown, after?: unknown }
  const masked = maskPersonalData({ before, after })
  const prior = given.priorAgencyId ?? null
  const fields = {
    at: at.toISOString(),
    actor: actor.principal.sub,
    role: actor.principal.role,
    requestId: actor.requestId,
    entity: given.entity,
    entityId: String(given.entityId),
    action: given.action,
    before: masked.before === undefined ? null : JSON.stringify(masked.before),
    after: masked.after === undefined ? null : JSON.stringify(masked.after),
    agencyId: given.agencyId,
    priorAgencyId: prior !== given.agencyId ? prior : null
  }
  const f = fields
  // Projected from what was given, not from the masked copy: the feed masks personal data itself
  // (maskedOfficer), and a phone changed only in its masked middle digits is still a change.
  const project = (audit: AuditHead) => isFeedEntry(given) ? projectEvents(given, f.entityId, audit) : []
  if (isPg(db)) {
    // The event's id is known before it is written there: its first feed event goes with it.
    const { audit, rest } = await pgAppendChained(db, f, project)
    if (rest.length > 0) await eventRepository.append(db, audit, rest)
    return
  }
  const id = appendChained(db, f)
  const audit = { id, at: f.at, agencyId: f.agencyId, priorAgencyId: f.priorAgencyId }
  if (isFeedEntry(given)) await eventRepository.append(db, audit, project(audit))
}

/** Appends one event chained to the newest on SQLite; its id. */
function appendChained (db: SqliteDb, f: ChainedFields & { readonly requestId: string }): number {
  const q = auditStatements(db)
  const prevHash = q.tailHash() ?? GENESIS
  return q.insert(f.at, f.actor, f.role, f.requestId, f.entity, f.entityId, f.action, f.before, f.after, f.agencyId, f.priorAgencyId, prevHash, eventHash(f, prevHash))
}

/** The service itself (first start, CLI), acting as admin with no request. */
export interface SystemActor {
  readonly principal: { readonly sub: string, readonly role: 'admin' }
  readonly requestId: string
}

export function systemActor (what: string): SystemActor {
  return { principal: { sub: `system:${what}`, role: 'admin' }, requestId: what }
}

export const auditRepository = byEngine({
  /** Events in id order; a scoped caller sees those concerning an agency in scope. */
  async list (db: SqliteDb, scope: Scope, f: AuditFilter, afterId: number, limit: number): Promise<AuditRow[]> {
    const where: Array<SQL | undefined> = [gt(auditEvents.id, afterId)]
    if (!scope.all) where.push(or(inScopeWhere(scope, auditEvents.agencyId), inScopeWhere(scope, auditEvents.priorAgencyId)))
    if (f.entity) where.push(eq(auditEvents.entity, f.entity))
    if (f.entityId) where.push(eq(auditEvents.entityId, f.entityId))
    if (f.actor) where.push(eq(auditEvents.actor, f.actor))
    if (f.from) where.push(gte(auditEvents.at, f.from))
    if (f.to) where.push(lt(auditEvents.at, f.to))
    return db.select().from(auditEvents).where(and(...where)).orderBy(asc(auditEvents.id)).limit(limit).all()
  },

  /** Every event in id order, streamed batch by batch (the chain can be millions of rows) while
   *  `db`'s transaction lasts. */
  async iterateAll (db: SqliteDb): Promise<AsyncIterable<readonly StoredEvent[]>> {
    return inBatches(iterateAuditRows(db) as IterableIterator<StoredEvent>)
  },

  /** The highest id SQLite ever assigned (it never reuses one), 0 when none. */
  lastAssignedId: async (db: SqliteDb): Promise<number> => lastAssignedId(db, 'audit_events')
}, pgAuditRepository)

// Rows handed on a few thousand at a time: one step of the async iteration per row would cost
// more than the walk over it.
const BATCH = 2000

async function * inBatches (rows: IterableIterator<StoredEvent>): AsyncGenerator<StoredEvent[]> {
  let batch: StoredEvent[] = []
  for (const row of rows) {
    batch.push(row)
    if (batch.length === BATCH) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}
