// Wire shapes of the public view (公示): agencies and the holders of valid cards.
import { Type } from 'typebox'
import { Id, IsoDate, StringEnum } from '../../http/schemas.js'
import { AGENCY_KINDS, AGENCY_LEVELS } from '../agencies/schema.js'

export const PublicAgency = Type.Object({
  id: Id,
  name: Type.String({ description: '主体名称 name' }),
  kind: StringEnum(AGENCY_KINDS, { description: 'organ 行政机关 | authorized 法律法规授权组织 | entrusted 受委托组织' }),
  level: StringEnum(AGENCY_LEVELS),
  regionCode: Type.String({ description: '行政区划代码 region code' }),
  domains: Type.Array(Type.String(), { description: '执法领域 domains' }),
  confirmationYear: Type.Union([Type.Integer(), Type.Null()], { description: '最近确认年度 the latest confirmation year' }),
  announcementNo: Type.Union([Type.String(), Type.Null()], { description: '公告文号 its announcement number' })
})

export const PublicHolder = Type.Object({
  name: Type.String({ description: '姓名（PUBLIC_NAME_DISPLAY=masked 时脱敏）name, masked when PUBLIC_NAME_DISPLAY=masked' }),
  certificateNumber: Type.String({ description: '行政执法证件号 certificate number' }),
  domains: Type.Array(Type.String()),
  validUntil: IsoDate('有效期至 last valid day')
})

export const AgencyFilter = {
  regionCode: Type.Optional(Type.String({ pattern: '^\\d{2,6}$', description: '行政区划代码或其前缀 region code or its prefix (2–6 digits)' })),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: '名称包含 name contains' })),
  domain: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: '执法领域 domain, e.g. 市场监管' }))
}
