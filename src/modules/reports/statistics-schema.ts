// Wire shapes of the statistics (GET /v1/reports/statistics), and the columns of their CSV and
// xlsx files: one row per bucket and the total last, under Chinese headers.
import { Type } from 'typebox'
import { GROUP_BY } from '../../domain/statistics.js'
import { Id, IsoDate, PageQuery, Query, StringEnum, components } from '../../http/schemas.js'
import { FORMATS, type Column } from '../../http/report-files.js'
import type { StatisticsBucket } from './statistics.js'

const Count = (description: string) => Type.Integer({ minimum: 0, description })

export const StatisticsQuery = Query({
  ...PageQuery,
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, description: '统计年度，默认 asOf 所在年度 year (default: the year of asOf, which defaults to today, Asia/Shanghai)' })),
  asOf: Type.Optional(IsoDate('统计日期 count as of this day (default today)')),
  agencyId: Type.Optional(Id),
  groupBy: StringEnum(GROUP_BY, {
    default: 'agency',
    description: '分组 group by: agency 执法主体 | region 行政区划（区县）| level 层级 | domain 执法领域（主体有多个领域时分别计入，各组之和可大于合计）| kind 主体类别'
  }),
  format: StringEnum(FORMATS, { default: 'json', description: 'json 分页 (paged buckets, the total on every page) | csv (UTF-8 BOM, 中文表头) | xlsx; csv and xlsx hold every bucket and the total' })
})

const Rate = Type.Object({
  numerator: Type.Integer({ minimum: 0 }),
  denominator: Type.Integer({ minimum: 0 }),
  percent: Type.Union([Type.Number(), Type.Null()], { description: '百分比，四舍五入保留一位小数（仅在显示时舍入一次）；分母为 0 时为 null the percentage, rounded once to one decimal; null when the denominator is 0' })
}, { description: '比率 a rate kept exact: numerator / denominator' })

export const StatisticsBucketSchema = Type.Object({
  key: Type.String({ description: '分组键：主体编号、行政区划代码、层级、领域或类别 the group key' }),
  label: Type.String({ description: '分组名称 the group\'s name' }),
  agencies: Type.Object({
    total: Count('执法主体总数（含已合并、已撤销）all agencies, ended ones included'),
    active: Count('存续 active'),
    confirmed: Count('资格确认有效 confirmed on the day counted (rule 5)'),
    confirmationDue: Count('本年度待确认 this year\'s confirmation due'),
    merged: Count('已合并 merged'),
    dissolved: Count('已撤销 dissolved')
  }),
  officers: Type.Object({
    active: Count('在岗人员 serving on the day counted'),
    auxiliary: Count('其中辅助人员 auxiliary'),
    police: Count('其中人民警察 police'),
    legalReviewers: Count('其中法制审核人员 legal reviewers'),
    supervisors: Count('其中执法监督人员 supervisors')
  }),
  certificates: Type.Object({
    live: Count('有效证件（正常或暂扣，未过期）live on the day counted'),
    active: Count('正常 active'),
    suspended: Count('暂扣 suspended'),
    issued: Count('本年度发证 issued in the year'),
    revoked: Count('本年度吊销 revoked in the year'),
    cancelled: Count('本年度注销 cancelled in the year'),
    awaitingRecall: Count('待收回 cards awaiting recall')
  }),
  training: Type.Object({
    compliant: Count('已达标 compliant'),
    onTrack: Count('进度正常 on track'),
    atRisk: Count('进度落后 at risk'),
    nonCompliant: Count('未达标 non-compliant'),
    notApplicable: Count('不适用（不计入达标率）not applicable'),
    applicable: Count('应参训人数（达标率分母）officers a minimum applies to'),
    complianceRate: Rate,
    averageHours: Type.Union([Type.Number(), Type.Null()], { description: '应参训人员人均学时（两类合计，保留一位小数）average 学时 of those a minimum applies to' })
  }),
  staffing: Type.Object({
    agencies: Count('适用 5% 规则的存续主体 active agencies'),
    shortfallAgencies: Count('法制审核人员不足 5% 的主体 agencies short of legal reviewers'),
    reviewersShort: Count('法制审核人员缺口合计 reviewers missing in all')
  }),
  assessments: Type.Object({
    excellent: Count('优秀'),
    competent: Count('称职'),
    basicallyCompetent: Count('基本称职'),
    incompetent: Count('不称职')
  })
}, { description: '一个分组的统计 the figures of one group' })

export const StatisticsPage = Type.Object({
  year: Type.Integer(),
  asOf: IsoDate(),
  countedOn: IsoDate('人数、证件、配备与确认的统计日（asOf，或已结束年度的 12 月 31 日）the day headcounts, live cards, staffing and confirmations are counted on'),
  groupBy: StringEnum(GROUP_BY),
  ruleVersion: Type.Union([Type.String(), Type.Null()]),
  total: StatisticsBucketSchema,
  items: Type.Array(StatisticsBucketSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  certificatesByMonth: Type.Array(Type.Object({
    month: Type.String({ description: 'YYYY-MM' }),
    expiring: Count('当月到期（正常或暂扣状态）live-status certificates whose last valid day is in the month'),
    awaitingRecall: Count('当月发起且尚未收回 open recalls opened in the month')
  }))
})

components({ StatisticsBucket: StatisticsBucketSchema, StatisticsPage })

export const STATISTICS_COLUMNS: ReadonlyArray<Column<StatisticsBucket>> = [
  { header: '分组', value: (b) => b.key, width: 10 },
  { header: '名称', value: (b) => b.label, width: 30 },
  { header: '执法主体总数', value: (b) => b.agencies.total },
  { header: '存续主体', value: (b) => b.agencies.active },
  { header: '资格确认有效', value: (b) => b.agencies.confirmed },
  { header: '本年度待确认', value: (b) => b.agencies.confirmationDue },
  { header: '已合并', value: (b) => b.agencies.merged },
  { header: '已撤销', value: (b) => b.agencies.dissolved },
  { header: '在岗人员', value: (b) => b.officers.active },
  { header: '辅助人员', value: (b) => b.officers.auxiliary },
  { header: '人民警察', value: (b) => b.officers.police },
  { header: '法制审核人员', value: (b) => b.officers.legalReviewers },
  { header: '执法监督人员', value: (b) => b.officers.supervisors },
  { header: '有效证件', value: (b) => b.certificates.live },
  { header: '正常', value: (b) => b.certificates.active },
  { header: '暂扣', value: (b) => b.certificates.suspended },
  { header: '本年度发证', value: (b) => b.certificates.issued },
  { header: '本年度吊销', value: (b) => b.certificates.revoked },
  { header: '本年度注销', value: (b) => b.certificates.cancelled },
  { header: '待收回证件', value: (b) => b.certificates.awaitingRecall },
  { header: '学时已达标', value: (b) => b.training.compliant },
  { header: '进度正常', value: (b) => b.training.onTrack },
  { header: '进度落后', value: (b) => b.training.atRisk },
  { header: '学时未达标', value: (b) => b.training.nonCompliant },
  { header: '不适用', value: (b) => b.training.notApplicable },
  { header: '应参训人数', value: (b) => b.training.applicable },
  { header: '达标率(%)', value: (b) => b.training.complianceRate.percent },
  { header: '人均学时', value: (b) => b.training.averageHours },
  { header: '审核人员不足5%的主体', value: (b) => b.staffing.shortfallAgencies },
  { header: '审核人员缺口', value: (b) => b.staffing.reviewersShort },
  { header: '考核优秀', value: (b) => b.assessments.excellent },
  { header: '考核称职', value: (b) => b.assessments.competent },
  { header: '考核基本称职', value: (b) => b.assessments.basicallyCompetent },
  { header: '考核不称职', value: (b) => b.assessments.incompetent }
]
