// Report reads: officers joined to their agency and, by primary key, to the maintained
// officer-year totals. Keyset batches by officer id, so a report of any size is read in
// bounded memory, each batch in a read transaction of its own: none stays open while the answer
// streams out.
import { and, eq, gt, inArray, isNull, like, lte, or, sql, type SQL } from 'drizzle-orm'
import { isPg, type Db, type SqliteDb } from '../../db/engine.js'
import { arrayRows } from '../../db/sqlite/dialect.js'
import { agencies, assessments, officers, trainingRecords, trainingTotals } from '../../db/schema.js'
import { inScopeWhere } from '../../db/scope.js'
import type { Scope } from '../../security/roles.js'
import { pgReportRepository } from './pg-repository.js'
import type { Candidate, CandidateFilter } from './rows.js'

export type { Candidate, CandidateFilter } from './rows.js'

/** A Candidate's columns in the order the query selects them. */
type CandidateColumns = [number, string, string | null, number, string, 'active' | 'departed', string | null, string | null, 0 | 1, 0 | 1, number, number, 0 | 1, 0 | 1]

const candidate = (c: CandidateColumns): Candidate => ({
  id: c[0],
  name: c[1],
  employeeNo: c[2],
  agencyId: c[3],
  agencyName: c[4],
  status: c[5],
  joinedOn: c[6],
  departedOn: c[7],
  auxiliary: c[8],
  police: c[9],
  publicLawUnits: c[10],
  professionalUnits: c[11],
  legalReviewer: c[12],
  supervisor: c[13]
})

/** An officer's units in one bucket for the year: the maintained total, or the sum of the
 *  records completed by f.recordsUpTo (through the officer-year index). */
function units (f: CandidateFilter, category: 'public_law' | 'professional'): SQL {
  if (f.recordsUpTo === undefined) return sql`coalesce(${category === 'public_law' ? trainingTotals.publicLawUnits : trainingTotals.professionalUnits}, 0)`
  return sql`(select coalesce(sum(${trainingRecords.units}), 0) from ${trainingRecords} where ${and(eq(trainingRecords.officerId, officers.id),
    eq(trainingRecords.year, f.year), eq(trainingRecords.category, category), lte(trainingRecords.date, f.recordsUpTo))})`
}

export const reportRepository = {
  /**
   * Prepares the read of officers who may be in training scope for the year, with their
   * totals; the returned function reads, on the `db` of a read transaction, the batch after an
   * officer id. Built once per report (a province is a hundred batches): the query is prepared
   * on a connection the first time it reads there, and kept for the next batches. The SQL
   * narrows (at their post on the day; neither
   * auxiliary nor, when left out, police when no not_applicable row is wanted; short in a bucket
   * when no compliant officer is wanted; graded so when asked) only to
   * read fewer rows; the service applies the domain rule itself to every row. Rows come from SQLite as arrays, made objects here: better-sqlite3
   * building an object per row cost 40% more than the arrays and this mapping together (a
   * report is every officer of the registry). The reader runs on the engine of the `db` it is
   * given (PostgreSQL's: pg-repository.ts).
   */
  trainingCandidates: (scope: Scope, f: CandidateFilter): (db: Db, afterId: number, limit: number) => Promise<Candidate[]> => {
    const onSqlite = sqliteTrainingCandidates(scope, f)
    let onPg: ReturnType<typeof pgReportRepository.trainingCandidates> | undefined
    return async (db, afterId, limit) => {
      if (!isPg(db)) return await onSqlite(db, afterId, limit)
      onPg ??= pgReportRepository.trainingCandidates(scope, f)
      return await onPg(db, afterId, limit)
    }
  }
}

/** trainingCandidates on SQLite. */
function sqliteTrainingCandidates (scope: Scope, f: CandidateFilter) {
  const where: Array<SQL | undefined> = [
    sql`${officers.id} > :afterId`,
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
  const query = sql`select ${officers.id} as id, ${officers.name} as name, ${officers.employeeNo} as employeeNo,
      ${officers.agencyId} as agencyId, ${agencies.name} as agencyName, ${officers.status} as status, ${officers.joinedOn} as joinedOn,
      ${officers.departedOn} as departedOn, ${officers.auxiliary} as auxiliary, ${officers.police} as police,
      ${units(f, 'public_law')} as publicLawUnits, ${units(f, 'professional')} as professionalUnits,
      ${officers.legalReviewer} as legalReviewer, ${officers.supervisor} as supervisor
    from ${officers}
    join ${agencies} on ${eq(agencies.id, officers.agencyId)}
    left join ${trainingTotals} on ${and(eq(trainingTotals.officerId, officers.id), eq(trainingTotals.year, f.year))}
    where ${and(...where)}
    order by ${officers.id} limit :limit`
  let prepared: { db: SqliteDb, read: ReturnType<typeof arrayRows> } | undefined
  return async (db: SqliteDb, afterId: number, limit: number): Promise<Candidate[]> => {
    if (prepared?.db !== db) prepared = { db, read: arrayRows(db, query) }
    return (prepared.read({ afterId, limit }) as CandidateColumns[]).map(candidate)
  }
}
