// Rule 4: each agency needs legal reviewers (法制审核人员) numbering at least 5% of its
// officers (policy 002 item 11; 001 "不少于执法人员5%"). 5% is 1 in 20, so the test is done
// in integers as reviewers × 20 ≥ officers and no rounding of a percentage can flip it.
import { ceilDiv, wholeNumber } from './integers.js'

export interface StaffingCounts {
  /** Active officers holding an active or suspended certificate. */
  officers: number
  /** Active officers flagged as legal reviewers. */
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
 * whether reviewers × 20 ≥ officers. Throws RangeError on a negative or fractional count.
 */
export function evaluateStaffing ({ officers, reviewers }: StaffingCounts): StaffingResult {
  wholeNumber('officers', officers)
  wholeNumber('reviewers', reviewers)
  const required = ceilDiv(officers, OFFICERS_PER_REVIEWER)
  return {
    officers,
    reviewers,
    required,
    shortfall: Math.max(0, required - reviewers),
    compliant: reviewers * OFFICERS_PER_REVIEWER >= officers
  }
}
