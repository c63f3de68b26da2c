// Rule 4: each agency needs legal reviewers (法制审核人员) numbering at least 5% of its
// officers (policy 002 item 11: "法制审核人员不少于本单位执法人员总数5%"; 001 line 27: "不少于执法
// 人员5%的比例"). The base is a headcount: the agency's active, non-auxiliary officers, police
// included, whatever their cards (a batch of cards expiring together does not take the
// requirement to 0 while the same people are at their posts). 5% is 1 in 20, so the test is done
// in integers as reviewers × 20 ≥ officers and no rounding of a percentage can flip it.
import { ceilDiv, wholeNumber } from './integers.js'

export interface StaffingCounts {
  /** Active, non-auxiliary officers (police included), whatever their cards: 执法人员总数. */
  officers: number
  /** Of them, holders of a live (active or suspended, unexpired) certificate there: shown beside. */
  certified: number
  /** Active, non-auxiliary officers flagged as legal reviewers. */
  reviewers: number
}

export interface StaffingResult extends StaffingCounts {
  required: number
  shortfall: number
  compliant: boolean
}

const OFFICERS_PER_REVIEWER = 20

/**
 * Returns the reviewers required (ceil(officers / 20)), the shortfall (never negative) and
 * whether reviewers × 20 ≥ officers; `certified` is carried beside and plays no part. Throws
 * RangeError on a negative or fractional count.
 */
export function evaluateStaffing ({ officers, certified, reviewers }: StaffingCounts): StaffingResult {
  wholeNumber('officers', officers)
  wholeNumber('certified', certified)
  wholeNumber('reviewers', reviewers)
  const required = ceilDiv(officers, OFFICERS_PER_REVIEWER)
  return {
    officers,
    certified,
    reviewers,
    required,
    shortfall: Math.max(0, required - reviewers),
    compliant: reviewers * OFFICERS_PER_REVIEWER >= officers
  }
}
