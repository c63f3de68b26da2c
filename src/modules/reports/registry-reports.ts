// /v1/reports/staffing and /v1/reports/certificates: the 5% rule for every agency in scope
// (shortfalls first), and certificates expiring soon, suspended past their set end, or whose
// card awaits recall.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { and, asc, eq, gte, inArray, isNotNull, lt, lte } from 'drizzle-orm'
import { suspensionOverdue } from '../../domain/certificates.js'
import { addDays, shanghaiDate } from '../../domain/dates.js'
import { evaluateStaffing } from '../../domain/staffing.js'
import type { Db } from '../../db/open.js'
import { agencies, cardRecalls, certificates } from '../../db/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import { fail } from '../../errors.js'
import { Id, IsoDate, PageQuery, Query, problems } from '../../http/schemas.js'
import { paged } from '../../http/pagination.js'
import { ACCESS, type Actor } from '../../security/roles.js'
import type { DatabaseHandle } from '../../db/open.js'
import type { Clock } from '../context.js'
import { agencyRepository } from '../agencies/repository.js'

/** Rule 4 on `today` for every active agency in scope (or under `agencyId`), shortfalls first. */
export function staffingReport (db: Db, actor: Actor, today: string, agencyId?: number) {
  const root = agencyId === undefined ? null : agencyRepository.findById(db, actor.scope, agencyId) ?? fail('NOT_FOUND', `agency ${agencyId} not found`)
  const rows = db.select({ id: agencies.id, name: agencies.name, path: agencies.path }).from(agencies)
    .where(and(eq(agencies.status, 'active'), inScopeWhere(actor.scope, agencies.id))).orderBy(asc(agencies.id)).all()
    .filter((a) => root === null || a.path.startsWith(root.path))
  const counts = agencyRepository.staffingCounts(db, rows.map((a) => a.id), today)
  return rows
    .map((a) => ({ agencyId: a.id, agencyName: a.name, ...evaluateStaffing(counts.get(a.id) ?? { officers: 0, certified: 0, reviewers: 0 }) }))
    .sort((x, y) => y.shortfall - x.shortfall || x.agencyId - y.agencyId)
}

/** Cards awaiting recall, cards held in custody (暂扣, since heldSince), suspensions whose set
 *  end has passed (domain suspensionOverdue), and live certificates whose last valid day falls
 *  within the next `days`. */
export function certificatesReport (db: Db, actor: Actor, today: string, days: number) {
  const until = addDays(today, days)
  // The SQL narrows to suspensions set to end before today; the domain rule decides.
  const overdue = db.select().from(certificates).where(and(
    eq(certificates.status, 'suspended'), lt(certificates.suspendedUntil, today), inScopeWhere(actor.scope, certificates.agencyId)
  )).orderBy(asc(certificates.suspendedUntil), asc(certificates.id)).all()
    .filter((c) => suspensionOverdue(c.status, c.validUntil, c.suspendedUntil, today))
  const expiring = db.select().from(certificates).where(and(
    inArray(certificates.status, ['active', 'suspended']), gte(certificates.validUntil, today), lte(certificates.validUntil, until),
    inScopeWhere(actor.scope, certificates.agencyId)
  )).orderBy(asc(certificates.validUntil), asc(certificates.id)).all()
  const recalls = db.select({ c: certificates, r: cardRecalls }).from(cardRecalls)
    .innerJoin(certificates, eq(certificates.id, cardRecalls.certificateId))
    .where(and(eq(cardRecalls.status, 'open'), inScopeWhere(actor.scope, certificates.agencyId)))
    .orderBy(asc(cardRecalls.openedOn), asc(cardRecalls.id)).all()
  const held = db.select().from(certificates).where(and(isNotNull(certificates.heldSince), inScopeWhere(actor.scope, certificates.agencyId)))
    .orderBy(asc(certificates.heldSince), asc(certificates.id)).all()
  const overdueIds = new Set(overdue.map((c) => c.id))
  const row = (kind: 'awaiting_recall' | 'in_custody' | 'suspension_overdue' | 'expiring', c: typeof certificates.$inferSelect, recall?: { id: number, openedOn: string }) =>
    ({ kind, certificateId: c.id, number: c.number, officerId: c.officerId, agencyId: c.agencyId, status: c.status, validUntil: c.validUntil, suspendedUntil: c.suspendedUntil, heldSince: c.heldSince, recallId: recall?.id ?? null, recallOpenedOn: recall?.openedOn ?? null })
  return [
    ...recalls.map(({ c, r }) => row('awaiting_recall', c, r)),
    ...held.map((c) => row('in_custody', c)),
    ...overdue.map((c) => row('suspension_overdue', c)),
    // A card both suspended past its set end and expiring soon is listed once, for the decision.
    ...expiring.filter((c) => !overdueIds.has(c.id)).map((c) => row('expiring', c))
  ]
}

const StaffingRow = Type.Object({
  agencyId: Id,
  agencyName: Type.String(),
  officers: Type.Integer({ description: '执法人员总数（含人民警察，不论是否持证）headcount' }),
  certified: Type.Integer({ description: '其中持证人数 live-card holders among them' }),
  reviewers: Type.Integer(),
  required: Type.Integer(),
  shortfall: Type.Integer(),
  compliant: Type.Boolean()
})
const CertificateRow = Type.Object({
  kind: Type.Unsafe<'expiring' | 'awaiting_recall' | 'in_custody' | 'suspension_overdue'>({ type: 'string', enum: ['expiring', 'awaiting_recall', 'in_custody', 'suspension_overdue'], description: 'expiring 即将到期 | awaiting_recall 待收回 | in_custody 暂扣收存中（heldSince 起） | suspension_overdue 暂扣期限已过（须恢复、吊销或续扣）' }),
  certificateId: Id,
  number: Type.String(),
  officerId: Id,
  agencyId: Id,
  status: Type.String(),
  validUntil: IsoDate(),
  suspendedUntil: Type.Union([IsoDate(), Type.Null()], { description: '暂扣期限 the last day a suspension was set for' }),
  heldSince: Type.Union([IsoDate(), Type.Null()], { description: '暂扣收存之日 in custody since (null: not held)' }),
  recallId: Type.Union([Id, Type.Null()]),
  recallOpenedOn: Type.Union([IsoDate(), Type.Null()])
})
const pageOf = <T extends ReturnType<typeof Type.Object>>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) })

export const registryReportRoutes: FastifyPluginAsyncTypebox<{ store: DatabaseHandle, clock: Clock }> = async (app, { store, clock }) => {
  const tags = ['reports']
  app.get('/v1/reports/staffing', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'reportStaffing',
      summary: '法制审核人员配备报表 Staffing report (5%)',
      description: '权限范围内（或 agencyId 及其下级）每个存续主体的法制审核人员配备，缺口大的在前。The 5% rule for every active agency in scope (or under agencyId), largest shortfall first.',
      querystring: Query({ ...PageQuery, agencyId: Type.Optional(Id) }),
      response: { 200: pageOf(StaffingRow), ...problems(404) }
    }
  }, async (req) => paged(req.query, staffingReport(store.db, req.actor, shanghaiDate(clock()), req.query.agencyId)))

  app.get('/v1/reports/certificates', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'reportCertificates',
      summary: '证件到期与收回报表 Certificates expiring or awaiting recall',
      description: '待收回的证件（注销或吊销后实体证件尚未收回），暂扣收存中的证件（in_custody），暂扣期限已过仍处于暂扣的证件（暂扣不自动解除，须恢复、吊销或续扣），以及在 dueWithinDays 天内到期的有效或暂扣证件。' +
        'Cards awaiting recall; cards held in custody while suspended (in_custody, with heldSince); suspensions whose set last day has passed (a suspension is not lifted by itself: reinstate, revoke or suspend again); then live certificates whose last valid day is within dueWithinDays (default 90).',
      querystring: Query({ ...PageQuery, dueWithinDays: Type.Integer({ minimum: 0, maximum: 3660, default: 90, description: '到期天数 days ahead' }) }),
      response: { 200: pageOf(CertificateRow), ...problems() }
    }
  }, async (req) => paged(req.query, certificatesReport(store.db, req.actor, shanghaiDate(clock()), req.query.dueWithinDays)))
}
