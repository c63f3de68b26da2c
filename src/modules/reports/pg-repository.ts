// Report reads on PostgreSQL (the SQLite ones, and why they read as they do: repository.ts). Each
// batch is one query in a read transaction of its own; flags come back as SQLite stores them (0
// or 1), the type a Candidate promises.
import { and, eq, gt, inArray, isNull, like, lte, or, sql, type SQL } from 'drizzle-orm'
import type { PgDb } from '../../db/engine.js'
import { agencies, assessments, officers, trainingRecords, trainingTotals } from '../../db/pg/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'
import type { Candidate, CandidateFilter } from './rows.js'

/** An officer's units in one bucket for the year: the maintained total, or the sum of the
 *  records completed by f.recordsUpTo. */
function units (f: CandidateFilter, category: 'public_law' | 'professional'): SQL {
  if (f.recordsUpTo === undefined) return sql`coalesce(${category === 'public_law' ? trainingTotals.publicLawUnits : trainingTotals.professionalUnits}, 0)`
  return sql`(select coalesce(sum(${trainingRecords.units}), 0) from ${trainingRecords} where ${and(eq(trainingRecords.officerId, officers.id),
    eq(trainingRecords.year, f.year), eq(trainingRecords.category, category), lte(trainingRecords.date, f.recordsUpTo))})`
}

export const pgReportRepository = {
  /** The batch reader of trainingCandidates (repository.ts), on PostgreSQL. */
  trainingCandidates: (scope: Scope, f: CandidateFilter) => {
    const where: Array<SQL | undefined> = [
      inScopeWhere(scope, officers.agencyId),
      or(eq(officers.status, 'active'), gt(officers.departedOn, f.day)),
      or(isNull(officers.joinedOn), lte(officers.joinedOn, f.day))
    ]
    if (f.agencyPath !== undefined) where.push(like(agencies.path, `${f.agencyPath}%`))
    if (f.onlyInScope !== undefined) {
      where.push(eq(officers.auxiliary, false))
      if (!f.onlyInScope.police) where.push(eq(officers.police, false))
    }
    if (f.grades !== undefined) {
      where.push(sql`exists (select 1 from ${assessments} where ${and(eq(assessments.officerId, officers.id), eq(assessments.year, f.grades.year),
        inArray(assessments.grade, [...f.grades.grades] as Array<typeof assessments.$inferSelect.grade>))})`)
    }
    if (f.skipFrom !== undefined) where.push(sql`(${units(f, 'public_law')} < ${f.skipFrom.publicLaw} or ${units(f, 'professional')} < ${f.skipFrom.professional})`)
    // The totals are bounded by the batch's start too (implied by the join): without it the
    // planner merged the batch with the totals read from the first officer on, 0.6 s a batch
    // half-way through 3,000,000 officers instead of 17 ms.
    return async (db: PgDb, afterId: number, limit: number): Promise<Candidate[]> => {
      const { rows } = await db.execute<Candidate & Record<string, unknown>>(sql`select ${officers.id} as id, ${officers.name} as name, ${officers.employeeNo} as "employeeNo",
          ${officers.agencyId} as "agencyId", ${agencies.name} as "agencyName", ${officers.status} as status, ${officers.joinedOn} as "joinedOn",
          ${officers.departedOn} as "departedOn", ${officers.auxiliary}::int as auxiliary, ${officers.police}::int as police,
          ${officers.legalReviewer}::int as "legalReviewer", ${officers.supervisor}::int as supervisor,
          ${units(f, 'public_law')}::int as "publicLawUnits", ${units(f, 'professional')}::int as "professionalUnits"
        from ${officers}
        join ${agencies} on ${eq(agencies.id, officers.agencyId)}
        left join ${trainingTotals} on ${and(eq(trainingTotals.officerId, officers.id), eq(trainingTotals.year, f.year), gt(trainingTotals.officerId, afterId))}
        where ${and(gt(officers.id, afterId), ...where)}
        order by ${officers.id} limit ${limit}`)
      return rows
    }
  }
}
