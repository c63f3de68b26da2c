// The bench on PostgreSQL: the bench file's copy (bench/pg-data.ts, made once and kept), cloned
// for the run (CREATE DATABASE … TEMPLATE: the run writes, the copy stays as it was) and dropped
// at its end; the ceilings measured on the clone with bare pg (node-postgres) over loopback, as a
// careful client would write them.
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import pg from 'pg'
import { quote, shownUrl } from '../src/db/pg/copy.js'
import { openPgStore } from '../src/db/pg/store.js'
import { ID_KEY_FILE_NAME, loadIdNumberKey } from '../src/security/id-numbers.js'
import { aggregateSql, BENCH_ROUTES, RECORD_COLUMNS, recordTuple, trainingSql, withStandIns, type BenchDatabase } from './engine.js'
import { DEFAULT_PG_ADMIN_URL, pgBenchDatabase } from './pg-data.js'

/** Rows a statement of the raw inserts carries: what a careful bulk client sends, well under the
 *  protocol's 65,535 parameters. */
const ROWS_PER_STATEMENT = 500
/** How long the clone waits for connections still open on the copy (another run's) to go. */
const TEMPLATE_WAIT_MS = 15_000

async function withClient<T> (url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** Creates `work` as a copy of `template`, waiting a while for any session on the template to
 *  end (PostgreSQL copies only a template nobody is connected to). */
async function cloneDatabase (admin: pg.Client, template: string, work: string): Promise<void> {
  const until = performance.now() + TEMPLATE_WAIT_MS
  for (;;) {
    try {
      await admin.query(`create database ${quote(work)} template ${quote(template)}`)
      return
    } catch (err) {
      if ((err as { code?: string }).code !== '55006' || performance.now() > until) {
        const { rows } = await admin.query<{ who: string }>("select coalesce(nullif(application_name, ''), 'pid ' || pid) as who from pg_stat_activity where datname = $1", [template])
        throw new Error(`could not copy ${template} for this run${rows.length === 0 ? '' : ` (connected to it: ${rows.map((r) => r.who).join(', ')})`}: ${String(err)}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
}

/** Made on the server of `adminUrl`: the copy of `source` (reused when already made from it),
 *  then a clone of it for this run. `progress` hears about the copy when it has to be made. */
export async function pgWorkDatabase (source: string, adminUrl = DEFAULT_PG_ADMIN_URL, progress?: (what: string) => void): Promise<BenchDatabase & Required<Pick<BenchDatabase, 'copy'>>> {
  const copy = await pgBenchDatabase(source, { adminUrl, progress: (table, rows) => progress?.(`  ${table}: ${rows.toLocaleString('en-US')} rows`) })
  const template = decodeURIComponent(new URL(copy.url).pathname.slice(1))
  const work = `registry_bench_work_${process.pid}_${randomBytes(3).toString('hex')}`
  const url = new URL(copy.url)
  url.pathname = `/${work}`
  const workUrl = url.toString()
  const keyText = readFileSync(join(dirname(source), ID_KEY_FILE_NAME), 'utf8').trim()
  const idNumberKey = loadIdNumberKey({ ID_ENCRYPTION_KEY: keyText, DATABASE_PATH: source })
  const version = await withClient(adminUrl, async (admin) => {
    const { rows } = await admin.query<{ v: string }>("select current_setting('server_version') as v")
    await cloneDatabase(admin, template, work)
    return rows[0]?.v ?? '?'
  })
  // Each server of the run signs tokens with one key, as servers sharing a database must: the
  // tokens B4's fresh servers are shown were signed by the first.
  const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  let dropped: Promise<void> | undefined
  return {
    engine: 'pg',
    label: `PostgreSQL ${version}, ${shownUrl(workUrl)} (a clone of ${template}${copy.reused ? ', reused' : ', made'} from ${source})`,
    client: 'pg (node-postgres) over loopback',
    copy: { ms: copy.ms, reused: copy.reused },
    env: { DATABASE_URL: workUrl, ID_ENCRYPTION_KEY: keyText, AUTH_SIGNING_KEY: signingKey },
    commandArgs: [],
    pointRead: {
      path: (id) => `${BENCH_ROUTES.barePg}/${id}`,
      what: 'one bare pg point read of the officer in the same server (a pool as large as its own)',
      bar: 0.5
    },
    async withStore (work) {
      const store = await openPgStore(workUrl, { idNumberKey })
      try {
        return await work(store)
      } finally {
        await store.end()
      }
    },
    rows: async <T>(sql: string) => await withClient(workUrl, async (c) => (await c.query(sql)).rows as T[]),
    aggregate: async (year, runs, under) => await withClient(workUrl, async (c) => {
      const times: number[] = []
      let rows = 0
      for (let i = 0; i < runs; i++) {
        const t = performance.now()
        rows = (await c.query(aggregateSql('pg', under !== undefined), [year, `${year}-12-31`, ...(under === undefined ? [] : [under])])).rowCount ?? 0
        times.push(performance.now() - t)
      }
      return { times, rows }
    }),
    inserts: async (officerIds, year) => await withClient(workUrl, async (c) => {
      const day = `${year}-01-02`
      const training = (await c.query<{ id: number }>(trainingSql('pg'), [day, day, year])).rows[0]?.id
      const statement = (n: number) => ({
        // Named: prepared once on the connection, as a bulk loader would.
        name: `bench-records-${n}`,
        text: `insert into ${RECORD_COLUMNS} values ${Array.from({ length: n }, (_, i) => recordTuple(`$${i + 4}`, '$1', '$2', '$3')).join(', ')}`
      })
      const t = performance.now()
      await c.query('begin')
      for (let i = 0; i < officerIds.length; i += ROWS_PER_STATEMENT) {
        const batch = officerIds.slice(i, i + ROWS_PER_STATEMENT)
        await c.query({ ...statement(batch.length), values: [training, day, year, ...batch] })
      }
      await c.query('commit')
      const ms = performance.now() - t
      return { ms, rowsPerS: officerIds.length / (ms / 1000), how: `pg over loopback, ${ROWS_PER_STATEMENT} rows an insert statement (prepared once), one transaction, committed` }
    }),
    officerInserts: async (people) => await withClient(workUrl, async (c) => {
      const values = withStandIns(people)
      const tuples = (n: number, width: number) => Array.from({ length: n }, (_, i) => `(${Array.from({ length: width }, (_, j) => `$${i * width + j + 1}`).join(', ')})`).join(', ')
      await c.query('begin')
      try {
        const t = performance.now()
        for (let i = 0; i < values.length; i += ROWS_PER_STATEMENT) {
          const batch = values.slice(i, i + ROWS_PER_STATEMENT)
          // Which new id gets which digest does not matter here: the digests are stand-ins.
          const { rows: ids } = await c.query<{ id: number }>({
            name: `bench-officers-${batch.length}`,
            text: `insert into officers (name, id_number, agency_id, employee_no) values ${tuples(batch.length, 4)} returning id`,
            values: batch.flatMap((v) => [v.name, v.sealed, v.agencyId, v.employeeNo])
          })
          await c.query({
            name: `bench-index-${batch.length}`,
            text: `insert into officer_id_index (officer_id, digest) values ${tuples(batch.length, 2)}`,
            values: batch.flatMap((v, j) => [ids[j]?.id, v.digest])
          })
        }
        const ms = performance.now() - t
        return { ms, rowsPerS: people.length / (ms / 1000), how: `pg over loopback, ${ROWS_PER_STATEMENT} rows an insert statement (prepared once) for the officers and for their index rows` }
      } finally {
        await c.query('rollback')
      }
    }),
    // Dropped whatever is still connected (a server killed mid-run); once, however often asked.
    dispose: async () => await (dropped ??= withClient(adminUrl, async (admin) => { await admin.query(`drop database if exists ${quote(work)} with (force)`) }))
  }
}
