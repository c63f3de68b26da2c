// The filter and row both training-report repositories share (repository.ts on SQLite,
// pg-repository.ts on PostgreSQL): types only, so neither implementation imports the other for them.

export interface CandidateFilter {
  year: number
  /** The day scope is judged on (domain/training.ts scopeDay). */
  day: string
  /** Materialised path of an agency: only it and the agencies below it. */
  agencyPath?: string | undefined
  /** Count only records completed on or before this day (domain recordsCountedUpTo), summed
   *  from the records; absent: the maintained totals. */
  recordsUpTo?: string | undefined
  /** Leave out officers with at least these units in both buckets (compliant whatever else:
   *  domain compliantFrom), for a report that wants no compliant officer. */
  skipFrom?: { publicLaw: number, professional: number } | undefined
  /** Leave out those no minimum can apply to (auxiliary; police unless `police`), for a report
   *  that wants no not_applicable row. */
  onlyInScope?: { police: boolean } | undefined
  /** Only officers graded one of `grades` in the 年度考核 of `year`. */
  grades?: { grades: readonly string[], year: number } | undefined
}

/** One officer as the training report reads it: flags as SQLite stores them (0 or 1). */
export interface Candidate {
  id: number
  name: string
  employeeNo: string | null
  agencyId: number
  agencyName: string
  status: 'active' | 'departed'
  joinedOn: string | null
  departedOn: string | null
  auxiliary: 0 | 1
  police: 0 | 1
  legalReviewer: 0 | 1
  supervisor: 0 | 1
  publicLawUnits: number
  professionalUnits: number
}
