// 行政执法资格考试: whether a score passes, and whether the exam has been sat yet. The pass mark is the exam session's (set when it is
// created, defaulting to EXAM_PASS_MARK); a result may also state `passed`, which must agree.
import { compareDates, type IsoDate } from './dates.js'

export type ExamOutcome = { ok: true, passed: boolean } | { ok: false, reason: string }

/** Returns whether `score` passes at `passMark`; when the caller also claims an outcome it must
 *  agree with the score (so a typo in either is caught), else the contradiction. */
export function examOutcome (score: number, passMark: number, claimed?: boolean): ExamOutcome {
  const passed = score >= passMark
  if (claimed !== undefined && claimed !== passed) {
    return { ok: false, reason: `passed=${String(claimed)} contradicts score ${score} with pass mark ${passMark}` }
  }
  return { ok: true, passed }
}

/** Returns true when an exam held on `examDate` has taken place by `day`: only then can anyone
 *  have sat it, so only then can it have a result or qualify for a certificate (004 二.1). */
export function examHeldBy (examDate: IsoDate, day: IsoDate): boolean {
  return compareDates(examDate, day) <= 0
}
