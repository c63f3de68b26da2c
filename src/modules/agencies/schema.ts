// Wire shapes of 执法主体 (agencies).
import { Type } from 'typebox'
import { Body, Id, IsoDate, PageQuery, Query, StringEnum, Text, Timestamp, components, PLACEHOLDER, withExample } from '../../http/schemas.js'

export const AGENCY_KINDS = ['organ', 'authorized', 'entrusted'] as const
export const AGENCY_LEVELS = ['province', 'city', 'county', 'township'] as const
export const AGENCY_STATUSES = ['active', 'merged', 'dissolved'] as const

const Name = Text({ minLength: 2, maxLength: 200, description: '名称 name, e.g. 示例市市场监督管理局' })
const Uscc = Type.String({ minLength: 18, maxLength: 18, description: '统一社会信用代码 (GB 32100-2015, check character validated)' })
const Kind = StringEnum(AGENCY_KINDS, { description: 'organ 行政机关 | authorized 法律法规授权组织 | entrusted 受委托组织' })
const Level = StringEnum(AGENCY_LEVELS, { description: 'province 省 | city 市 | county 县（区） | township 乡镇（街道）' })
const RegionCode = Type.String({ pattern: '^\\d{6}$', description: '行政区划代码 (6 digits)' })
const Domains = Type.Array(Text({ maxLength: 50 }), { maxItems: 50, uniqueItems: true, description: '执法领域 enforcement domains, e.g. ["市场监管"]' })
const ParentId = Type.Union([Id, Type.Null()], { description: '上级主体 parent agency (null: top level, admin only)' })

export const Agency = Type.Object({
  id: Id,
  name: Type.String(),
  uscc: Type.String(),
  kind: Kind,
  level: Level,
  parentId: Type.Union([Id, Type.Null()]),
  regionCode: Type.String(),
  domains: Type.Array(Type.String()),
  status: StringEnum(AGENCY_STATUSES, { description: 'active 存续 | merged 已合并 | dissolved 已撤销' }),
  successorId: Type.Union([Id, Type.Null()], { description: '承继主体 the successor after a merge or dissolution' }),
  endedOn: Type.Union([IsoDate(), Type.Null()]),
  confirmedYears: Type.Array(Type.Integer(), { description: '已确认公告的年度 years confirmed and announced' }),
  confirmationDue: Type.Boolean({ description: '本年度确认尚未登记：宽限期（CONFIRMATION_GRACE_UNTIL，默认 3月31日）内仍可发证，之后不得发证 this year\'s confirmation is not recorded: within the grace period certificates can still be issued, after it AGENCY_NOT_CONFIRMED' }),
  reconfirmationDue: Type.Boolean({ description: '名称、类别变更或合并承继后须重新确认（泰委法办〔2020〕30号 第6条），登记确认后解除 a rename, new kind or merger asks for 重新确认 until a confirmation is recorded' }),
  reconfirmationDueSince: Type.Union([IsoDate(), Type.Null()], { description: '须重新确认之日 the day the change asked for it' }),
  version: Type.Integer({ description: 'row version (also the ETag)' }),
  createdAt: Timestamp,
  updatedAt: Type.Union([Timestamp, Type.Null()])
})

export const CreateAgency = Body({
  name: Name, uscc: Uscc, kind: Kind, level: Level, parentId: Type.Optional(ParentId), regionCode: RegionCode, domains: Domains
})

export const UpdateAgency = Body({
  name: Type.Optional(Name),
  uscc: Type.Optional(Uscc),
  kind: Type.Optional(Kind),
  level: Type.Optional(Level),
  parentId: Type.Optional(ParentId),
  regionCode: Type.Optional(RegionCode),
  domains: Type.Optional(Domains)
})

export const AgencyQuery = Query({
  ...PageQuery,
  status: Type.Optional(StringEnum(AGENCY_STATUSES, { description: 'active 存续 | merged 已合并 | dissolved 已撤销' })),
  parentId: Type.Optional(Id),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: '名称包含 name contains' }))
})

export const Confirmation = Type.Object({
  id: Id,
  agencyId: Id,
  year: Type.Integer(),
  announcementNo: Type.String(),
  date: IsoDate(),
  kind: StringEnum(['yearly', 'reconfirmation'] as const, { description: 'yearly 年度确认 | reconfirmation 变更后重新确认' }),
  createdAt: Timestamp
})

export const CreateConfirmation = Body({
  year: Type.Integer({ minimum: 2000, maximum: 2100, description: '确认年度 year confirmed' }),
  announcementNo: Text({ maxLength: 100, description: '公告文号, e.g. 示例公告〔2026〕1号' }),
  date: IsoDate('公告日期 date of the announcement')
})

export const EndAgency = Body({
  date: IsoDate('生效日期 effective date'),
  successorId: Type.Optional(Type.Union([Id, Type.Null()], { description: '承继主体 successor (required for a merge)' })),
  reason: Type.Optional(Text({ maxLength: 500, lines: true, description: '说明 note, e.g. the decision number' }))
})

export const Staffing = Type.Object({
  agencyId: Id,
  agencyName: Type.String(),
  officers: Type.Integer({ description: '执法人员总数：在岗、非辅助人员（含人民警察），不论是否持证 headcount: active, non-auxiliary officers, police included, whatever their cards' }),
  certified: Type.Integer({ description: '其中持有效或暂扣证件者 of them, holders of an active or suspended certificate there (shown beside; not the base)' }),
  reviewers: Type.Integer({ description: '在岗法制审核人员 active legal reviewers' }),
  required: Type.Integer({ description: 'ceil(officers / 20)' }),
  shortfall: Type.Integer({ description: '缺口 required − reviewers, never below 0' }),
  compliant: Type.Boolean({ description: 'reviewers × 20 ≥ officers' })
})

withExample(CreateAgency, {
  name: '太原市小店区市场监督管理局', uscc: '11140100MB0123456K', kind: 'organ', level: 'county', parentId: PLACEHOLDER.id, regionCode: '140105', domains: ['市场监管', '食品安全']
})
withExample(UpdateAgency, { name: '太原市小店区市场监督管理局', domains: ['市场监管', '食品安全', '药品监管'], parentId: PLACEHOLDER.id })
withExample(CreateConfirmation, { year: 2026, announcementNo: '晋运政公告〔2026〕3号', date: PLACEHOLDER.date })
withExample(EndAgency, { date: PLACEHOLDER.date, successorId: PLACEHOLDER.id, reason: '晋政函〔2026〕15号' })

components({ Agency, Confirmation, Staffing })
