// Every nightly check in one document (npm run nightly): what the bureau must act on, read with
// the same services and domain rules as the API, so the two never disagree.
import type { Config } from '../../config.js'
import type { SqliteStore } from '../../db/sqlite/store.js'
import { yearOf, type IsoDate } from '../../domain/dates.js'
import { defaultNightlyYear, isFinding } from '../../domain/training.js'
import type { Actor } from '../../security/roles.js'
import { TRAINING_STATUSES } from './schema.js'
import { reportsService } from './service.js'
import { agencyConfirmationChecks, brokenInvariants, incompetentWithLiveCertificate } from './invariants.js'
import { certificatesReport, staffingReport } from './registry-reports.js'

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
 * whose confirmation lapsed, is due within the grace period, or awaits 重新确认 (rule 5); officers
 * graded 不称职 in the last closed year who still hold a live card (000 (四)); certificates
 * expiring, awaiting recall, in custody or suspended past their set end; broken invariants.
 */
export function nightlyChecks (store: SqliteStore, config: Config, actor: Actor, o: NightlyOptions) {
  const year = o.year ?? defaultNightlyYear(o.asOf, config.AT_RISK_FROM)
  const report = reportsService({ store, config, clock: () => new Date(`${o.today}T04:00:00Z`) })
    .trainingCompliance(actor, { year, asOf: o.asOf, statuses: TRAINING_STATUSES.filter(isFinding) })
  const flagged = [...report.batches()].flat().map(({ id: _id, ...row }) => row)
  const staffingShort = staffingReport(store.db, actor, o.asOf).filter((r) => !r.compliant)
  const confirmations = agencyConfirmationChecks(store.db, o.asOf, config.CONFIRMATION_GRACE_UNTIL)
  const certificates = certificatesReport(store.db, actor, o.asOf, o.dueWithinDays)
  const invariants = brokenInvariants(store.db, o.today)
  const checks = {
    underTrained: flagged.filter((r) => r.status === 'non_compliant'),
    atRisk: flagged.filter((r) => r.status === 'at_risk'),
    agenciesBelowReviewerRatio: staffingShort,
    agenciesNotConfirmed: confirmations.notConfirmed,
    agenciesConfirmationDue: confirmations.confirmationDue,
    agenciesAwaitingReconfirmation: confirmations.awaitingReconfirmation,
    incompetentWithLiveCertificate: incompetentWithLiveCertificate(store.db, yearOf(o.asOf) - 1, o.asOf),
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
