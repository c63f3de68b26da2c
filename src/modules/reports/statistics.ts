// The bureau's statistics for a year (GET /v1/reports/statistics): every agency in scope counted
// (domain/statistics Counts), then summed into the buckets asked for. The training standings are
// the training-compliance report's own rows (the same rules, the same reads), counted by agency;
// everything else is one GROUP BY per table, read in one transaction.
import { confirmationStanding } from '../../domain/confirmation.js'
import { endOfYear, startOfYear, yearOf } from '../../domain/dates.js'
import { evaluateStaffing } from '../../domain/staffing.js'
import {
  addCounts, agencyOn, groupCounts, monthsOf, present, shanghaiDayEnd, shanghaiYearInstants, zeroCounts,
  type AgencyPlace, type Counts, type GroupBy
} from '../../domain/statistics.js'
import { scopeDay } from '../../domain/training.js'
import type { Actor } from '../../security/roles.js'
import { agencyRepository } from '../agencies/repository.js'
import type { ServiceContext } from '../context.js'
import type { TrainingEvaluation, TrainingStatus } from '../../domain/compliance.js'
import { reportRepository, type Candidate } from './repository.js'
import { statisticsRepository as repo, type AgencyRow } from './statistics-repository.js'

export interface StatisticsQuery {
  year?: number | undefined
  asOf?: string | undefined
  agencyId?: number | undefined
  groupBy: GroupBy
}

export type StatisticsBucket = { key: string, label: string } & ReturnType<typeof present>

export interface Statistics {
  year: number
  asOf: string
  /** The day headcounts, live cards, staffing and confirmations are counted on: asOf, or
   *  31 December of a closed year (domain scopeDay). */
  countedOn: string
  groupBy: GroupBy
  ruleVersion: string | null
  total: StatisticsBucket
  buckets: StatisticsBucket[]
  /** Certificates of a live status whose last valid day falls in each month of the year, and
   *  open recalls by the month they were opened. */
  certificatesByMonth: Array<{ month: string, expiring: number, awaitingRecall: number }>
}

const TRAINING_KEY = {
  compliant: 'compliant', on_track: 'onTrack', at_risk: 'atRisk', non_compliant: 'nonCompliant', not_applicable: 'notApplicable'
} as const satisfies Record<TrainingStatus, keyof Counts['training']>
const GRADE_KEY: Record<string, keyof Counts['assessments']> = {
  excellent: 'excellent', competent: 'competent', basically_competent: 'basicallyCompetent', incompetent: 'incompetent'
}

/** An agency's serving officers: by flag, by standing, and the legal reviewers among those not
 *  auxiliary (rule 4's headcount is the serving less the auxiliary). */
interface Serving { officers: Counts['officers'], training: Counts['training'], headcountReviewers: number }

/** Counts one serving officer, judged `e`, in their agency. */
function countOfficer (into: Map<number, Serving>, c: Candidate, e: TrainingEvaluation): void {
  let s = into.get(c.agencyId)
  if (s === undefined) into.set(c.agencyId, s = { officers: zeroCounts().officers, training: zeroCounts().training, headcountReviewers: 0 })
  const o = s.officers
  o.active += 1
  o.auxiliary += c.auxiliary
  o.police += c.police
  o.legalReviewers += c.legalReviewer
  o.supervisors += c.supervisor
  if (c.auxiliary === 0) s.headcountReviewers += c.legalReviewer
  s.training[TRAINING_KEY[e.status]] += 1
  if (e.status !== 'not_applicable') s.training.units += c.publicLawUnits + c.professionalUnits
}

const depthOf = (path: string) => path.split('/').length - 3

function placeOf (a: AgencyRow): AgencyPlace {
  const domains = typeof a.domains === 'string' ? JSON.parse(a.domains) as string[] : a.domains
  return { id: a.id, name: a.name, kind: a.kind, level: a.level, regionCode: a.regionCode, domains, depth: depthOf(a.path) }
}

/** The training-compliance report's period and rule for the same question (reports service). */
export interface Standings {
  readonly year: number
  readonly asOf: string
  readonly ruleVersion: string | null
  /** Count only records completed by this day (domain recordsCountedUpTo); null: the totals. */
  readonly recordsUpTo: string | null
  /** Each officer's standing, as the report judges its rows. */
  readonly judge: (c: Candidate) => TrainingEvaluation
}

const BATCH = 5000

/**
 * Counts the year for the agencies in the actor's scope (under `agencyId`, which the caller has
 * checked is in scope) and groups them by `groupBy`: one read transaction, so every figure is
 * of one snapshot; the officers' training is read a batch at a time within it.
 */
export async function statistics ({ store, config }: ServiceContext, actor: Actor, q: StatisticsQuery, standings: Standings): Promise<Statistics> {
  const { year, asOf } = standings
  const day = scopeDay(year, asOf)
  const from = startOfYear(year)
  const to = endOfYear(year)
  const instants = shanghaiYearInstants(year)
  // The day counted is over in Shanghai at this instant (RFC 3339 UTC, as events are stamped).
  const dayEnd = shanghaiDayEnd(day)
  const agencyId = q.agencyId
  const read = await store.read(async (db) => {
    const path = agencyId === undefined ? undefined : (await agencyRepository.findById(db, actor.scope, agencyId))?.path
    const w = { scope: actor.scope, path }
    const agencies = await repo.agencies(db, w)
    // The officers serving on the day counted, each judged by the report's rule and counted by
    // agency: their flags, rule 4's headcount, their standing.
    const serving = new Map<number, Serving>()
    const candidates = reportRepository.trainingCandidates(actor.scope, { year, day, agencyPath: path, recordsUpTo: standings.recordsUpTo ?? undefined })
    for (let after = 0; ;) {
      const batch = await candidates(db, after, BATCH)
      for (const c of batch) countOfficer(serving, c, standings.judge(c))
      const last = batch.at(-1)
      if (batch.length < BATCH || last === undefined) break
      after = last.id
    }
    return {
      agencies,
      serving,
      certificates: await repo.certificates(db, w, day, dayEnd, from, to),
      ended: await repo.endedBetween(db, w, instants.from, instants.to),
      recalls: await repo.awaitingRecall(db, w),
      grades: await repo.grades(db, w, year),
      // The years confirmationStanding reads on the day counted: its year, and the year before (grace).
      confirmed: await repo.confirmedYears(db, w, yearOf(day) - 1, yearOf(day)),
      expiring: await repo.expiringByMonth(db, w, from, to),
      recallsOpened: await repo.recallsOpenedByMonth(db, w, from, to)
    }
  })

  const standing = new Map(read.agencies.map((a) => [a.id, agencyOn(a, day, dayEnd)]))
  const agencies = read.agencies.filter((a) => standing.get(a.id) !== 'absent')
  const counts = new Map<number, Counts>(agencies.map((a) => [a.id, zeroCounts()]))
  const of = (id: number): Counts | undefined => counts.get(id)
  const confirmed = new Map<number, number[]>()
  for (const r of read.confirmed) confirmed.set(r.agencyId, [...(confirmed.get(r.agencyId) ?? []), r.year])
  for (const a of agencies) {
    const c = of(a.id)!
    c.agencies.total = 1
    const was = standing.get(a.id)
    if (was === 'merged' || was === 'dissolved') {
      c.agencies[was] = 1
      continue
    }
    c.agencies.active = 1
    const confirmation = confirmationStanding(confirmed.get(a.id) ?? [], day, config.CONFIRMATION_GRACE_UNTIL)
    c.agencies.confirmed = confirmation.confirmed ? 1 : 0
    c.agencies.confirmationDue = confirmation.confirmationDue ? 1 : 0
    // Rule 4's headcount on the day counted: those serving, less auxiliary staff (police included).
    const heads = read.serving.get(a.id)
    const staffing = evaluateStaffing({ officers: heads === undefined ? 0 : heads.officers.active - heads.officers.auxiliary, certified: 0, reviewers: heads?.headcountReviewers ?? 0 })
    c.staffing = { agencies: 1, shortfallAgencies: staffing.compliant ? 0 : 1, reviewersShort: staffing.shortfall }
  }
  for (const [id, { officers, training }] of read.serving) {
    const c = of(id)
    if (c) Object.assign(c, { officers, training })
  }
  for (const r of read.certificates) {
    const c = of(r.agencyId)
    if (c) Object.assign(c.certificates, { live: r.live, active: r.active, suspended: r.suspended, issued: r.issued })
  }
  for (const r of read.ended) {
    const c = of(r.agencyId)
    if (c && (r.status === 'revoked' || r.status === 'cancelled')) c.certificates[r.status] += r.n
  }
  for (const r of read.recalls) {
    const c = of(r.agencyId)
    if (c) c.certificates.awaitingRecall = r.n
  }
  for (const r of read.grades) {
    const c = of(r.agencyId)
    const key = GRADE_KEY[r.status]
    if (c && key) c.assessments[key] += r.n
  }

  const rows = agencies.map((a) => ({ place: placeOf(a), counts: counts.get(a.id)! }))
  const total = rows.reduce((sum, r) => addCounts(sum, r.counts), zeroCounts())
  const expiring = new Map(read.expiring.map((r) => [r.month, r.n]))
  const opened = new Map(read.recallsOpened.map((r) => [r.month, r.n]))
  return {
    year,
    asOf,
    countedOn: day,
    groupBy: q.groupBy,
    ruleVersion: standings.ruleVersion,
    total: { key: 'total', label: '合计', ...present(total) },
    buckets: groupCounts(rows, q.groupBy).map((b) => ({ key: b.key, label: b.label, ...present(b.counts) })),
    certificatesByMonth: monthsOf(year).map((month) => ({ month, expiring: expiring.get(month) ?? 0, awaitingRecall: opened.get(month) ?? 0 }))
  }
}
