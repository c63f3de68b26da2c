// The database a bench run works on, whichever engine holds it: a working copy of the bench data
// that the servers and the nightly command are pointed at, and the bare ceilings measured on that
// copy with the engine's own client (better-sqlite3 in process, pg over loopback). The SQL the
// ceilings run is written once here, in either engine's dialect.
import { randomBytes } from 'node:crypto'
import type { Store } from '../src/db/store.js'

export type EngineName = 'sqlite' | 'pg'
export const ENGINES: readonly EngineName[] = ['sqlite', 'pg']

/** The bench server's own routes: the empty one (B1's ceiling on SQLite, and a comparison on
 *  PostgreSQL) and, on PostgreSQL, one bare point read of an officer (B1's ceiling there). */
export const BENCH_ROUTES = { empty: '/bench/empty', barePg: '/bench/bare-pg' } as const

/** A new officer of B3b as the import is sent it. */
export interface NewOfficer {
  readonly name: string
  readonly idNumber: string
  readonly agencyId: number
  readonly employeeNo: string
}

/** A bare ceiling's time over its rows, and how it was taken (for the row's note). */
export interface RawInserts {
  readonly ms: number
  readonly rowsPerS: number
  readonly how: string
}

export interface BenchDatabase {
  readonly engine: EngineName
  /** The engine, its version and where the working copy is: said in the table and results.json. */
  readonly label: string
  /** PostgreSQL: the bench file's copy there, made this run or reused (bench/pg-data.ts). */
  readonly copy?: { readonly ms: number, readonly reused: boolean }
  /** The bare client the ceilings are measured with, and where it runs. */
  readonly client: string
  /** How servers and commands find the copy (with the keys its data was written with). */
  readonly env: Record<string, string>
  /** The nightly command's options naming the copy (none on PostgreSQL: DATABASE_URL says it). */
  readonly commandArgs: readonly string[]
  /** B1's ceiling and bar (BENCH.md: 0.70 on SQLite, 0.5 on PostgreSQL, where each read crosses
   *  a socket): the path the bench server serves a bare point read of an officer on, or
   *  undefined when the ceiling is the empty route. */
  readonly pointRead: { readonly path?: (officerId: number) => string, readonly what: string, readonly bar: number }
  /** `work` on the service's store over the copy, closed afterwards. */
  withStore<T> (work: (store: Store) => Promise<T>): Promise<T>
  /** The rows of a query without parameters (the run's look at its data). */
  rows<T> (sql: string): Promise<T[]>
  /** B2's ceiling: aggregateSql run `runs` times on one connection, every row read each time;
   *  with `under`, only the officers of the agencies whose path begins with it (B7's province). */
  aggregate (year: number, runs: number, under?: string): Promise<{ times: number[], rows: number }>
  /** B3's ceiling: a new training, every officer given attending it, in one transaction. */
  inserts (officerIds: readonly number[], year: number): Promise<RawInserts>
  /** B3b's ceiling: the officers and their blind-index rows in one transaction, rolled back. */
  officerInserts (people: readonly NewOfficer[]): Promise<RawInserts>
  /** Removes the working copy (PostgreSQL: the database); SQLite's file stays until the next
   *  run replaces it. */
  dispose (): Promise<void>
}

/** A positional parameter: SQLite's ?, PostgreSQL's $n. */
const param = (engine: EngineName, n: number) => engine === 'pg' ? `$${n}` : '?'

/** B2's bare aggregate: rule 3's sums straight from the records, for the year ($1) and officers
 *  still serving after its last day ($2), and with `under` those of a subtree (its path, $3). On PostgreSQL booleans are booleans, a sum of integers
 *  is bigint (text to node-pg unless cast), and a grouped query selects only what follows from
 *  the keys it groups by. */
export function aggregateSql (engine: EngineName, under = false): string {
  const pg = engine === 'pg'
  const units = (category: string) => `coalesce(sum(case when r.category = '${category}' then r.units end), 0)${pg ? '::int' : ''}`
  const no = pg ? 'false' : '0'
  return `
    select o.id, o.name, o.employee_no, o.agency_id, a.name as agency_name, o.status, o.joined_on, o.departed_on,
      ${units('public_law')} as public_law_units,
      ${units('professional')} as professional_units
    from officers o
    join agencies a on a.id = o.agency_id
    left join training_records r on r.officer_id = o.id and r.year = ${param(engine, 1)}
    where o.auxiliary = ${no} and o.police = ${no} and (o.status = 'active' or o.departed_on > ${param(engine, 2)})${under ? ` and a.path like ${param(engine, 3)} || '%'` : ''}
    group by o.id${pg ? ', a.id' : ''} order by o.id`
}

/** B3's training for the raw inserts: its first day ($1, $2) and year ($3); returns its id. */
export const trainingSql = (engine: EngineName) => `insert into trainings (title, category, raw_hours, rule, units, start_date, end_date, year, mode, provider)
  values ('基准测试 raw inserts', 'public_law', '2', 'hours', 180, ${param(engine, 1)}, ${param(engine, 2)}, ${param(engine, 3)}, 'offline', 'bench') returning id`

export const RECORD_COLUMNS = 'training_records (officer_id, training_id, category, raw_hours, raw_minutes, rule, units, date, year)'

/** One attendance of B3's raw inserts, its values given as placeholders. */
export const recordTuple = (officer: string, training: string, date: string, year: string) =>
  `(${officer}, ${training}, 'public_law', '2', null, 'hours', 180, ${date}, ${year})`

/** B3b's rows with what the service would store beside them, made before any ceiling's clock
 *  starts: an ID number of a sealed one's length and a blind-index digest. */
export function withStandIns (people: readonly NewOfficer[]): Array<NewOfficer & { sealed: string, digest: string }> {
  return people.map((p) => ({ ...p, sealed: `v1.bench.${randomBytes(51).toString('base64url')}`, digest: randomBytes(32).toString('base64url') }))
}
