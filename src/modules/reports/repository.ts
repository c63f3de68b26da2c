// Report reads: officers joined to their agency and, by primary key, to the maintained
// officer-year totals. Keyset batches by officer id, so a report of any size is read in
// bounded memory and no read cursor stays open while the answer streams out.
import { and, asc, eq, gt, isNull, like, lte, or, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/open.js'
import { agencies, officers, trainingTotals } from '../../db/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'

export interface CandidateFilter {
  year: number
  /** The day scope is judged on (domain/training.ts scopeDay). */
  day: string
  /** Materialised path of an agency: only it and the agencies below it. */
  agencyPath?: string | undefined
}

export const reportRepository = {
  /**
   * Prepares the read of officers who may be in training scope for the year, with their
   * totals; the returned function reads the batch after an officer id. Prepared once per
   * report: a province is a hundred batches. The SQL narrows (neither auxiliary nor police,
   * at their post on the day) only to read fewer rows; the service applies the domain rule
   * itself to every row.
   */
  trainingCandidates: (db: Db, scope: Scope, f: CandidateFilter) => {
    const where: Array<SQL | undefined> = [
      gt(officers.id, sql.placeholder('afterId')),
      inScopeWhere(scope, officers.agencyId),
      eq(officers.auxiliary, false),
      eq(officers.police, false),
      or(eq(officers.status, 'active'), gt(officers.departedOn, f.day)),
      or(isNull(officers.joinedOn), lte(officers.joinedOn, f.day))
    ]
    if (f.agencyPath !== undefined) where.push(like(agencies.path, `${f.agencyPath}%`))
    const query = db.select({
      id: officers.id,
      name: officers.name,
      employeeNo: officers.employeeNo,
      agencyId: officers.agencyId,
      agencyName: agencies.name,
      status: officers.status,
      joinedOn: officers.joinedOn,
      departedOn: officers.departedOn,
      auxiliary: officers.auxiliary,
      police: officers.police,
      publicLawUnits: sql<number>`coalesce(${trainingTotals.publicLawUnits}, 0)`,
      professionalUnits: sql<number>`coalesce(${trainingTotals.professionalUnits}, 0)`
    }).from(officers)
      .innerJoin(agencies, eq(agencies.id, officers.agencyId))
      .leftJoin(trainingTotals, and(eq(trainingTotals.officerId, officers.id), eq(trainingTotals.year, f.year)))
      .where(and(...where))
      .orderBy(asc(officers.id))
      .limit(sql.placeholder('limit'))
      .prepare()
    return (afterId: number, limit: number) => query.all({ afterId, limit })
  }
}

export type Candidate = ReturnType<ReturnType<typeof reportRepository.trainingCandidates>>[number]
