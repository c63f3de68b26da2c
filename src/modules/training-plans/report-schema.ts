// Wire shapes of the training-plans report (/v1/reports/training-plans) and the columns of its CSV
// and xlsx files (Chinese headers).
import { Type, type TSchema } from 'typebox'
import { Id, IsoDate, PageQuery, Query, StringEnum, components } from '../../http/schemas.js'
import { FORMATS, type Column } from '../../http/report-files.js'
import type { PlanReportRow } from './report.js'

export const PLAN_STATUSES = ['filed', 'below_minimum', 'missing', 'not_due'] as const
const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()])

export const PlanReportQuery = Query({
  ...PageQuery,
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, description: '年度，默认 asOf 所在年度 year (default: the year of asOf)' })),
  agencyId: Type.Optional(Id),
  asOf: Type.Optional(IsoDate('统计日期 as of this day (default today, Asia/Shanghai)')),
  format: StringEnum(FORMATS, { default: 'json', description: 'json 分页 (paged) | csv (UTF-8 BOM, 中文表头) | xlsx; csv and xlsx hold every row and ignore limit and cursor' })
})

const PlanStatus = StringEnum(PLAN_STATUSES, {
  description: 'filed 已报送（≥60学时） | below_minimum 已报送但不足60学时 | missing 逾期未报送（已过 PLAN_DUE） | not_due 尚未报送，未到期'
})

export const PlanReportItem = Type.Object({
  agencyId: Id,
  agencyName: Type.String(),
  plan: Nullable(Type.Object({
    publicLawHours: Type.Number(),
    professionalHours: Type.Number(),
    skillsHours: Type.Number(),
    totalHours: Type.Number(),
    approvedOn: Nullable(IsoDate()),
    document: Type.String(),
    filedOn: IsoDate('报送日期（登记之日，Asia/Shanghai）the day it was filed here')
  }, { description: '本年度计划 the year\'s plan (null: none filed)' })),
  planStatus: PlanStatus,
  delivered: Type.Object({
    publicLawOnlineHours: Type.Number(),
    publicLawOfflineHours: Type.Number(),
    professionalOnlineHours: Type.Number(),
    professionalOfflineHours: Type.Number(),
    totalHours: Type.Number()
  }, { description: '本单位组织、截至 asOf 已结束的培训学时（按类别、方式）the 学时 of trainings the agency organised in the year that ended by asOf, by category and mode' }),
  offlinePublicLawShort: Type.Boolean({ description: '线下公共法律知识培训不足30学时 under 30 学时 of offline public-law training organised (000)' }),
  rotation: Type.Object({
    officers: Type.Integer({ description: '轮训检查日在岗、适用学时要求的人数 officers in training scope at the checkpoint' }),
    trained: Type.Integer({ description: '其中本年度截至检查日（及 asOf）有培训记录的人数 of whom have a training record of the year dated by the checkpoint (and asOf)' }),
    percent: Nullable(Type.Number({ description: '覆盖率（%，一位小数）' }))
  }, { description: '全员轮训覆盖 rotation coverage (003, 004: every officer trained by the end of June)' })
})

export const PlanReportPage = Type.Object({
  year: Type.Integer(),
  asOf: IsoDate(),
  planDue: IsoDate('计划报送截止日 the plan due day (PLAN_DUE)'),
  rotationCheckpoint: IsoDate('全员轮训检查日 the rotation checkpoint (ROTATION_CHECKPOINT)'),
  items: Type.Array(PlanReportItem),
  nextCursor: Nullable(Type.String())
})

components({ PlanReportItem, PlanReportPage })

const STATUS_LABELS: Record<PlanReportRow['planStatus'], string> = {
  filed: '已报送', below_minimum: '不足60学时', missing: '逾期未报送', not_due: '未到期'
}

export const PLAN_REPORT_COLUMNS: ReadonlyArray<Column<PlanReportRow>> = [
  { header: '执法主体编号', value: (r) => r.agencyId, width: 12 },
  { header: '执法主体', value: (r) => r.agencyName, width: 30 },
  { header: '计划公共法律知识学时', value: (r) => r.plan?.publicLawHours ?? null },
  { header: '计划业务知识学时', value: (r) => r.plan?.professionalHours ?? null },
  { header: '计划行政执法技能学时', value: (r) => r.plan?.skillsHours ?? null },
  { header: '计划总学时', value: (r) => r.plan?.totalHours ?? null },
  { header: '计划印发日期', value: (r) => r.plan?.approvedOn ?? null },
  { header: '计划文号', value: (r) => r.plan?.document ?? null, width: 24 },
  { header: '计划状态', value: (r) => STATUS_LABELS[r.planStatus], width: 12 },
  { header: '计划状态代码', value: (r) => r.planStatus },
  { header: '线上公共法律知识学时', value: (r) => r.delivered.publicLawOnlineHours },
  { header: '线下公共法律知识学时', value: (r) => r.delivered.publicLawOfflineHours },
  { header: '线上业务培训学时', value: (r) => r.delivered.professionalOnlineHours },
  { header: '线下业务培训学时', value: (r) => r.delivered.professionalOfflineHours },
  { header: '已组织培训总学时', value: (r) => r.delivered.totalHours },
  { header: '线下公共法律知识不足30学时', value: (r) => (r.offlinePublicLawShort ? '是' : '否') },
  { header: '应轮训人数', value: (r) => r.rotation.officers },
  { header: '已轮训人数', value: (r) => r.rotation.trained },
  { header: '轮训覆盖率(%)', value: (r) => r.rotation.percent },
  { header: '报送日期', value: (r) => r.plan?.filedOn ?? null }
]
