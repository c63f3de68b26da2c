// Wire shapes of 行政执法证件 (certificates, their recalls, custodies and history).
import { Type } from 'typebox'
import { STORED_STATUSES } from '../../domain/certificates.js'
import { Id, IsoDate, StringEnum, Text, Timestamp, components } from '../../http/schemas.js'

export const Status = StringEnum([...STORED_STATUSES, 'expired'] as const, { description: 'active 有效 | suspended 暂扣 | revoked 吊销 | cancelled 注销 | expired 过期' })

export const Certificate = Type.Object({
  id: Id,
  number: Type.String({ description: '证号 (assigned by the service; the last character is a check character)' }),
  officerId: Id,
  agencyId: Id,
  domains: Type.Array(Type.String()),
  issuedOn: IsoDate(),
  validUntil: IsoDate('有效期至 last valid day'),
  status: Status,
  storedStatus: StringEnum(STORED_STATUSES, { description: 'the recorded status (status shows expired when past validUntil)' }),
  statusReason: Type.Union([Type.String(), Type.Null()]),
  suspendedUntil: Type.Union([IsoDate(), Type.Null()]),
  heldSince: Type.Union([IsoDate(), Type.Null()], { description: '暂扣收存之日：证件在司法机关保管中（恢复时交还）the day a suspended card was taken into custody (null: not held); returned on reinstatement' }),
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Type.Union([Timestamp, Type.Null()])
})

export const Recall = Type.Object({
  id: Id,
  certificateId: Id,
  status: StringEnum(['open', 'recovered', 'lost'] as const, { description: 'open 待收回 | recovered 已收回 | lost 已声明遗失' }),
  reason: Type.String(),
  openedOn: IsoDate(),
  closedOn: Type.Union([IsoDate(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp
})

export const Custody = Type.Object({
  id: Id,
  certificateId: Id,
  heldSince: IsoDate('暂扣收存之日 taken into custody'),
  endedOn: Type.Union([IsoDate(), Type.Null()]),
  outcome: Type.Union([StringEnum(['returned', 'retained'] as const, { description: 'returned 恢复后交还 | retained 吊销或注销，证件留存' }), Type.Null()]),
  createdAt: Timestamp
})

export const Event = Type.Object({
  id: Id,
  certificateId: Id,
  action: Type.String(),
  fromStatus: Type.Union([Type.String(), Type.Null()]),
  toStatus: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  until: Type.Union([IsoDate(), Type.Null()]),
  actor: Type.String(),
  at: Timestamp
})

components({ Certificate, Recall, CertificateEvent: Event })

export const Reason = Text({ maxLength: 500, lines: true, description: '原因或决定文号 reason, or the decision number' })
