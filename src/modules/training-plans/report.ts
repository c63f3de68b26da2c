// The training-plans report (/v1/reports/training-plans, and the nightly's agenciesWithoutPlan):
// for every active agency in scope, its plan for the year and the plan's status as of a day,
// the 学时 of the trainings it organised (by category and mode), whether its offline public-law
// training reaches 30 学时 (000), and 全员轮训 coverage at the checkpoint (003, 004). Agencies are
// read a batch at a time by id, each batch in a read transaction of its own, with one grouped
// query per figure (domain/training-plans.ts decides every status and share).
import { compareDates, shanghaiDate, yearOf } from '../../domain/dates.js'
import { unitsToHours } from '../../domain/hours.js'
import {
  offlinePublicLawShort, planDueDay, planOnFile, planStatus, planTotal, rotationCheckpointDay, rotationCountedUpTo, rotationCoverage,
  type PlanStatus, type RotationCoverage
} from '../../domain/training-plans.js'
import { trainingScopeTest } from '../../domain/training.js'
import { fail } from '../../errors.js'
import type { Actor } from '../../security/roles.js'
import { agencyRepository } from '../agencies/repository.js'
import type { ServiceContext } from '../context.js'
import { assertPlausibleDate, assertPlausibleYear } from '../date-checks.js'
import { planRepository, type DeliveredUnits, type PlanRow, type ReportFilter, type RotationGroup } from './repository.js'

/** One row of the report, as its JSON items are. */
export interface PlanReportRow {
  agencyId: number
  agencyName: string
  plan: { publicLawHours: number, professionalHours: number, skillsHours: number, totalHours: number, approvedOn: string | null, document: string, filedOn: string } | null
  planStatus: PlanStatus
  delivered: { publicLawOnlineHours: number, publicLawOfflineHours: number, professionalOnlineHours: number, professionalOfflineHours: number, totalHours: number }
  offlinePublicLawShort: boolean
  rotation: RotationCoverage
}

export interface PlanReportQuery {
  year?: number | undefined
  asOf?: string | undefined
  agencyId?: number | undefined
}

export interface PlanReport {
  year: number
  asOf: string
  planDue: string
  rotationCheckpoint: string
  /** Up to `limit` rows in agency-id order after agency `afterId`, each keyed by its agency id. */
  read (afterId: number, limit: number): Promise<Array<PlanReportRow & { id: number }>>
  /** Every row from agency `afterId` on, a batch at a time. */
  batches (afterId?: number): AsyncGenerator<PlanReportRow[]>
}

const BATCH = 500

const sumUnits = (rows: readonly DeliveredUnits[], category: DeliveredUnits['category'], mode: DeliveredUnits['mode']) =>
  rows.reduce((n, r) => (r.category === category && r.mode === mode ? n + r.units : n), 0)

const byAgency = <T extends { agencyId: number }>(rows: readonly T[]): Map<number, T[]> => {
  const out = new Map<number, T[]>()
  for (const r of rows) out.set(r.agencyId, [...(out.get(r.agencyId) ?? []), r])
  return out
}

export function planReportService ({ store, config, clock }: ServiceContext) {
  return {
    /** The report for a year (default: the year of asOf) as of a day (default today, Asia/Shanghai):
     *  AGENCY_OUT_OF_SCOPE, DATE_OUT_OF_RANGE (a year or asOf before 1949-10-01 or after next year). */
    async report (actor: Actor, q: PlanReportQuery): Promise<PlanReport> {
      const today = shanghaiDate(clock())
      assertPlausibleYear('year', q.year, 'planned', today, 'querystring')
      assertPlausibleDate('asOf', q.asOf, 'planned', today, 'querystring')
      const asOf = q.asOf ?? today
      const year = q.year ?? yearOf(asOf)
      const agencyId = q.agencyId
      const root = agencyId === undefined
        ? undefined
        : (await store.read(async (db) => await agencyRepository.findById(db, actor.scope, agencyId))) ??
          fail('AGENCY_OUT_OF_SCOPE', `agency ${agencyId} not found`, { errors: [{ in: 'querystring', pointer: '/agencyId', detail: 'not found in your scope' }] })
      const planDue = planDueDay(year, config.PLAN_DUE)
      const checkpoint = rotationCheckpointDay(year, config.ROTATION_CHECKPOINT)
      const filter: ReportFilter = {
        year,
        rotationDay: checkpoint,
        trainedBy: rotationCountedUpTo(checkpoint, asOf),
        // A training planned to end later has not been delivered, whatever day is asked.
        deliveredBy: compareDates(asOf, today) < 0 ? asOf : today
      }
      const inTrainingScope = trainingScopeTest(year, checkpoint, config.TRAINING_INCLUDES_POLICE)

      const rowOf = (agency: { id: number, name: string }, stored: PlanRow | undefined, delivered: readonly DeliveredUnits[], groups: readonly RotationGroup[]): PlanReportRow & { id: number } => {
        // A plan filed after asOf was not there on asOf (as a training ended later was not
        // delivered): as of then, the agency had none. (A correction made later shows as made.)
        const filedOn = stored === undefined ? undefined : shanghaiDate(new Date(stored.createdAt))
        const plan = filedOn !== undefined && planOnFile(filedOn, asOf) ? stored : undefined
        const units = plan === undefined ? null : { publicLaw: plan.publicLawUnits, professional: plan.professionalUnits, skills: plan.skillsUnits }
        const publicLawOffline = sumUnits(delivered, 'public_law', 'offline')
        // The SQL counted officers at their post on the checkpoint; the domain decides who owes training.
        const owed = groups.filter((g) => inTrainingScope({ status: 'active', joinedOn: null, departedOn: null, auxiliary: g.auxiliary, police: g.police }))
        return {
          id: agency.id,
          agencyId: agency.id,
          agencyName: agency.name,
          plan: plan === undefined || units === null
            ? null
            : {
                publicLawHours: unitsToHours(units.publicLaw),
                professionalHours: unitsToHours(units.professional),
                skillsHours: unitsToHours(units.skills),
                totalHours: unitsToHours(planTotal(units)),
                approvedOn: plan.approvedOn,
                document: plan.document,
                filedOn: filedOn as string
              },
          planStatus: planStatus(units, year, asOf, config.PLAN_DUE),
          delivered: {
            publicLawOnlineHours: unitsToHours(sumUnits(delivered, 'public_law', 'online')),
            publicLawOfflineHours: unitsToHours(publicLawOffline),
            professionalOnlineHours: unitsToHours(sumUnits(delivered, 'professional', 'online')),
            professionalOfflineHours: unitsToHours(sumUnits(delivered, 'professional', 'offline')),
            totalHours: unitsToHours(delivered.reduce((n, r) => n + r.units, 0))
          },
          offlinePublicLawShort: offlinePublicLawShort(publicLawOffline),
          rotation: rotationCoverage(owed.reduce((n, g) => n + g.officers, 0), owed.reduce((n, g) => n + g.trained, 0))
        }
      }

      const read = async (afterId: number, limit: number) => await store.read(async (db) => {
        const agencies = await planRepository.reportAgencies(db, actor.scope, root?.path, afterId, limit)
        const ids = agencies.map((a) => a.id)
        const plans = new Map((await planRepository.plansOf(db, ids, year)).map((p) => [p.agencyId, p]))
        const delivered = byAgency(await planRepository.deliveredOf(db, ids, filter))
        const rotation = byAgency(await planRepository.rotationOf(db, ids, filter))
        return agencies.map((a) => rowOf(a, plans.get(a.id), delivered.get(a.id) ?? [], rotation.get(a.id) ?? []))
      })

      return {
        year,
        asOf,
        planDue,
        rotationCheckpoint: checkpoint,
        read,
        async * batches (afterId = 0) {
          let after = afterId
          for (;;) {
            const rows = await read(after, BATCH)
            if (rows.length > 0) yield rows.map(({ id: _id, ...row }) => row)
            const last = rows[rows.length - 1]
            if (rows.length < BATCH || last === undefined) return
            after = last.id
          }
        }
      }
    }
  }
}
