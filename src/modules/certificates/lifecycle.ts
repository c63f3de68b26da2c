// Status changes of certificates, shared by the certificate routes and by departures and
// transfers (rule 2): each change checks the state machine, records its history, opens the
// card recall where the card must come back, and appends the audit event, all inside the
// caller's write transaction.
import { CERTIFICATE_STATUS_LABELS, custodyChange, effectiveStatus, nextStatus, type CertificateAction } from '../../domain/certificates.js'
import { shanghaiDate } from '../../domain/dates.js'
import { suspensionEndRefusal } from '../../domain/plausible-dates.js'
import type { Db } from '../../db/store.js'
import { fail } from '../../errors.js'
import type { Actor } from '../../security/roles.js'
import { appendAudit } from '../audit/repository.js'
import { refuseDate } from '../date-checks.js'
import { certificateRepository, type CertificateRow } from './repository.js'

export interface TransitionInput { reason: string, until?: string | null | undefined }

/** Applies one action; CERTIFICATE_TRANSITION_NOT_ALLOWED when the state machine refuses it,
 *  DATE_RANGE_INVALID for a suspension until a day already past, DATE_OUT_OF_RANGE for one
 *  until after the card's last valid day.
 *  A suspension (暂扣) takes the card into custody (heldSince, a custody record); reinstatement
 *  returns it. A revocation or cancellation opens a recall of the physical card, recovered at
 *  once when the card was in custody (it is kept: 'retained'). */
export async function transition (db: Db, actor: Actor, at: Date, cert: CertificateRow, action: CertificateAction, input: TransitionInput) {
  const today = shanghaiDate(at)
  if (action === 'suspend' && input.until != null) {
    const refusal = suspensionEndRefusal(input.until, today, cert.validUntil)
    if (refusal) refuseDate('until', input.until, refusal)
  }
  const from = effectiveStatus(cert.status, cert.validUntil, today)
  const next = nextStatus(from, action)
  if (!next.ok) fail(next.code, `${action} is not allowed on ${/^[aeiou]/.test(from) ? 'an' : 'a'} ${from} certificate / 证件当前为「${CERTIFICATE_STATUS_LABELS[from]}」，不允许此操作`)
  const custody = custodyChange(from, action, cert.heldSince)
  const after = (await certificateRepository.setStatus(db, cert.id, {
    status: next.status,
    statusReason: input.reason,
    suspendedUntil: action === 'suspend' ? input.until ?? null : null,
    heldSince: custody === 'open' ? today : custody === null ? cert.heldSince : null,
    updatedAt: at.toISOString()
  })) ?? fail('NOT_FOUND')
  if (custody === 'open') await certificateRepository.openCustody(db, cert.id, today, at.toISOString())
  else if (custody !== null) await certificateRepository.endCustody(db, cert.id, today, custody)
  await certificateRepository.insertEvent(db, {
    certificateId: cert.id,
    action,
    fromStatus: from,
    toStatus: next.status,
    reason: input.reason,
    until: action === 'suspend' ? input.until ?? null : null,
    actor: actor.principal.sub,
    at: at.toISOString()
  })
  let recall = next.status === 'revoked' || next.status === 'cancelled'
    ? await certificateRepository.insertRecall(db, { certificateId: cert.id, reason: input.reason, openedOn: today, createdAt: at.toISOString() })
    : null
  if (recall !== null && custody === 'retained') {
    recall = (await certificateRepository.closeRecall(db, recall.id, { status: 'recovered', closedOn: today, note: `暂扣期间已收存 held in custody since ${cert.heldSince ?? today}` })) ?? recall
  }
  await appendAudit(db, actor, at, { entity: 'certificate', entityId: cert.id, action, agencyId: after.agencyId, before: cert, after })
  return { certificate: after, previousStatus: from, recall }
}

/** Cancels every active or suspended certificate of an officer (at one agency, when given),
 *  opening a recall for each; returns what was cancelled. */
export async function cancelLiveCertificates (db: Db, actor: Actor, at: Date, officerId: number, reason: string, agencyId?: number) {
  const cancelled = []
  for (const cert of await certificateRepository.live(db, officerId, agencyId)) {
    const { certificate, previousStatus, recall } = await transition(db, actor, at, cert, 'cancel', { reason })
    cancelled.push({ id: certificate.id, number: certificate.number, agencyId: certificate.agencyId, previousStatus, recallId: recall?.id ?? 0 })
  }
  return cancelled
}
