// The staffing and certificates reports (/v1/reports/staffing, /v1/reports/certificates, and the
// nightly run): the 5% rule for every agency in scope (shortfalls first), and certificates
// expiring soon, suspended past their set end, or whose card awaits recall.
import { suspensionOverdue } from '../../domain/certificates.js'
import { addDays } from '../../domain/dates.js'
import { evaluateStaffing } from '../../domain/staffing.js'
import type { Db } from '../../db/store.js'
import { fail } from '../../errors.js'
import type { Actor } from '../../security/roles.js'
import { agencyRepository, NO_STAFF } from '../agencies/repository.js'
import { registryRepository, type CertificateRow } from './registry-repository.js'

/** Rule 4 on `today` for every active agency in scope (or under `agencyId`), shortfalls first. */
export async function staffingReport (db: Db, actor: Actor, today: string, agencyId?: number) {
  const root = agencyId === undefined ? null : (await agencyRepository.findById(db, actor.scope, agencyId)) ?? fail('NOT_FOUND', `agency ${agencyId} not found`)
  const rows = (await registryRepository.activeAgencies(db, actor.scope))
    .filter((a) => root === null || a.path.startsWith(root.path))
  const counts = await agencyRepository.staffingCounts(db, rows.map((a) => a.id), today)
  return rows
    .map((a) => ({ agencyId: a.id, agencyName: a.name, ...evaluateStaffing(counts.get(a.id) ?? NO_STAFF) }))
    .sort((x, y) => y.shortfall - x.shortfall || x.agencyId - y.agencyId)
}

/** Cards awaiting recall, cards held in custody (暂扣, since heldSince), suspensions whose set
 *  end has passed (domain suspensionOverdue), and live certificates whose last valid day falls
 *  within the next `days`. */
export async function certificatesReport (db: Db, actor: Actor, today: string, days: number) {
  const until = addDays(today, days)
  // The SQL narrows to suspensions set to end before today; the domain rule decides.
  const overdue = (await registryRepository.suspendedUntilBefore(db, actor.scope, today))
    .filter((c) => suspensionOverdue(c.status, c.validUntil, c.suspendedUntil, today))
  const expiring = await registryRepository.liveEndingBetween(db, actor.scope, today, until)
  const recalls = await registryRepository.openRecalls(db, actor.scope)
  const held = await registryRepository.heldCards(db, actor.scope)
  const overdueIds = new Set(overdue.map((c) => c.id))
  const row = (kind: 'awaiting_recall' | 'in_custody' | 'suspension_overdue' | 'expiring', c: CertificateRow, recall?: { id: number, openedOn: string }) =>
    ({ kind, certificateId: c.id, number: c.number, officerId: c.officerId, agencyId: c.agencyId, status: c.status, validUntil: c.validUntil, suspendedUntil: c.suspendedUntil, heldSince: c.heldSince, recallId: recall?.id ?? null, recallOpenedOn: recall?.openedOn ?? null })
  return [
    ...recalls.map(({ c, r }) => row('awaiting_recall', c, r)),
    ...held.map((c) => row('in_custody', c)),
    ...overdue.map((c) => row('suspension_overdue', c)),
    // A card both suspended past its set end and expiring soon is listed once, for the decision.
    ...expiring.filter((c) => !overdueIds.has(c.id)).map((c) => row('expiring', c))
  ]
}
