// Checks of the data itself, for the nightly run: rows that break a rule the service enforces
// on every write. Any hit means a write bypassed the service (a manual fix, an old import).
import type { Db } from '../../db/store.js'
import { moveRecordableOn } from '../../domain/certificates.js'
import { confirmationStanding } from '../../domain/confirmation.js'
import type { IsoDate, MonthDay } from '../../domain/dates.js'
import { agencyRepository } from '../agencies/repository.js'
import { registryRepository } from './registry-repository.js'

/** `today`: the day the check runs (Asia/Shanghai), for what may not be dated after it. */
export async function brokenInvariants (db: Db, today: IsoDate) {
  return {
    /** Rule 2 as recorded (domain moveRecordableOn): a transfer or departure is recorded once it
     *  has happened. One dated after today was recorded ahead (before DATE_IN_FUTURE was
     *  checked, or behind the service's back): the officer shows as gone and the cards as
     *  cancelled while still at the post. */
    movesDatedAfterToday: (await registryRepository.movesDatedAfter(db, today))
      .filter((m) => !moveRecordableOn(m.date, today)), // the SQL reads only the candidates; the rule decides
    /** Rule 2: a departed officer holds an active or suspended certificate. */
    departedWithLiveCertificate: await registryRepository.liveHeldByDeparted(db),
    /** Rule 1: an auxiliary or police officer holds an active or suspended certificate. */
    auxiliaryOrPoliceWithLiveCertificate: await registryRepository.liveHeldByAuxiliaryOrPolice(db),
    /** Rule 1: an active certificate whose holder has no passed exam. */
    liveCertificateWithoutPassedExam: await registryRepository.activeWithoutPassedExam(db)
  }
}

/** Rule 5 on `today` for every active agency (domain confirmationStanding): those whose
 *  confirmation has lapsed (they issue nothing: AGENCY_NOT_CONFIRMED), those within the grace
 *  period (last year's stands, this year's is due), and those awaiting 重新确认 after a rename,
 *  a new kind or a merger into them (002 item 6). */
export async function agencyConfirmationChecks (db: Db, today: IsoDate, graceUntil: MonthDay) {
  const active = await registryRepository.activeAgenciesForConfirmation(db)
  const years = await agencyRepository.confirmedYears(db, active.map((a) => a.agencyId))
  const notConfirmed: Array<{ agencyId: number, name: string }> = []
  const confirmationDue: Array<{ agencyId: number, name: string, standingYear: number | null }> = []
  for (const a of active) {
    const s = confirmationStanding(years.get(a.agencyId) ?? [], today, graceUntil)
    if (!s.confirmed) notConfirmed.push({ agencyId: a.agencyId, name: a.name })
    else if (s.confirmationDue) confirmationDue.push({ agencyId: a.agencyId, name: a.name, standingYear: s.standingYear })
  }
  const awaitingReconfirmation = active.filter((a) => a.reconfirmationDueSince !== null)
  return { notConfirmed, confirmationDue, awaitingReconfirmation }
}

/** 000 (四) "强化考核结果运用": active officers graded 不称职 (incompetent) in `year`'s 年度考核 who
 *  still hold a live certificate on `today` (active or suspended, not past its last valid day). */
export async function incompetentWithLiveCertificate (db: Db, year: number, today: IsoDate) {
  return registryRepository.incompetentHoldingLive(db, year, today)
}
