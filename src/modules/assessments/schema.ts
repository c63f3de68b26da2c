// Wire shapes of 年度考核 (annual assessments).
import { Type } from 'typebox'
import { Body, Id, PageQuery, Query, StringEnum, Timestamp, components, PLACEHOLDER, withExample } from '../../http/schemas.js'

export const GRADES = ['excellent', 'competent', 'basically_competent', 'incompetent'] as const
export type AssessmentGrade = typeof GRADES[number]
const Grade = StringEnum(GRADES, { description: 'excellent 优秀 | competent 称职 | basically_competent 基本称职 | incompetent 不称职' })
const Year = Type.Integer({ minimum: 2000, maximum: 2100, description: '考核年度 year assessed' })
export const Assessment = Type.Object({ id: Id, officerId: Id, year: Type.Integer(), grade: Grade, createdAt: Timestamp })
components({ Assessment })

export const RecordAssessment = withExample(Body({ officerId: Id, year: Year, grade: Grade }), { officerId: PLACEHOLDER.id, year: 2025, grade: 'competent' })
export const AssessmentQuery = Query({ ...PageQuery, officerId: Type.Optional(Id), year: Type.Optional(Year) })
