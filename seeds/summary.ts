// What a database holds, in the terms of the rules: certificates by the status a reader sees
// today, officers under-trained this year (rule 3), agencies short of legal reviewers (rule 4).
// Read straight from the tables and judged with the domain functions, so it checks the seed
// rather than repeating it.
import type { Config } from '../src/config.js'
import type { SqliteStore } from '../src/db/sqlite/store.js'
import { effectiveStatus, type StoredStatus } from '../src/domain/certificates.js'
import { evaluateTraining, ruleForYear } from '../src/domain/compliance.js'
import type { IsoDate } from '../src/domain/dates.js'
import { evaluateStaffing } from '../src/domain/staffing.js'
import { inTrainingScopeFor } from '../src/domain/training.js'
import { meetsPlanMinimum } from '../src/domain/training-plans.js'
import { agencyRepository } from '../src/modules/agencies/repository.js'

export interface SeedSummary {
  agencies: number
  agenciesByLevel: Record<string, number>
  confirmedThisYear: number
  officers: number
  activeOfficers: number
  departed: number
  auxiliary: number
  police: number
  legalReviewers: number
  supervisors: number
  certificates: Record<'active' | 'suspended' | 'revoked' | 'cancelled' | 'expired', number>
  recalls: Record<'open' | 'recovered' | 'lost', number>
  /** Open recalls of cards cancelled by a departure. */
  awaitingRecallAfterDeparture: number
  exams: number
  examResults: { passed: number, failed: number }
  trainings: Record<number, number>
  trainingRecords: Record<number, number>
  externalRecords: number
  inScopeThisYear: number
  underTrainedThisYear: number
  underTrainedShare: number
  agenciesShortOfReviewers: number
  /** Active agencies renamed (or merged into) since their confirmation: awaiting 重新确认. */
  awaitingReconfirmation: number
  /** Cards held in custody (暂扣) now. */
  inCustody: number
  /** People whose card was revoked (吊销). */
  revokedOfficers: number
  /** Police officers in this year's training scope (004 line 39). */
  policeInScopeThisYear: number
  assessments: number
  /** 年度培训计划 filed, by year. */
  trainingPlans: Record<number, number>
  /** This year's plans under 60 学时. */
  plansUnderMinimumThisYear: number
  /** Active agencies with no plan for this year. */
  agenciesWithoutPlanThisYear: number
  auditEvents: number
}

const count = (store: SqliteStore, sql: string, ...params: unknown[]): number =>
  (store.sqlite.prepare(sql).get(...params) as { n: number }).n

function grouped (store: SqliteStore, sql: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of store.sqlite.prepare(sql).all() as Array<{ k: string | number, n: number }>) out[String(r.k)] = r.n
  return out
}

export async function summarize (store: SqliteStore, config: Config, today: IsoDate): Promise<SeedSummary> {
  const year = Number(today.slice(0, 4))
  const certificates = { active: 0, suspended: 0, revoked: 0, cancelled: 0, expired: 0 }
  for (const c of store.sqlite.prepare('select status, valid_until as validUntil from certificates').all() as Array<{ status: StoredStatus, validUntil: string }>) {
    certificates[effectiveStatus(c.status, c.validUntil, today)]++
  }
  const officers = store.sqlite.prepare(`
    select o.id, o.status, o.joined_on as joinedOn, o.departed_on as departedOn, o.auxiliary, o.police,
      coalesce(t.public_law_units, 0) as publicLawUnits, coalesce(t.professional_units, 0) as professionalUnits
    from officers o left join training_totals t on t.officer_id = o.id and t.year = ?`).all(year) as Array<{
    id: number, status: 'active' | 'departed', joinedOn: string | null, departedOn: string | null, auxiliary: number, police: number, publicLawUnits: number, professionalUnits: number
  }>
  const rule = ruleForYear(config.TRAINING_RULES, year)
  let inScope = 0
  let under = 0
  let policeInScope = 0
  for (const o of officers) {
    if (!inTrainingScopeFor({ ...o, auxiliary: o.auxiliary === 1, police: o.police === 1 }, year, today, config.TRAINING_INCLUDES_POLICE)) continue
    inScope++
    if (o.police === 1) policeInScope++
    const e = evaluateTraining({ year, asOf: today, joinedOn: o.joinedOn, publicLawUnits: o.publicLawUnits, professionalUnits: o.professionalUnits, rule, atRiskFrom: config.AT_RISK_FROM })
    if (e.status === 'at_risk' || e.status === 'non_compliant') under++
  }
  const agencyIds = (store.sqlite.prepare("select id from agencies where status = 'active'").all() as Array<{ id: number }>).map((r) => r.id)
  let short = 0
  for (const counts of (await store.read(async (db) => agencyRepository.staffingCounts(db, agencyIds, today))).values()) if (!evaluateStaffing(counts).compliant) short++
  const plansThisYear = store.sqlite.prepare('select public_law_units as publicLaw, professional_units as professional, skills_units as skills from training_plans where year = ?')
    .all(year) as Array<{ publicLaw: number, professional: number, skills: number }>
  const recalls = { open: 0, recovered: 0, lost: 0, ...grouped(store, 'select status as k, count(*) as n from card_recalls group by status') }
  return {
    agencies: count(store, 'select count(*) as n from agencies'),
    agenciesByLevel: grouped(store, 'select level as k, count(*) as n from agencies group by level'),
    confirmedThisYear: count(store, 'select count(distinct agency_id) as n from agency_confirmations where year = ?', year),
    officers: officers.length,
    activeOfficers: count(store, "select count(*) as n from officers where status = 'active'"),
    departed: count(store, "select count(*) as n from officers where status = 'departed'"),
    auxiliary: count(store, 'select count(*) as n from officers where auxiliary = 1'),
    police: count(store, 'select count(*) as n from officers where police = 1'),
    legalReviewers: count(store, "select count(*) as n from officers where legal_reviewer = 1 and status = 'active'"),
    supervisors: count(store, 'select count(*) as n from officers where supervisor = 1'),
    certificates,
    recalls,
    awaitingRecallAfterDeparture: count(store, "select count(*) as n from card_recalls where status = 'open' and reason like 'departure:%'"),
    exams: count(store, 'select count(*) as n from exams'),
    examResults: { passed: count(store, 'select count(*) as n from exam_results where passed = 1'), failed: count(store, 'select count(*) as n from exam_results where passed = 0') },
    trainings: grouped(store, 'select year as k, count(*) as n from trainings group by year'),
    trainingRecords: grouped(store, 'select year as k, count(*) as n from training_records group by year'),
    externalRecords: count(store, 'select count(*) as n from training_records where training_id is null'),
    inScopeThisYear: inScope,
    underTrainedThisYear: under,
    underTrainedShare: inScope === 0 ? 0 : under / inScope,
    agenciesShortOfReviewers: short,
    awaitingReconfirmation: count(store, "select count(*) as n from agencies where status = 'active' and reconfirmation_due_since is not null"),
    inCustody: count(store, 'select count(*) as n from certificates where held_since is not null'),
    revokedOfficers: count(store, "select count(distinct officer_id) as n from certificates where status = 'revoked'"),
    policeInScopeThisYear: policeInScope,
    assessments: count(store, 'select count(*) as n from assessments'),
    trainingPlans: grouped(store, 'select year as k, count(*) as n from training_plans group by year'),
    plansUnderMinimumThisYear: plansThisYear.filter((p) => !meetsPlanMinimum(p)).length,
    agenciesWithoutPlanThisYear: count(store, "select count(*) as n from agencies a where a.status = 'active' and not exists (select 1 from training_plans p where p.agency_id = a.id and p.year = ?)", year),
    auditEvents: count(store, 'select count(*) as n from audit_events')
  }
}

/** The summary as a few lines for a terminal. */
export function formatSummary (s: SeedSummary): string {
  const c = s.certificates
  const levels = Object.entries(s.agenciesByLevel).map(([k, n]) => `${k} ${n}`).join(', ')
  const records = Object.entries(s.trainingRecords).map(([y, n]) => `${y}: ${n}`).join(', ')
  return [
    `agencies        ${s.agencies} (${levels}); ${s.confirmedThisYear} confirmed this year, ${s.awaitingReconfirmation} awaiting 重新确认, ${s.agenciesShortOfReviewers} short of legal reviewers`,
    `officers        ${s.officers}: ${s.activeOfficers} active, ${s.departed} departed; ${s.auxiliary} auxiliary, ${s.police} police; ${s.legalReviewers} legal reviewers, ${s.supervisors} supervisors`,
    `certificates    active ${c.active}, suspended ${c.suspended} (${s.inCustody} cards in custody), expired ${c.expired}, revoked ${c.revoked} (${s.revokedOfficers} people must requalify), cancelled ${c.cancelled}`,
    `card recalls    open ${s.recalls.open} (${s.awaitingRecallAfterDeparture} after a departure), recovered ${s.recalls.recovered}, lost ${s.recalls.lost}`,
    `exams           ${s.exams} sessions, ${s.examResults.passed} passed, ${s.examResults.failed} failed`,
    `training        ${Object.values(s.trainings).reduce((a, b) => a + b, 0)} trainings; records ${records} (${s.externalRecords} external)`,
    `this year       ${s.underTrainedThisYear} of ${s.inScopeThisYear} officers in training scope (${s.policeInScopeThisYear} police) under-trained (${(100 * s.underTrainedShare).toFixed(1)} %)`,
    `training plans  ${Object.entries(s.trainingPlans).map(([y, n]) => `${y}: ${n}`).join(', ')}; this year ${s.plansUnderMinimumThisYear} under 60 学时, ${s.agenciesWithoutPlanThisYear} agencies without one`,
    `assessments     ${s.assessments}; audit events ${s.auditEvents}`
  ].join('\n')
}
