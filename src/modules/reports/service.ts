// Reports over the whole registry, in the caller's scope. The training-compliance report reads
// the maintained officer-year totals (one row per officer), evaluates each officer with the
// domain rules and yields rows batch by batch (an async generator, one read transaction per
// batch), so JSON pages, CSV and xlsx share one path and a large report streams in bounded
// memory without holding a read open while the rows go out.
import type { Config } from '../../config.js'
import { compliantFrom, notApplicable, ruleForYear, type TrainingEvaluation, type TrainingStatus } from '../../domain/compliance.js'
import { shanghaiDate } from '../../domain/dates.js'
import { unitsToHours } from '../../domain/hours.js'
import { evaluationPeriod, scopeDay, trainingEvaluator, trainingScopeTest } from '../../domain/training.js'
import { fail } from '../../errors.js'
import type { Actor } from '../../security/roles.js'
import { agencyRepository } from '../agencies/repository.js'
import type { ServiceContext } from '../context.js'
import { assertPlausibleDate, assertPlausibleYear } from '../date-checks.js'
import { certificatesReport, staffingReport } from './registry-reports.js'
import { reportRepository, type Candidate } from './repository.js'
import { statistics, type Statistics, type StatisticsQuery } from './statistics.js'

export interface ComplianceQuery {
  year?: number | undefined
  asOf?: string | undefined
  agencyId?: number | undefined
  /** Only these standings; all when absent. */
  statuses?: readonly TrainingStatus[] | undefined
  /** Only officers graded so in the 年度考核 of gradeYear (default: the report's year). */
  grades?: readonly Grade[] | undefined
  gradeYear?: number | undefined
}

export type Grade = 'excellent' | 'competent' | 'basically_competent' | 'incompetent'

export interface ComplianceRow {
  id: number
  officerId: number
  name: string
  employeeNo: string | null
  agencyId: number
  agencyName: string
  year: number
  publicLawHours: number
  professionalHours: number
  publicLawUnits: number
  professionalUnits: number
  requiredPublicLawHours: number
  requiredProfessionalHours: number
  publicLawDeficitHours: number
  professionalDeficitHours: number
  publicLawDeficitUnits: number
  professionalDeficitUnits: number
  ruleVersion: string | null
  compliant: boolean
  status: TrainingStatus
}

export interface ComplianceReport {
  year: number
  asOf: string
  ruleVersion: string | null
  /** Rows in officer-id order, a batch at a time, starting after `afterId`; each batch is read
   *  in a read transaction of its own, when the consumer asks for it. */
  batches (afterId?: number): AsyncGenerator<ComplianceRow[]>
}

const BATCH = 1000

export function reportsService (ctx: ServiceContext) {
  const { store, config, clock } = ctx
  const service = {
    /** Rule 4 today for every active agency in scope (or under `agencyId`), shortfalls first;
     *  NOT_FOUND for an agency out of scope. */
    staffing: async (actor: Actor, agencyId?: number) => {
      const today = shanghaiDate(clock())
      return store.read(async (db) => staffingReport(db, actor, today, agencyId))
    },

    /** Certificates to act on today: awaiting recall, in custody, suspended past their set end,
     *  and live ones ending within `days`. */
    certificates: async (actor: Actor, days: number) => {
      const today = shanghaiDate(clock())
      return store.read(async (db) => certificatesReport(db, actor, today, days))
    },

    /** The training-compliance report for a year (default: the year of asOf) as of a day
     *  (default today, Asia/Shanghai): every officer at a post on the scope day, both buckets;
     *  those to whom no minimum applies (auxiliary, police when TRAINING_INCLUDES_POLICE is off,
     *  no rule that year) as not_applicable. AGENCY_OUT_OF_SCOPE, DATE_OUT_OF_RANGE (a year or
     *  asOf before 1949-10-01 or after next year). */
    async trainingCompliance (actor: Actor, q: ComplianceQuery): Promise<ComplianceReport> {
      const today = shanghaiDate(clock())
      assertPlausibleYear('year', q.year, 'planned', today, 'querystring')
      assertPlausibleDate('asOf', q.asOf, 'planned', today, 'querystring')
      const { year, asOf, recordsUpTo } = evaluationPeriod(q, today)
      const agencyId = q.agencyId
      const agency = agencyId === undefined
        ? undefined
        : (await store.read(async (db) => agencyRepository.findById(db, actor.scope, agencyId))) ??
          fail('AGENCY_OUT_OF_SCOPE', `agency ${agencyId} not found`, { errors: [{ in: 'querystring', pointer: '/agencyId', detail: 'not found in your scope' }] })
      const rule = ruleForYear(config.TRAINING_RULES, year)
      assertPlausibleYear('gradeYear', q.gradeYear, 'planned', today, 'querystring')
      const wanted = q.statuses && q.statuses.length > 0 ? new Set(q.statuses) : null
      const includePolice = config.TRAINING_INCLUDES_POLICE
      const filter = {
        year,
        day: scopeDay(year, asOf),
        agencyPath: agency?.path,
        recordsUpTo: recordsUpTo ?? undefined,
        skipFrom: wanted !== null && !wanted.has('compliant') ? compliantFrom(rule) : undefined,
        // Only to read fewer rows: the domain rule decides who is not_applicable.
        onlyInScope: wanted !== null && !wanted.has('not_applicable') ? { police: includePolice } : undefined,
        grades: q.grades && q.grades.length > 0 ? { grades: q.grades, year: q.gradeYear ?? year } : undefined
      }
      const judge = standingJudge(config, year, asOf)
      // The same few hundred unit totals recur over thousands of officers.
      const hoursOf = new Map<number, number>()
      const hours = (units: number) => {
        let h = hoursOf.get(units)
        if (h === undefined) hoursOf.set(units, h = unitsToHours(units))
        return h
      }

      const evaluate = (c: Candidate): ComplianceRow | null => {
        const e = judge(c)
        if (wanted !== null && !wanted.has(e.status)) return null
        return {
          id: c.id,
          officerId: c.id,
          name: c.name,
          employeeNo: c.employeeNo,
          agencyId: c.agencyId,
          agencyName: c.agencyName,
          year,
          publicLawHours: hours(c.publicLawUnits),
          professionalHours: hours(c.professionalUnits),
          publicLawUnits: c.publicLawUnits,
          professionalUnits: c.professionalUnits,
          requiredPublicLawHours: hours(e.required.publicLaw),
          requiredProfessionalHours: hours(e.required.professional),
          publicLawDeficitHours: hours(e.deficits.publicLaw),
          professionalDeficitHours: hours(e.deficits.professional),
          publicLawDeficitUnits: e.deficits.publicLaw,
          professionalDeficitUnits: e.deficits.professional,
          ruleVersion: e.ruleVersion,
          compliant: e.compliant,
          status: e.status
        }
      }

      return {
        year,
        asOf,
        ruleVersion: rule?.version ?? null,
        async * batches (afterId = 0) {
          const read = reportRepository.trainingCandidates(actor.scope, filter)
          let after = afterId
          for (;;) {
            // A read of its own per batch: none is held open while the consumer sends rows out.
            const from = after
            const candidates = await store.read(async (db) => read(db, from, BATCH))
            const rows = candidates.map(evaluate).filter((r): r is ComplianceRow => r !== null)
            if (rows.length > 0) yield rows
            const last = candidates[candidates.length - 1]
            if (candidates.length < BATCH || last === undefined) return
            after = last.id
          }
        }
      }
    },

    /** The year's statistics in scope (or under `agencyId`), grouped by `groupBy`: the
     *  training-compliance report's rules and checks (AGENCY_OUT_OF_SCOPE, DATE_OUT_OF_RANGE). */
    statistics: async (actor: Actor, q: StatisticsQuery): Promise<Statistics> => {
      // The report checks what was asked (the dates, the agency) as it does for its own rows.
      const { year, asOf, ruleVersion } = await service.trainingCompliance(actor, { year: q.year, asOf: q.asOf, agencyId: q.agencyId })
      const { recordsUpTo } = evaluationPeriod({ year, asOf }, shanghaiDate(clock()))
      return await statistics(ctx, actor, q, { year, asOf, ruleVersion, recordsUpTo, judge: standingJudge(config, year, asOf) })
    }
  }
  return service
}

/** Rule 3's standing of each officer the report reads, for `year` as of `asOf` (domain
 *  trainingEvaluator): not_applicable for those out of training scope on the scope day. One
 *  judge for the report's rows and the statistics' counts. */
export function standingJudge (config: Config, year: number, asOf: string): (c: Candidate) => TrainingEvaluation {
  const rule = ruleForYear(config.TRAINING_RULES, year)
  const evaluateOne = trainingEvaluator(year, asOf, rule, config.AT_RISK_FROM)
  const inTrainingScope = trainingScopeTest(year, asOf, config.TRAINING_INCLUDES_POLICE)
  const outOfScope = notApplicable(year)
  return (c) => inTrainingScope({ status: c.status, joinedOn: c.joinedOn, departedOn: c.departedOn, auxiliary: c.auxiliary === 1, police: c.police === 1 })
    ? evaluateOne(c.joinedOn, c.publicLawUnits, c.professionalUnits)
    : outOfScope
}

/** Takes up to `limit` rows from a report, after `afterId`. */
export async function firstRows (report: ComplianceReport, afterId: number, limit: number): Promise<ComplianceRow[]> {
  const out: ComplianceRow[] = []
  for await (const batch of report.batches(afterId)) {
    for (const row of batch) {
      out.push(row)
      if (out.length >= limit) return out
    }
  }
  return out
}

export type ReportsService = ReturnType<typeof reportsService>
