// Wire shapes of the audit trail.
import { Type } from 'typebox'
import { Id, PageQuery, Query, Timestamp, components } from '../../http/schemas.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const AuditEvent = Type.Object({
  id: Id,
  at: Timestamp,
  actor: Type.String({ description: '操作者（账号或客户端标识）who: the account or client id (system:* for the service itself)' }),
  role: Type.String({ description: '操作时的角色 role at the time' }),
  requestId: Nullable(Type.String({ description: '请求编号 the X-Request-Id of the change' })),
  entity: Type.String({ description: '对象类型 entity: agency, officer, certificate, exam_result, training, …' }),
  entityId: Type.String(),
  action: Type.String({ description: '操作 action: create, update, depart, transfer, issue, suspend, …' }),
  agencyId: Nullable(Id),
  priorAgencyId: Nullable(Id),
  before: Type.Unknown({ description: '变更前 the entity before (null for a creation); ID numbers masked for auditors' }),
  after: Type.Unknown({ description: '变更后 the entity after' }),
  prevHash: Nullable(Type.String({ description: 'hash of the event before (hash chain)' })),
  hash: Nullable(Type.String({ description: 'sha256 of this event and prevHash' }))
})

export const AuditQuery = Query({
  ...PageQuery,
  entity: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: '对象类型 entity, e.g. officer' })),
  entityId: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: '对象编号 entity id' })),
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: '操作者 actor' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: '起始时间（含）from, inclusive (RFC 3339)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: '截止时间（不含）to, exclusive (RFC 3339)' }))
})

components({ AuditEvent })
