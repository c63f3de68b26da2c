// The bureau's statistics for a year (GET /v1/reports/statistics): every agency in scope counted
// (domain/statistics Counts), then summed into the buckets asked for. The training standings are
// the training-compliance report's own rows (the same rules, the same reads), counted by agency;
// everything else is one GROUP BY per table, read in one transaction.
import { confirmationStanding } from '../../domain/confirmation.js'
import { endOfYear, startOfYear } from '../../domain/dates.js'
import { evaluateStaffing } from '../../domain/staffing.js'
import {
  addCounts, groupCounts, monthsOf, present, shanghaiYearInstants, zeroCounts,
  type AgencyPlace, type Counts, type GroupBy
} from '../../domain/statistics.js'
import { scopeDay } from '../../domain/training.js'
import type { Actor } from '../../security/roles.js'
import { agencyRepository, NO_STAFF } from '../agencies/repository.js'
import type { ServiceContext } from '../context.js'
import type { ComplianceReport, ComplianceRow } from './service.js'
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
} as const satisfies Record<ComplianceRow['status'], keyof Counts['training']>
const GRADE_KEY: Record<string, keyof Counts['assessments']> = {
  excellent: 'excellent', competent: 'competent', basically_competent: 'basicallyCompetent', incompetent: 'incompetent'
}

const depthOf = (path: string) => path.split('/').length - 3

function placeOf (a: AgencyRow): AgencyPlace {
  const domains = typeof a.domains === 'string' ? JSON.parse(a.domains) as string[] : a.domains
  return { id: a.id, name: a.name, kind: a.kind, level: a.level, regionCode: a.regionCode, domains, depth: depthOf(a.path) }
}

/**
 * Counts the year for the agencies in the actor's scope (under `agencyId` when given: the
 * compliance report checks it, AGENCY_OUT_OF_SCOPE otherwise) and groups them by `groupBy`.
 * `compliance` is the training-compliance report for the same year, asOf and agency.
 */
export async function statistics ({ store, config }: ServiceContext, actor: Actor, q: StatisticsQuery, compliance: ComplianceReport): Promise<Statistics> {
  const { year, asOf } = compliance
  const day = scopeDay(year, asOf)
  const from = startOfYear(year)
  const to = endOfYear(year)
  const instants = shanghaiYearInstants(year)
  const agencyId = q.agencyId
  const read = await store.read(async (db) => {
    const path = agencyId === undefined ? undefined : (await agencyRepository.findById(db, actor.scope, agencyId))?.path
    const w = { scope: actor.scope, path }
    const agencies = await repo.agencies(db, w)
    const active = agencies.filter((a) => a.status === 'active').map((a) => a.id)
    return {
      agencies,
      officers: await repo.officers(db, w, day),
      certificates: await repo.certificates(db, w, day, from, to),
      ended: await repo.endedBetween(db, w, instants.from, instants.to),
      recalls: await repo.awaitingRecall(db, w),
      grades: await repo.grades(db, w, year),
      staffing: await agencyRepository.staffingCounts(db, active, day),
      confirmed: await agencyRepository.confirmedYears(db, active),
      expiring: await repo.expiringByMonth(db, w, from, to),
      recallsOpened: await repo.recallsOpenedByMonth(db, w, from, to)
    }
  })

  const counts = new Map<number, Counts>(read.agencies.map((a) => [a.id, zeroCounts()]))
  const of = (id: number): Counts | undefined => counts.get(id)
  for (const a of read.agencies) {
    const c = of(a.id)!
    c.agencies.total = 1
    if (a.status !== 'active') {
      c.agencies[a.status] = 1
      continue
    }
    c.agencies.active = 1
    const standing = confirmationStanding(read.confirmed.get(a.id) ?? [], day, config.CONFIRMATION_GRACE_UNTIL)
    c.agencies.confirmed = standing.confirmed ? 1 : 0
    c.agencies.confirmationDue = standing.confirmationDue ? 1 : 0
    const staffing = evaluateStaffing(read.staffing.get(a.id) ?? NO_STAFF)
    c.staffing = { agencies: 1, shortfallAgencies: staffing.compliant ? 0 : 1, reviewersShort: staffing.shortfall }
  }
  for (const { agencyId: id, ...o } of read.officers) {
    const c = of(id)
    if (c) c.officers = { active: o.active, auxiliary: o.auxiliary, police: o.police, legalReviewers: o.legalReviewers, supervisors: o.supervisors }
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
  for await (const batch of compliance.batches()) {
    for (const row of batch) {
      const c = of(row.agencyId)
      if (c === undefined) continue // moved in after the agencies were read: counted next time
      c.training[TRAINING_KEY[row.status]] += 1
      if (row.status !== 'not_applicable') c.training.units += row.publicLawUnits + row.professionalUnits
    }
  }

  const rows = read.agencies.map((a) => ({ place: placeOf(a), counts: counts.get(a.id)! }))
  const total = rows.reduce((sum, r) => addCounts(sum, r.counts), zeroCounts())
  const expiring = new Map(read.expiring.map((r) => [r.month, r.n]))
  const opened = new Map(read.recallsOpened.map((r) => [r.month, r.n]))
  return {
    year,
    asOf,
    countedOn: day,
    groupBy: q.groupBy,
    ruleVersion: compliance.ruleVersion,
    total: { key: 'total', label: '合计', ...present(total) },
    buckets: groupCounts(rows, q.groupBy).map((b) => ({ key: b.key, label: b.label, ...present(b.counts) })),
    certificatesByMonth: monthsOf(year).map((month) => ({ month, expiring: expiring.get(month) ?? 0, awaitingRecall: opened.get(month) ?? 0 }))
  }
}
