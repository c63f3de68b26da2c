// The row both assessment repositories answer (repository.ts on SQLite, pg-repository.ts on
// PostgreSQL): types only, so neither implementation imports the other for it.
import type { assessments } from '../../db/schema.js'

export type AssessmentRow = typeof assessments.$inferSelect
