// The audit trail: every change appends who, when, what, before and after, inside the same
// transaction as the change itself (a rolled-back change leaves no audit event either).
// Each event is chained to the one before by hash (chain.ts); the table is append-only
// (triggers refuse UPDATE and DELETE); and the change feed's domain events are projected from
// it in the same transaction.
import { and, asc, eq, gt, gte, lt, or, sql, type SQL } from 'drizzle-orm'
import type Database from 'better-sqlite3'
import { clientOf, type Db } from '../../db/open.js'
import { auditEvents, certificates, trainings } from '../../db/schema.js'
import type { Actor, Scope } from '../../security/roles.js'
import { eventRepository } from '../events/repository.js'
import { projectEvents } from '../events/projection.js'
import { eventHash, GENESIS, type StoredEvent } from './chain.js'
import { maskPersonalData } from '../../security/personal-data.js'
import { inScopeWhere } from '../../db/scope.js'
import { once } from '../../db/prepared.js'
import { officerRepository } from '../officers/repository.js'

export interface AuditEntry {
  readonly entity: string
  readonly entityId: number | string
  readonly action: string
  readonly before?: unknown
  readonly after?: unknown
}

export type AuditRow = typeof auditEvents.$inferSelect

type Obj = Record<string, unknown>
const asObj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Obj : {})
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined)

/** The agency a change concerns (for scope): the entity's own agencyId, else that of the officer,
 *  certificate or training it refers to; and, when it moved, the agency it left. Null: none
 *  (exam sessions, admin accounts, trainings open to every agency). */
function concernedAgencies (db: Db, entry: AuditEntry): { agencyId: number | null, priorAgencyId: number | null } {
  const before = asObj(entry.before)
  const after = asObj(entry.after)
  const pick = (k: string) => num(after[k]) ?? num(before[k])
  let agencyId: number | undefined
  if (entry.entity === 'agency') agencyId = Number(entry.entityId)
  agencyId ??= pick('agencyId')
  const officerId = agencyId === undefined ? pick('officerId') : undefined
  const q = prepared(db)
  if (officerId !== undefined) agencyId = officerRepository.agencyOf(db, officerId)
  const certificateId = agencyId === undefined ? pick('certificateId') : undefined
  if (certificateId !== undefined) agencyId = q.certificateAgency.get({ id: certificateId })?.a
  if (agencyId === undefined && entry.entity === 'training') agencyId = q.trainingAgency.get({ id: Number(entry.entityId) })?.a ?? undefined
  // A transfer still concerns the agency left; a person taken on again elsewhere after leaving
  // is no longer the former agency's business (it does not learn where they work now).
  const prior = entry.action === 'rejoin' ? undefined : num(before.agencyId)
  return { agencyId: agencyId ?? null, priorAgencyId: prior !== undefined && prior !== agencyId ? prior : null }
}

// appendAudit runs on every change (50,000 times in a large import): its statements are
// prepared once per connection.
function prepare (db: Db) {
  const id = sql.placeholder('id')
  return {
    // Plain SQL with positional values, the tail a bare value: through the query builder (values
    // bound by name, the row mapped back) the read cost 11 µs and the insert twice its own time.
    tailHash: clientOf(db).prepare('select hash from audit_events order by id desc limit 1').pluck(),
    // The rowid is the id (RETURNING costs more than the insert).
    insert: clientOf(db).prepare(`insert into audit_events (at, actor, role, request_id, entity, entity_id, action, before, after, agency_id, prior_agency_id, prev_hash, hash)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    certificateAgency: db.select({ a: certificates.agencyId }).from(certificates).where(eq(certificates.id, id)).prepare(),
    trainingAgency: db.select({ a: trainings.agencyId }).from(trainings).where(eq(trainings.id, id)).prepare()
  }
}
const prepared = (db: Db) => once(db, 'audit', () => prepare(db))

/** Appends one audit event, chained to the last, and the change feed's events it gives; call it
 *  inside the write transaction of the change (which serialises appends, so the chain is linear). */
export function appendAudit (db: Db, actor: Actor | SystemActor, at: Date, given: AuditEntry): void {
  // ID numbers go into the trail (and the feed projected from it) masked: it is append-only.
  const entry = maskPersonalData(given)
  const fields = {
    at: at.toISOString(),
    actor: actor.principal.sub,
    role: actor.principal.role,
    requestId: actor.requestId,
    entity: entry.entity,
    entityId: String(entry.entityId),
    action: entry.action,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
    ...concernedAgencies(db, entry)
  }
  const q = prepared(db)
  const prevHash = (q.tailHash.get() as string | null | undefined) ?? GENESIS
  const f = fields
  const row = { id: Number(q.insert.run(f.at, f.actor, f.role, f.requestId, f.entity, f.entityId, f.action, f.before, f.after, f.agencyId, f.priorAgencyId, prevHash, eventHash(f, prevHash)).lastInsertRowid) }
  // Projected from what was given, not from the masked copy: the feed masks personal data itself
  // (maskedOfficer), and a phone changed only in its masked middle digits is still a change.
  const drafts = projectEvents({ entity: entry.entity, entityId: fields.entityId, action: entry.action, before: given.before, after: given.after })
  eventRepository.append(db, { id: row.id, at: fields.at, agencyId: fields.agencyId, priorAgencyId: fields.priorAgencyId }, drafts)
}

/** The service itself (first start, CLI), acting as admin with no request. */
export interface SystemActor {
  readonly principal: { readonly sub: string, readonly role: 'admin' }
  readonly requestId: string
}

export function systemActor (what: string): SystemActor {
  return { principal: { sub: `system:${what}`, role: 'admin' }, requestId: what }
}

export interface AuditFilter {
  entity?: string | undefined
  entityId?: string | undefined
  actor?: string | undefined
  /** Inclusive lower and exclusive upper bound, as stored (UTC, toISOString). */
  from?: string | undefined
  to?: string | undefined
}

export const auditRepository = {
  /** Events in id order; a scoped caller sees those concerning an agency in scope. */
  list (db: Db, scope: Scope, f: AuditFilter, afterId: number, limit: number): AuditRow[] {
    const where: Array<SQL | undefined> = [gt(auditEvents.id, afterId)]
    if (!scope.all) where.push(or(inScopeWhere(scope, auditEvents.agencyId), inScopeWhere(scope, auditEvents.priorAgencyId)))
    if (f.entity) where.push(eq(auditEvents.entity, f.entity))
    if (f.entityId) where.push(eq(auditEvents.entityId, f.entityId))
    if (f.actor) where.push(eq(auditEvents.actor, f.actor))
    if (f.from) where.push(gte(auditEvents.at, f.from))
    if (f.to) where.push(lt(auditEvents.at, f.to))
    return db.select().from(auditEvents).where(and(...where)).orderBy(asc(auditEvents.id)).limit(limit).all()
  },

  /** Every event in id order, streamed (the chain can be millions of rows). */
  iterateAll (sqlite: Database.Database): IterableIterator<StoredEvent> {
    return sqlite.prepare(`select id, at, actor, role, request_id as requestId, entity, entity_id as entityId, action, before, after,
      agency_id as agencyId, prior_agency_id as priorAgencyId, prev_hash as prevHash, hash from audit_events order by id`).iterate() as IterableIterator<StoredEvent>
  },

  /** The highest id SQLite ever assigned (it never reuses one), 0 when none. */
  lastAssignedId: (db: Db): number =>
    db.get<{ seq: number } | undefined>(sql`select seq from sqlite_sequence where name = 'audit_events'`)?.seq ?? 0
}
