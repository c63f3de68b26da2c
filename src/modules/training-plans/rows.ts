// The rows and report figures both training-plan repositories answer (repository.ts on SQLite,
// pg-repository.ts on PostgreSQL): types only, so neither implementation imports the other for them.
import type { trainingPlans } from '../../db/schema.js'

export type PlanRow = typeof trainingPlans.$inferSelect
export type NewPlanRow = typeof trainingPlans.$inferInsert

/** A plan's changeable fields. */
export type PlanChanges = Pick<NewPlanRow, 'publicLawUnits' | 'professionalUnits' | 'skillsUnits' | 'approvedOn' | 'document' | 'note' | 'updatedAt'>

/** An agency a report row is for. */
export interface PlanAgency { id: number, name: string }

/** Units of the trainings an agency organised in a year, by category and mode. */
export interface DeliveredUnits {
  agencyId: number
  category: 'public_law' | 'professional'
  mode: 'online' | 'offline'
  units: number
}

/** Officers of an agency at their post on a day, grouped by the facts the training scope turns
 *  on, and how many of them have a record in the year dated on or before a day. */
export interface RotationGroup {
  agencyId: number
  auxiliary: boolean
  police: boolean
  officers: number
  trained: number
}

/** What the report reads for a batch of agencies. */
export interface ReportFilter {
  year: number
  /** Officers at their post on this day are owed the rotation (the checkpoint). */
  rotationDay: string
  /** Records dated on or before this day count as trained. */
  trainedBy: string
  /** Trainings that ended on or before this day count as delivered. */
  deliveredBy: string
}
