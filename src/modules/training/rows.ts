// The rows, inputs and filters both training repositories share (repository.ts on SQLite,
// pg-repository.ts on PostgreSQL): types only, so neither implementation imports the other for them.
import type { trainingRecords, trainings } from '../../db/schema.js'
import type { ServiceGap } from '../../domain/training.js'

/** What crediting an officer's training needs (domain CreditFacts). */
export interface CreditOfficer { id: number, agencyId: number, status: 'active' | 'departed', departedOn: string | null, gaps: ServiceGap[] }

export type TrainingRow = typeof trainings.$inferSelect
export type NewTrainingRow = typeof trainings.$inferInsert
export type RecordRow = typeof trainingRecords.$inferSelect
export type NewRecordRow = typeof trainingRecords.$inferInsert
export type Category = TrainingRow['category']

export interface TrainingFilter { year?: number | undefined, category?: Category | undefined, agencyId?: number | undefined }
export interface RecordFilter { officerId?: number | undefined, year?: number | undefined, category?: Category | undefined }

/** A record with the title and provider of its training, when it is an attendance. */
export type RecordWithTraining = { record: RecordRow, trainingTitle: string | null, trainingProvider: string | null }
