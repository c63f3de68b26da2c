// Every nightly check in one document (npm run nightly): what the bureau must act on, read with
// the same services and domain rules as the API, so the two never disagree.
import type { Config } from '../../config.js'
import type { Store } from '../../db/store.js'
import { yearOf, type IsoDate } from '../../domain/dates.js'
import { defaultNightlyYear, isFinding } from '../../domain/training.js'
import type { Actor } from '../../security/roles.js'
import { TRAINING_STATUSES } from './schema.js'
import { reportsService, type ComplianceRow } from './service.js'
import { agencyConfirmationChecks, brokenInvariants, incompetentWithLiveCertificate } from './invariants.js'
import { certificatesReport, staffingReport } from './registry-reports.js'
import { planReportService } from '../training-plans/report.js'
import { latestDuePlanYear } from '../../domain/training-plans.js'

export interface NightlyOptions {
  /** The day the checks are made as of. */
  readonly asOf: IsoDate
  /** The training year; default: the last closed year until AT_RISK_FROM, then asOf's year
   *  (domain defaultNightlyYear). */
  readonly year?: number | undefined
  readonly dueWithinDays: number
  /** The day the command runs (what may not be dated after it). */
  readonly today: IsoDate
}

/**
 * Returns { year, asOf, ruleVersion, counts, checks }: under-trained (non_compliant) and at-risk
 * officers of the training year (rule 3, 7); agencies below 5% legal reviewers (rule 4); agencies
 * whose confirmation lapsed, is due within the grace period, or awaits 重新确认 (rule 5); agencies
 * with no training plan for the year after PLAN_DUE (003 line 52); officers
 * graded 不称职 in the last closed year who still hold a live card (000 (四)); certificates
 * expiring, awaiting recall, in custody or suspended past their set end; broken invariants.
 * The training report reads a batch at a time (a read transaction each); the other checks are
 * read together, in one read transaction after it.
 */
export async function nightlyChecks (store: Store, config: Config, actor: Actor, o: NightlyOptions) {
  const year = o.year ?? defaultNightlyYear(o.asOf, config.AT_RISK_FROM)
  const report = await reportsService({ store, config, clock: () => new Date(`${o.today}T04:00:00Z`) })
    .trainingCompliance(actor, { year, asOf: o.asOf, statuses: TRAINING_STATUSES.filter(isFinding) })
  const flagged: Array<Omit<ComplianceRow, 'id'>> = []
  for await (const batch of report.batches()) for (const { id: _id, ...row } of batch) flagged.push(row)
  // Agencies with no training plan for the year once it was due (PLAN_DUE; 003 line 52). A plan
  // is due within its own year: the latest year whose plans are due (or the one asked), not the
  // training year, which until AT_RISK_FROM is the last closed one.
  const planYear = o.year ?? latestDuePlanYear(o.asOf, config.PLAN_DUE)
  const plans = await planReportService({ store, config, clock: () => new Date(`${o.today}T04:00:00Z`) }).report(actor, { year: planYear, asOf: o.asOf })
  const withoutPlan: Array<{ agencyId: number, agencyName: string, year: number, planDue: string }> = []
  for await (const batch of plans.batches()) {
    for (const r of batch) if (r.planStatus === 'missing') withoutPlan.push({ agencyId: r.agencyId, agencyName: r.agencyName, year: planYear, planDue: plans.planDue })
  }
  const { staffingShort, confirmations, certificates, invariants, incompetent } = await store.read(async (db) => ({
    staffingShort: (await staffingReport(db, actor, o.asOf)).filter((r) => !r.compliant),
    confirmations: await agencyConfirmationChecks(db, o.asOf, config.CONFIRMATION_GRACE_UNTIL),
    certificates: await certificatesReport(db, actor, o.asOf, o.dueWithinDays),
    invariants: await brokenInvariants(db, o.today),
    incompetent: await incompetentWithLiveCertificate(db, yearOf(o.asOf) - 1, o.asOf)
  }))
  const checks = {
    underTrained: flagged.filter((r) => r.status === 'non_compliant'),
    atRisk: flagged.filter((r) => r.status === 'at_risk'),
    agenciesBelowReviewerRatio: staffingShort,
    agenciesNotConfirmed: confirmations.notConfirmed,
    agenciesConfirmationDue: confirmations.confirmationDue,
    agenciesAwaitingReconfirmation: confirmations.awaitingReconfirmation,
    agenciesWithoutPlan: withoutPlan,
    incompetentWithLiveCertificate: incompetent,
    certificatesExpiring: certificates.filter((c) => c.kind === 'expiring'),
    cardsAwaitingRecall: certificates.filter((c) => c.kind === 'awaiting_recall'),
    cardsInCustody: certificates.filter((c) => c.kind === 'in_custody'),
    suspensionsOverdue: certificates.filter((c) => c.kind === 'suspension_overdue'),
    departedWithLiveCertificate: invariants.departedWithLiveCertificate,
    auxiliaryOrPoliceWithLiveCertificate: invariants.auxiliaryOrPoliceWithLiveCertificate,
    liveCertificateWithoutPassedExam: invariants.liveCertificateWithoutPassedExam,
    movesDatedAfterToday: invariants.movesDatedAfterToday
  }
  const counts = Object.fromEntries(Object.entries(checks).map(([k, rows]) => [k, rows.length])) as Record<keyof typeof checks, number>
  return { year, asOf: o.asOf, ruleVersion: report.ruleVersion, counts, checks }
}
