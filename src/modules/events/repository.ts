// The change feed in SQL: domain_events, appended by appendAudit inside each change's
// transaction, read in id order within the caller's scope.
import { and, asc, desc, eq, gt, lte, max, or, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/open.js'
import { domainEvents, officerMoves } from '../../db/schema.js'
import type { Scope } from '../../security/roles.js'
import { EVENT_TYPE_PREFIX, type EventDraft } from './projection.js'
import { inScopeWhere } from '../../db/scope.js'
import { onceStatement } from '../../db/prepared.js'
import { officerRepository } from '../officers/repository.js'

export type DomainEventRow = typeof domainEvents.$inferSelect

export const eventRepository = {
  /** Appends the events of one audit event; call it in that audit event's transaction. */
  append (db: Db, audit: { id: number, at: string, agencyId: number | null, priorAgencyId: number | null }, drafts: EventDraft[]): void {
    if (drafts.length === 0) return
    const byOfficer = officerRepository.agenciesOf(db, [...new Set(drafts.flatMap((d) => (d.officerId === undefined ? [] : [d.officerId])))])
    const insert = onceStatement(db, 'events.insert', `insert into domain_events (audit_event_id, type, subject, agency_id, prior_agency_id, time, data)
      values (?, ?, ?, ?, ?, ?, ?)`)
    for (const d of drafts) {
      const agencyId = d.officerId === undefined ? audit.agencyId : byOfficer.get(d.officerId)
      if (agencyId === null || agencyId === undefined) continue
      const data = d.type === 'officer.transferred' ? { ...d.data, date: lastMoveDate(db, Number(d.subject.split('/')[1])) } : d.data
      const priorAgencyId = d.officerId === undefined && audit.priorAgencyId !== agencyId ? audit.priorAgencyId : null
      // Positional parameters: a bulk attendance appends one event per officer, and binding
      // seven named ones cost about a seventh of each insert.
      insert.run(audit.id, EVENT_TYPE_PREFIX + d.type, d.subject, agencyId, priorAgencyId, audit.at, JSON.stringify(data))
    }
  },

  /** The newest event id (0 when none): the feed reads up to it, so a page and its cursor agree. */
  head: (db: Db): number => db.select({ id: max(domainEvents.id) }).from(domainEvents).get()?.id ?? 0,

  /** Events after `afterId` up to `upTo`, in order, in scope (the agency it concerns, or the
   *  one an officer left). */
  list (db: Db, scope: Scope, afterId: number, upTo: number, limit: number): DomainEventRow[] {
    const where: Array<SQL | undefined> = [gt(domainEvents.id, afterId), lte(domainEvents.id, upTo)]
    if (!scope.all) where.push(or(inScopeWhere(scope, domainEvents.agencyId), inScopeWhere(scope, domainEvents.priorAgencyId)))
    return db.select().from(domainEvents).where(and(...where)).orderBy(asc(domainEvents.id)).limit(limit).all()
  }
}

function lastMoveDate (db: Db, officerId: number): string | null {
  return db.select({ date: officerMoves.date }).from(officerMoves).where(eq(officerMoves.officerId, officerId)).orderBy(desc(officerMoves.id)).limit(1).get()?.date ?? null
}
