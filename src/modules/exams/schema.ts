// Wire shapes of 资格考试 (exam sessions and results).
import { Type } from 'typebox'
import { Body, Id, IsoDate, Text, Timestamp, components, PLACEHOLDER, withExample } from '../../http/schemas.js'

export const Exam = Type.Object({ id: Id, name: Type.String(), date: IsoDate(), passMark: Type.Integer(), createdAt: Timestamp })
export const Result = Type.Object({ id: Id, examId: Id, officerId: Id, score: Type.Integer(), passed: Type.Boolean(), createdAt: Timestamp })
components({ Exam, ExamResult: Result })

export const CreateExam = withExample(Body({
  name: Text({ maxLength: 200, description: '名称, e.g. 2026年上半年行政执法资格考试' }),
  date: IsoDate('考试日期 exam date'),
  passMark: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: '及格分 pass mark' }))
}), { name: '2026年下半年行政执法资格考试', date: PLACEHOLDER.date, passMark: 60 })

export const RecordResult = withExample(Body({
  officerId: Id,
  score: Type.Integer({ minimum: 0, maximum: 100, description: '分数 score' }),
  passed: Type.Optional(Type.Boolean({ description: '是否通过 passed (checked against the score)' }))
}), { officerId: PLACEHOLDER.id, score: 86 })
