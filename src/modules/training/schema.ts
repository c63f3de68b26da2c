// Wire shapes of training (学时): trainings, attendances, external records and the summary.
import { Type, type TSchema } from 'typebox'
import { Body, Id, IsoDate, PageQuery, Query, StringEnum, Text, Timestamp, components, PLACEHOLDER, withExample } from '../../http/schemas.js'

export const CATEGORIES = ['public_law', 'professional'] as const
export const MODES = ['online', 'offline'] as const
export const RULES = ['hours', 'minutes_45'] as const
export const STATUSES = ['compliant', 'on_track', 'at_risk', 'non_compliant', 'not_applicable'] as const
export const OUTCOMES = ['recorded', 'already_recorded', 'not_found', 'officer_departed'] as const

const Category = StringEnum(CATEGORIES, { description: 'public_law 公共法律知识 | professional 专业法律知识和执法技能' })
const Rule = StringEnum(RULES, { description: 'hours 按所列学时 (as stated) | minutes_45 按 45 分钟折算 1 学时 (minutes ÷ 45)' })
const Year = Type.Integer({ minimum: 2000, maximum: 2100, description: '年度 calendar year (Asia/Shanghai)' })
const Nullable = <T extends TSchema>(s: T, description?: string) => Type.Union([s, Type.Null()], description === undefined ? {} : { description })

// Hours as a JSON number or a decimal string ("1.5"), at most one decimal; or whole minutes.
// Exactly one of the two (HOURS_OR_MINUTES otherwise); null counts as absent.
const duration = {
  hours: Type.Optional(Type.Union([
    Type.Number({ minimum: 0, maximum: 1000 }),
    Type.String({ pattern: '^\\s*\\d{1,4}(\\.\\d+)?\\s*$' }),
    Type.Null()
  ], { description: '学时 credit hours, at most one decimal (0.1 = 6 minutes); give this or minutes' })),
  minutes: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 45000 }), Type.Null()], {
    description: '时长（分钟）duration in whole minutes, converted at 45 minutes = 1 学时; give this or hours'
  }))
}

// How a figure became units: the raw figure as given, the rule, the exact units, the 学时.
const conversion = {
  hours: Nullable(Type.Number({ description: '所列学时 hours as given' })),
  minutes: Nullable(Type.Integer({ description: '所列分钟 minutes as given' })),
  rule: Rule,
  units: Type.Integer({ description: '折算单位 exact units of 1/90 学时' }),
  creditHours: Type.Number({ description: '计入学时 the 学时 credited (units / 90, rounded to 2 decimals for display)' })
}

export const Training = Type.Object({
  id: Id,
  title: Type.String(),
  category: Category,
  ...conversion,
  startDate: IsoDate(),
  endDate: IsoDate(),
  year: Type.Integer({ description: '计入年度 the year of endDate' }),
  mode: StringEnum(MODES, { description: 'online 线上 | offline 线下' }),
  provider: Type.String(),
  agencyId: Nullable(Id),
  organizerAgencyId: Nullable(Id, '组织单位 the organiser: the same as agencyId (null: open to every agency)'),
  createdAt: Timestamp
})

export const CreateTraining = Body({
  title: Text({ maxLength: 200, description: '培训名称 title' }),
  category: Category,
  ...duration,
  startDate: IsoDate('开始日期 first day'),
  endDate: IsoDate('结束日期 last day: the training counts in this year'),
  mode: StringEnum(MODES, { description: 'online 线上 | offline 线下' }),
  provider: Text({ maxLength: 200, description: '主办单位 provider, e.g. 市司法局' }),
  agencyId: Type.Optional(Nullable(Id)),
  organizerAgencyId: Type.Optional(Nullable(Id, '组织单位 the organiser: another name for agencyId (give either; both must agree)'))
}, '培训（课程或班次）A training. agencyId (or organizerAgencyId): the organiser, in your scope; omitted, your own agency; null (admin only): open to all')

export const TrainingQuery = Query({
  ...PageQuery,
  year: Type.Optional(Year),
  category: Type.Optional(Category),
  agencyId: Type.Optional(Id)
})

export const CreateAttendances = Body({
  officerIds: Type.Array(Id, { minItems: 1, maxItems: 10000, description: '参训人员编号 officers who attended (up to 10,000 per call)' })
})

export const AttendanceResult = Type.Object({
  trainingId: Id,
  recorded: Type.Integer({ description: '本次新登记 newly recorded' }),
  alreadyRecorded: Type.Integer({ description: '此前已登记（不重复计入）already recorded, not counted twice' }),
  rejected: Type.Integer({ description: '未登记 refused (see results)' }),
  results: Type.Array(Type.Object({
    officerId: Type.Integer(),
    outcome: StringEnum(OUTCOMES, {
      description: 'recorded 已登记 | already_recorded 已存在 | not_found 人员不存在或不在权限范围 | officer_departed 培训结束日人员已离岗 had left by the day the training ended'
    }),
    recordId: Type.Optional(Id)
  }), { description: '逐人结果，顺序同请求 one result per id, in request order' })
})

export const Attendee = Type.Object({
  recordId: Id,
  officerId: Id,
  officerName: Type.String(),
  agencyId: Id,
  createdAt: Timestamp
})

export const CreateTrainingRecord = Body({
  officerId: Id,
  category: Category,
  ...duration,
  date: IsoDate('完成日期 completion date: the record counts in this year'),
  evidence: Text({ maxLength: 2000, lines: true, description: '证明材料 evidence, e.g. certificate number or file reference' }),
  title: Type.Optional(Text({ maxLength: 200, description: '培训名称 title' })),
  provider: Type.Optional(Text({ maxLength: 200, description: '主办单位 provider' }))
}, '个人外部培训记录 An officer\'s external training, with evidence')

export const TrainingRecord = Type.Object({
  id: Id,
  officerId: Id,
  source: StringEnum(['training', 'external'] as const, { description: 'training 参加登记的培训 | external 个人外部培训' }),
  trainingId: Nullable(Id),
  category: Category,
  ...conversion,
  explanation: Type.String({ description: '折算说明 how the 学时 were derived' }),
  date: IsoDate('完成日期 completion date'),
  year: Type.Integer(),
  title: Nullable(Type.String()),
  provider: Nullable(Type.String()),
  evidence: Nullable(Type.String()),
  createdAt: Timestamp
})

export const RecordQuery = Query({
  ...PageQuery,
  officerId: Type.Optional(Id),
  year: Type.Optional(Year),
  category: Type.Optional(Category)
})

const Pair = (description: string) => Type.Object({
  publicLawHours: Type.Number(),
  professionalHours: Type.Number(),
  publicLawUnits: Type.Integer(),
  professionalUnits: Type.Integer()
}, { description })

export const SummaryQuery = Query({
  year: Type.Optional(Year),
  asOf: Type.Optional(IsoDate('评估日期 evaluate as of this day (default today, Asia/Shanghai)'))
})

export const TrainingSummary = Type.Object({
  officerId: Id,
  year: Type.Integer(),
  asOf: IsoDate(),
  inScope: Type.Boolean({ description: '是否适用学时要求：在岗、非辅助人员（人民警察亦适用，除非 TRAINING_INCLUDES_POLICE=false） whether rule 3 applies (active on asOf or 31 December, not auxiliary; police included unless TRAINING_INCLUDES_POLICE=false); when false no minimum applies and the status is not_applicable' }),
  publicLawHours: Type.Number({ description: '公共法律知识学时 public-law 学时 credited this year' }),
  professionalHours: Type.Number({ description: '专业法律知识和执法技能学时 professional 学时 credited this year' }),
  publicLawUnits: Type.Integer({ description: 'the same in exact units of 1/90 学时' }),
  professionalUnits: Type.Integer(),
  unit: Type.Object({
    name: Type.String(),
    perHour: Type.Integer(),
    perMinute: Type.Integer()
  }, { description: '计算单位 1 unit = 1/90 学时: 0.1 学时 = 9 units, 1 minute = 2 units' }),
  rule: Nullable(Type.Object({
    version: Type.String(),
    effectiveFrom: Type.Integer(),
    publicLawHours: Type.Number(),
    professionalHours: Type.Number(),
    proRateJoiners: Type.Boolean()
  }, { description: '适用的学时规则 the rule applied (null: none applies)' })),
  ruleVersion: Nullable(Type.String()),
  required: Pair('应达学时 the minimums owed this year (pro-rated for a joiner when the rule says so)'),
  expectedByNow: Pair('按进度应达学时 the share of the minimums expected by asOf'),
  deficits: Pair('差额 what is still missing'),
  compliant: Type.Boolean(),
  status: StringEnum(STATUSES, {
    description: 'compliant 已达标 | on_track 进度正常 | at_risk 进度落后（自 AT_RISK_FROM 起，默认 7月1日） | non_compliant 年度未达标 | not_applicable 不适用：本年度无学时要求（辅助人员、未纳入的人民警察、当年不在岗），不计入达标率'
  }),
  records: Type.Object({
    publicLaw: Type.Array(TrainingRecord),
    professional: Type.Array(TrainingRecord)
  }, { description: '构成各项学时的记录及折算 the records behind each number, with their conversion' })
})

withExample(CreateTraining, {
  title: '2026年度行政执法人员公共法律知识培训', category: 'public_law', hours: 16, startDate: PLACEHOLDER.date, endDate: PLACEHOLDER.date, mode: 'offline', provider: '太原市司法局', agencyId: PLACEHOLDER.id
})
withExample(CreateAttendances, { officerIds: [PLACEHOLDER.id] })
withExample(CreateTrainingRecord, {
  officerId: PLACEHOLDER.id, category: 'professional', hours: 8, date: PLACEHOLDER.date, evidence: '山西省行政执法人员网络培训平台结业证书 2026-0457', title: '市场监管执法实务', provider: '山西省市场监督管理局'
})

components({ Training, TrainingRecord, TrainingSummary, AttendanceResult })
