// Wire shapes of 年度培训计划 (yearly training plans); the report's: report-schema.ts.
import { Type, type TSchema } from 'typebox'
import { Body, COMPONENT, Id, IsoDate, PageQuery, Query, Text, Timestamp, components, withExample, PLACEHOLDER } from '../../http/schemas.js'

const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()])
const Year = Type.Integer({ minimum: 2000, maximum: 2100, description: '计划年度 the plan\'s year' })

// 学时 as trainings take them: a JSON number or a decimal string ("12.5"), at most one decimal.
// Negative, finer or above 1000 学时: 422 PLAN_HOURS_INVALID naming the field. One component.
const Hours = (description: string) => Type.Union([
  Type.Number(),
  Type.String({ pattern: '^\\s*-?\\d{1,7}(\\.\\d+)?\\s*$' })
], { description, [COMPONENT]: 'PlanHours' })
components({ PlanHours: Hours('学时: a number or a decimal string, at most one decimal (0.1 学时 = 6 minutes), 0 to 1000') })

const planFields = {
  publicLawHours: Hours('公共法律知识学时 public-law knowledge'),
  professionalHours: Hours('业务知识学时 professional knowledge'),
  skillsHours: Hours('行政执法技能学时 enforcement skills'),
  approvedOn: Type.Optional(Nullable(IsoDate('印发（批准）日期 the day the plan was adopted'))),
  document: Text({ maxLength: 200, description: '计划文号 the number of the document that adopted the plan, e.g. 太司发〔2026〕12号' }),
  note: Type.Optional(Nullable(Text({ maxLength: 2000, lines: true, description: '备注 note' })))
}

export const CreatePlan = Body({ year: Year, ...planFields }, '年度培训计划 A yearly training plan (003: ≥ 60 学时 covering public law, professional knowledge and enforcement skills)')
export const CorrectPlan = Body(planFields, '更正年度培训计划 The plan as it should read: every field is replaced (approvedOn and note left out become null)')

export const PlanParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1, description: '执法主体编号 the agency', examples: [PLACEHOLDER.id] }),
  // Any year reads as a lookup: a plan of a year none can have is simply not found (404).
  year: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1, description: '计划年度 the plan\'s year', examples: [2026] })
})
export const PlanListQuery = Query({ ...PageQuery })

export const TrainingPlan = Type.Object({
  id: Id,
  agencyId: Id,
  year: Type.Integer(),
  publicLawHours: Type.Number({ description: '公共法律知识学时' }),
  professionalHours: Type.Number({ description: '业务知识学时' }),
  skillsHours: Type.Number({ description: '行政执法技能学时' }),
  totalHours: Type.Number({ description: '计划总学时' }),
  publicLawUnits: Type.Integer({ description: 'exact units of 1/90 学时' }),
  professionalUnits: Type.Integer(),
  skillsUnits: Type.Integer(),
  totalUnits: Type.Integer(),
  meetsMinimum: Type.Boolean({ description: '是否达到 60 学时 whether the plan reaches 60 学时' }),
  approvedOn: Nullable(IsoDate()),
  document: Type.String({ description: '计划文号' }),
  note: Nullable(Type.String()),
  version: Type.Integer({ description: '版本，与 ETag 相同 the version, as in the ETag' }),
  createdAt: Timestamp,
  updatedAt: Nullable(Timestamp)
})

withExample(CreatePlan, {
  year: 2026, publicLawHours: 30, professionalHours: 20, skillsHours: 10, approvedOn: PLACEHOLDER.date, document: '太市监发〔2026〕8号', note: '含线下公共法律知识培训 30 学时'
})
withExample(CorrectPlan, { publicLawHours: 30, professionalHours: 20, skillsHours: 12, approvedOn: PLACEHOLDER.date, document: '太市监发〔2026〕8号' })

components({ TrainingPlan })
