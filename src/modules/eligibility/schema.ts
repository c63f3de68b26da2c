// Wire shapes of POST /v1/eligibility: may these officers act in this domain at this instant.
import { Type } from 'typebox'
import { ELIGIBILITY_REASONS } from '../../domain/eligibility.js'
import { Body, Id, IsoDate, PLACEHOLDER, StringEnum, Text, Timestamp, components, withExample } from '../../http/schemas.js'

export const EligibilityRequest = withExample(Body({
  officerIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 50, uniqueItems: true, description: '执法人员编号（与 certificateNumbers 二选一）officers to judge, 1 to 50 (or certificateNumbers, not both)' })),
  certificateNumbers: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { minItems: 1, maxItems: 50, uniqueItems: true, description: '执法证号（与 officerIds 二选一）：判断所示证件本身 the cards shown, 1 to 50 (or officerIds, not both): that very card is judged' })),
  domain: Text({ maxLength: 50, description: '执法领域，如 市场监管 the enforcement domain of the case step' }),
  agencyId: Type.Optional(Id),
  at: Type.Optional(Type.String({ format: 'date-time', description: '判断时刻（RFC 3339，默认当前；按北京时间判断日期；不得晚于当前一天以上）the instant judged (default now; days are Asia/Shanghai days; at most a day ahead)' }))
}), { officerIds: [PLACEHOLDER.id], domain: '市场监管' })

const Reason = Type.Object({
  code: StringEnum(ELIGIBILITY_REASONS),
  detail: Type.String({ description: '中文及英文说明 the reason in Chinese and English' })
})

const UsedCertificate = Type.Object({
  id: Id,
  number: Type.String(),
  agencyId: Id,
  status: StringEnum(['active', 'suspended', 'revoked', 'cancelled', 'expired'] as const, { description: '判断时刻的状态 the status at the instant judged' }),
  validUntil: IsoDate('有效期至 last valid day'),
  domains: Type.Array(Type.String())
}, { description: '所判断的证件：覆盖该领域的有效证件，否则最相关的一张（最新）the card judged: the valid one covering the domain, else the most relevant one' })

export const EligibilityResult = Type.Object({
  officerId: Type.Union([Id, Type.Null()], { description: 'null: not found in your scope' }),
  certificateNumber: Type.Optional(Type.String({ description: '所查证号（按证号查询时）the number asked, normalised' })),
  eligible: Type.Boolean({ description: '此刻是否可以在该领域执法 may act in this domain at this instant' }),
  reasons: Type.Array(Reason),
  certificate: Type.Union([UsedCertificate, Type.Null()])
})

export const Eligibility = Type.Object({
  at: Timestamp,
  domain: Type.String(),
  agencyId: Type.Union([Id, Type.Null()]),
  results: Type.Array(EligibilityResult, { description: '按请求顺序 in request order' }),
  team: Type.Object({
    eligibleCount: Type.Integer({ minimum: 0, description: '可执法的不同人员数 distinct officers who may act' }),
    minimum: Type.Integer({ minimum: 1, description: 'TEAM_MINIMUM（默认 2，行政处罚法第四十二条）' }),
    sufficient: Type.Boolean()
  })
})

components({ Eligibility })
