// The rows both exam repositories answer (repository.ts on SQLite, pg-repository.ts on
// PostgreSQL): types only, so neither implementation imports the other for them.
import type { examResults, exams } from '../../db/schema.js'

export type ExamRow = typeof exams.$inferSelect
export type ExamResultRow = typeof examResults.$inferSelect
