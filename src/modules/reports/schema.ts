// Wire shapes of reports, and the columns of their CSV and xlsx files (Chinese headers).
import { Type } from 'typebox'
import { Id, IsoDate, PageQuery, Query, StringEnum, components } from '../../http/schemas.js'
import { FORMATS, type Column } from '../../http/report-files.js'
import type { ComplianceRow } from './service.js'

export const TRAINING_STATUSES = ['compliant', 'on_track', 'at_risk', 'non_compliant', 'not_applicable'] as const
export const GRADES = ['excellent', 'competent', 'basically_competent', 'incompetent'] as const

const STATUS_LABELS: Record<ComplianceRow['status'], string> = {
  compliant: '已达标', on_track: '进度正常', at_risk: '进度落后', non_compliant: '未达标', not_applicable: '不适用'
}

export const ComplianceQuery = Query({
  ...PageQuery,
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, description: '年度，默认 asOf 所在年度 year (default: the year of asOf, which defaults to today, Asia/Shanghai)' })),
  asOf: Type.Optional(IsoDate('评估日期 evaluate as of this day (default today)')),
  agencyId: Type.Optional(Id),
  status: Type.Optional(Type.Array(StringEnum(TRAINING_STATUSES, { description: 'compliant 已达标 | on_track 进度正常 | at_risk 进度滞后 | non_compliant 未达标 | not_applicable 不适用' }), {
    description: '只列出这些状态（可重复）only these standings (repeat the parameter for several): compliant | on_track | at_risk | non_compliant | not_applicable (auxiliary staff, police when TRAINING_INCLUDES_POLICE=false, no rule in force)'
  })),
  grade: Type.Optional(Type.Array(StringEnum(GRADES), {
    description: '只列出年度考核为这些等次的人员（可重复）only officers graded so in gradeYear\'s 年度考核 (repeat for several): excellent 优秀 | competent 称职 | basically_competent 基本称职 | incompetent 不称职'
  })),
  gradeYear: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, description: '考核年度，默认为报表年度 the assessment year grade refers to (default: the report\'s year)' })),
  format: StringEnum(FORMATS, { default: 'json', description: 'json 分页 (paged) | csv (UTF-8 BOM, 中文表头) | xlsx; csv and xlsx hold every row and ignore limit and cursor' })
})

export const ComplianceItem = Type.Object({
  officerId: Id,
  name: Type.String(),
  employeeNo: Type.Union([Type.String(), Type.Null()]),
  agencyId: Id,
  agencyName: Type.String(),
  year: Type.Integer(),
  publicLawHours: Type.Number({ description: '公共法律知识学时' }),
  professionalHours: Type.Number({ description: '专业法律知识和执法技能学时' }),
  publicLawUnits: Type.Integer({ description: 'exact units of 1/90 学时' }),
  professionalUnits: Type.Integer(),
  requiredPublicLawHours: Type.Number(),
  requiredProfessionalHours: Type.Number(),
  publicLawDeficitHours: Type.Number(),
  professionalDeficitHours: Type.Number(),
  publicLawDeficitUnits: Type.Integer(),
  professionalDeficitUnits: Type.Integer(),
  ruleVersion: Type.Union([Type.String(), Type.Null()]),
  compliant: Type.Boolean(),
  status: StringEnum(TRAINING_STATUSES, { description: 'compliant 已达标 | on_track 进度正常 | at_risk 进度落后（自 AT_RISK_FROM 起） | non_compliant 未达标 | not_applicable 不适用（不计入达标率）' })
})

export const CompliancePage = Type.Object({
  year: Type.Integer(),
  asOf: IsoDate(),
  ruleVersion: Type.Union([Type.String(), Type.Null()], { description: '适用的学时规则版本 the rule applied (null: none that year)' }),
  items: Type.Array(ComplianceItem),
  nextCursor: Type.Union([Type.String(), Type.Null()])
})

export const COMPLIANCE_COLUMNS: ReadonlyArray<Column<ComplianceRow>> = [
  { header: '人员编号', value: (r) => r.officerId, width: 10 },
  { header: '姓名', value: (r) => r.name, width: 12 },
  { header: '工号', value: (r) => r.employeeNo },
  { header: '执法主体编号', value: (r) => r.agencyId },
  { header: '执法主体', value: (r) => r.agencyName, width: 30 },
  { header: '年度', value: (r) => r.year, width: 8 },
  { header: '公共法律知识学时', value: (r) => r.publicLawHours },
  { header: '专业法律知识学时', value: (r) => r.professionalHours },
  { header: '公共法律知识应达学时', value: (r) => r.requiredPublicLawHours },
  { header: '专业法律知识应达学时', value: (r) => r.requiredProfessionalHours },
  { header: '公共法律知识差额', value: (r) => r.publicLawDeficitHours },
  { header: '专业法律知识差额', value: (r) => r.professionalDeficitHours },
  { header: '规则版本', value: (r) => r.ruleVersion },
  { header: '是否达标', value: (r) => (r.compliant ? '是' : '否'), width: 8 },
  { header: '状态', value: (r) => STATUS_LABELS[r.status], width: 10 },
  { header: '状态代码', value: (r) => r.status }
]

components({ ComplianceItem, CompliancePage })

// The staffing and certificates reports: every row, paged by place (not named components).
export const StaffingRow = Type.Object({
  agencyId: Id,
  agencyName: Type.String(),
  officers: Type.Integer({ description: '执法人员总数（含人民警察，不论是否持证）headcount' }),
  certified: Type.Integer({ description: '其中持证人数 live-card holders among them' }),
  reviewers: Type.Integer(),
  required: Type.Integer(),
  shortfall: Type.Integer(),
  compliant: Type.Boolean()
})
export const CertificateReportRow = Type.Object({
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
export const pageOf = <T extends ReturnType<typeof Type.Object>>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) })
