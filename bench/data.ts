// npm run bench:data -- [--officers 100000] [--records-per-officer 10] [--provinces N] [--agencies N] [--out FILE] [--pg]
// A database for the benchmark, written fast: bulk inserts with prepared statements in one
// transaction, not through the services (the seed does that for the demo city). Same schema
// (openSqliteStore applies the migrations), ID numbers sealed with the key beside the file as the
// server does, and the per-officer-year totals consistent with the records. Deterministic for
// given sizes and year. Up to 100,000 officers it is one province (B1–B6); beyond, a country of
// provinces of about 100,000 officers each (B7: 3,000,000 officers, 30 provinces, 40,000
// agencies). With --pg the file is copied into PostgreSQL too (bench/pg-data.ts).
// Exit codes: 0 written, 1 failed, 2 bad usage.
import { existsSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { openSqliteStore } from '../src/db/sqlite/store.js'
import { formatCertificateNumber } from '../src/domain/certificate-number.js'
import { validUntilFor } from '../src/domain/certificates.js'
import { addDays, compareDates, dayOfYear, isoDate, shanghaiDate, type IsoDate } from '../src/domain/dates.js'
import { withUsccCheck } from '../src/domain/uscc.js'
import { createIdNumberCodec, loadIdNumberKey } from '../src/security/id-numbers.js'
import { birthDate, idNumberFor, mobile, personName } from '../seeds/people.js'
import { stream } from '../seeds/random.js'
import { pgBenchDatabase } from './pg-data.js'

export const DEFAULT_BENCH_DB = 'data/bench/bench.db'
/** Where B7's national data is expected (npm run bench -- --b7). */
export const NATIONAL_BENCH_DB = 'data/bench-national/bench.db'

export interface BenchDataOptions {
  readonly officers: number
  readonly recordsPerOfficer: number
  readonly out: string
  /** Provinces, each a tree of its own (default: 1 up to 100,000 officers, else one per 100,000). */
  readonly provinces?: number
  /** Agencies in all (default: one per 18 officers in one province, one per 75 in several). */
  readonly agencies?: number
  /** Told how a long build goes, a line at a time (about every tenth of the officers). */
  readonly progress?: (line: string) => void
  /** The day the data is dated to; the report year is its year. Default: today in Shanghai. */
  readonly today?: string
}

export interface BenchDataResult {
  readonly out: string
  readonly year: number
  readonly agencies: number
  /** The agency at the root of each province, by province. */
  readonly provinceRoots: number[]
  readonly officers: number
  readonly records: number
  readonly trainings: number
  readonly ms: number
}

const DOMAINS = ['市场监管', '生态环境', '文化市场', '交通运输', '农业', '城市管理', '应急管理', '自然资源', '卫生健康', '住房城乡建设']
const HOURS = [2, 3, 4, 6, 8, 12, 16, 24]
const MINUTES = [90, 120, 135, 180, 240]
const OFFICERS_PER_AGENCY = 18
const OFFICERS_PER_AGENCY_NATIONALLY = 75
const OFFICERS_PER_PROVINCE = 100_000
const CITIES = 16
// Region codes: a real province prefix (an ID number must begin with one) and fictional
// prefectures 80–96 below it: PP8000 for the province body, PPCCxx for city CC. The one province
// of the default sizes is 14; a country takes the mainland's province codes after it.
const PROVINCE_CODES = ['14', '11', '12', '13', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65']
export const MAX_PROVINCES = PROVINCE_CODES.length

/** The provinces and agencies `officers` are spread over when not told. */
export function defaultShape (officers: number, provinces?: number): { provinces: number, agencies: number } {
  const p = provinces ?? (officers <= OFFICERS_PER_PROVINCE ? 1 : Math.min(MAX_PROVINCES, Math.round(officers / OFFICERS_PER_PROVINCE)))
  return { provinces: p, agencies: Math.round(officers / (p === 1 ? OFFICERS_PER_AGENCY : OFFICERS_PER_AGENCY_NATIONALLY)) }
}

/** A province as a run of agency ids: `first` (its root, the province body), then its CITIES
 *  city bodies, then `size` - 1 - CITIES county and township bodies. */
interface ProvinceBlock { readonly code: string, readonly first: number, readonly size: number }

function provinceBlocks (provinces: number, agencies: number): ProvinceBlock[] {
  let first = 1
  return Array.from({ length: provinces }, (_, p) => {
    const size = Math.floor(agencies / provinces) + (p < agencies % provinces ? 1 : 0)
    const block = { code: PROVINCE_CODES[p] as string, first, size }
    first += size
    return block
  })
}

// A departure is never dated before the joining.
const later = (a: IsoDate, b: IsoDate): IsoDate => compareDates(a, b) >= 0 ? a : b

/** Writes a fresh benchmark database at `out` (replacing one there). */
export function generateBenchData (o: BenchDataOptions): BenchDataResult {
  const started = performance.now()
  const shape = defaultShape(o.officers, o.provinces)
  const provinces = shape.provinces
  if (!Number.isSafeInteger(provinces) || provinces < 1 || provinces > MAX_PROVINCES) throw new RangeError(`provinces: 1..${MAX_PROVINCES}`)
  // Each province at least its body, its cities and one body below them.
  const agencyCount = Math.max(provinces === 1 ? CITIES + 1 : provinces * (CITIES + 2), o.agencies ?? shape.agencies)
  const blocks = provinceBlocks(provinces, agencyCount)
  const tell = o.progress ?? (() => {})
  const today = o.today ?? shanghaiDate(new Date())
  const year = Number(today.slice(0, 4))
  for (const suffix of ['', '-wal', '-shm']) rmSync(o.out + suffix, { force: true })
  // The store makes the file and applies the migrations; the bulk load then runs on a connection
  // of its own (the store's reader would keep the journal mode from changing): a rollback
  // journal without syncs, back to WAL (as the server expects) at the end.
  openSqliteStore(o.out).close()
  const store = { sqlite: new Database(o.out), close () { this.sqlite.close() } }
  store.sqlite.pragma('journal_mode = DELETE')
  store.sqlite.pragma('synchronous = OFF')
  const codec = createIdNumberCodec(loadIdNumberKey({ DATABASE_PATH: o.out }))
  const rnd = stream(`bench-${o.officers}-${o.recordsPerOfficer}-${year}`)
  const q = (sql: string) => store.sqlite.prepare(sql)
  let records = 0
  let trainingCount = 0

  // Indexes of the big tables are dropped for the load and built again after it (their SQL read
  // back from the schema, so they stay exactly what the migrations made): one sort per index
  // instead of a million scattered updates.
  const indexes = store.sqlite.prepare("select name, sql from sqlite_master where type = 'index' and tbl_name in ('training_records', 'officers', 'officer_id_index') and sql is not null").all() as Array<{ name: string, sql: string }>
  for (const i of indexes) store.sqlite.exec(`drop index "${i.name}"`)

  store.sqlite.transaction(() => {
    const insAgency = q(`insert into agencies (id, name, uscc, kind, level, parent_id, path, region_code, domains, status)
      values (?, ?, ?, 'organ', ?, ?, ?, ?, ?, 'active')`)
    const insConfirm = q('insert into agency_confirmations (agency_id, year, announcement_no, date) values (?, ?, ?, ?)')
    const regionOf: string[] = []
    const domainsOf: string[] = []
    // Each province a tree of its own ('/root/', '/root/city/', '/root/city/body/'): the levels
    // stop at the province, as the registry's do, so a country is its provinces side by side.
    for (const { code, first, size } of blocks) {
      const prefix = provinces === 1 ? '基准测试' : `基准测试${code}省`
      for (let id = first; id < first + size; id++) {
        const k = id - first + 1
        const city = k === 1 ? 0 : k <= CITIES + 1 ? k - 1 : 1 + ((k - CITIES - 2) % CITIES)
        const level = k === 1 ? 'province' : k <= CITIES + 1 ? 'city' : rnd.chance(0.3) ? 'township' : 'county'
        const region = `${code}${80 + city}${k === 1 || level === 'city' ? '00' : String(1 + (k % 40)).padStart(2, '0')}`
        const path = k === 1 ? `/${first}/` : k <= CITIES + 1 ? `/${first}/${id}/` : `/${first}/${first + city}/${id}/`
        const parent = k === 1 ? null : k <= CITIES + 1 ? first : first + city
        const domain = rnd.pick(DOMAINS)
        regionOf[id] = region
        domainsOf[id] = JSON.stringify([domain])
        insAgency.run(id, `${level === 'province' ? (provinces === 1 ? '基准测试省' : prefix) : level === 'city' ? `${prefix}第${city}市` : `${prefix}第${city}市${id}号`}${domain}执法主体`,
          withUsccCheck(`11${region}${String(10_000_000 + id * 7).padStart(9, '0')}`), level, parent, path, region, domainsOf[id])
        insConfirm.run(id, year, `基准公告〔${year}〕1号`, isoDate(year, 1, 6))
      }
    }

    const trainings = planTrainings(rnd, year, today)
    const insTraining = q(`insert into trainings (id, title, category, raw_hours, raw_minutes, rule, units, start_date, end_date, year, mode, provider, agency_id)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null)`)
    for (const t of trainings) insTraining.run(t.id, t.title, t.category, t.rawHours, t.rawMinutes, t.rule, t.units, t.date, t.date, year, t.mode, '基准测试培训机构')
    trainingCount = trainings.length

    const insOfficer = q(`insert into officers (id, name, id_number, agency_id, employee_no, phone, auxiliary, police, legal_reviewer, supervisor, status, joined_on, departed_on, departure_reason)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    const insIndex = q('insert into officer_id_index (officer_id, digest) values (?, ?)')
    const insCert = q('insert into certificates (number, officer_id, agency_id, domains, issued_on, valid_until, status) values (?, ?, ?, ?, ?, ?, \'active\')')
    const insRecord = q(`insert into training_records (officer_id, training_id, category, raw_hours, raw_minutes, rule, units, date, year, title, provider, evidence)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    const insTotals = q('insert into training_totals (officer_id, year, public_law_units, professional_units) values (?, ?, ?, ?)')
    const sequences = new Map<string, number>()
    const taken = new Set<string>()
    const lastDay = dayOfYear(today)
    const tenth = Math.max(1, Math.round(o.officers / 10))
    for (let id = 1; id <= o.officers; id++) {
      // The provinces' officers interleaved, as a registry filled over the years holds them; in
      // a province, spread over the bodies below the cities.
      const { first, size } = blocks[id % provinces] as ProvinceBlock
      const k = Math.floor(id / provinces)
      const agencyId = size <= CITIES + 1 ? first + (k % size) : first + CITIES + 1 + (k % (size - CITIES - 1))
      const sex = rnd.chance(0.72) ? 'male' : 'female'
      const birth = birthDate(rnd, 1965, 2000)
      const idNumber = idNumberFor(rnd, regionOf[agencyId] as string, birth, sex, taken)
      const auxiliary = rnd.chance(0.03)
      const police = !auxiliary && rnd.chance(0.01)
      const departed = rnd.chance(0.03)
      const joinedOn = isoDate(rnd.int(Math.max(1988, Number(birth.slice(0, 4)) + 21), year - 1), rnd.int(1, 12), rnd.int(1, 28))
      insOfficer.run(id, personName(rnd, sex, Number(birth.slice(0, 4))), codec.seal(idNumber), agencyId, `B${String(id).padStart(7, '0')}`,
        rnd.chance(0.8) ? mobile(rnd) : null, auxiliary ? 1 : 0, police ? 1 : 0, rnd.chance(0.06) ? 1 : 0, rnd.chance(0.03) ? 1 : 0,
        departed ? 'departed' : 'active', joinedOn, departed ? later(addDays(today, -rnd.int(1, 300)), joinedOn) : null, departed ? 'resignation' : null)
      insIndex.run(id, codec.blindIndex(idNumber))
      if (!auxiliary && !police && !departed && rnd.chance(0.92)) {
        const region = regionOf[agencyId] as string
        const issued = isoDate(year - rnd.int(0, 4), rnd.int(2, 11), rnd.int(1, 28))
        const key = `${region}:${issued.slice(0, 4)}`
        const seq = (sequences.get(key) ?? 0) + 1
        sequences.set(key, seq)
        insCert.run(formatCertificateNumber({ regionCode: region, year: Number(issued.slice(0, 4)), seq }), id, agencyId, domainsOf[agencyId], issued, validUntilFor(issued, 5))
      }
      // Distinct trainings for this officer (one attendance per training), one in ten external.
      const chosen = new Set<number>()
      const sums = { public_law: 0, professional: 0 }
      for (let r = 0; r < o.recordsPerOfficer; r++) {
        if (rnd.chance(0.1) || chosen.size >= trainings.length) {
          const units = 90 * rnd.pick(HOURS)
          const category = rnd.chance(0.5) ? 'public_law' : 'professional'
          insRecord.run(id, null, category, String(units / 90), null, 'hours', units, addDays(isoDate(year, 1, 1), rnd.int(0, lastDay - 1)), year, '外部培训', '省司法厅', `证书 B-${id}-${r}`)
          sums[category] += units
        } else {
          let t = trainings[rnd.int(0, trainings.length - 1)] as Training
          while (chosen.has(t.id)) t = trainings[rnd.int(0, trainings.length - 1)] as Training
          chosen.add(t.id)
          insRecord.run(id, t.id, t.category, t.rawHours, t.rawMinutes, t.rule, t.units, t.date, year, null, null, null)
          sums[t.category] += t.units
        }
        records++
      }
      if (o.recordsPerOfficer > 0) insTotals.run(id, year, sums.public_law, sums.professional)
      if (id % tenth === 0) tell(`${id} of ${o.officers} officers (${records} records) in ${seconds(started)}`)
    }
    const insSeq = q('insert into certificate_sequences (region_code, year, last_seq) values (?, ?, ?)')
    for (const [key, seq] of sequences) insSeq.run(key.slice(0, 6), Number(key.slice(7)), seq)
  })()
  tell(`indexes… (${seconds(started)} so far)`)
  for (const i of indexes) store.sqlite.exec(i.sql)
  store.sqlite.pragma('journal_mode = WAL')
  store.close()
  return { out: o.out, year, agencies: agencyCount, provinceRoots: blocks.map((b) => b.first), officers: o.officers, records, trainings: trainingCount, ms: performance.now() - started }
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`

interface Training {
  id: number
  title: string
  category: 'public_law' | 'professional'
  rawHours: string | null
  rawMinutes: number | null
  rule: 'hours' | 'minutes_45'
  units: number
  date: string
  mode: 'online' | 'offline'
}

// 240 trainings spread over the year so far: courses in 学时, sessions in minutes.
function planTrainings (rnd: ReturnType<typeof stream>, year: number, today: string): Training[] {
  const days = dayOfYear(today)
  return Array.from({ length: 240 }, (_, i) => {
    const inMinutes = rnd.chance(0.35)
    const hours = rnd.pick(HOURS)
    const minutes = rnd.pick(MINUTES)
    const category = i % 2 === 0 ? 'public_law' as const : 'professional' as const
    return {
      id: i + 1,
      title: `${year}年基准测试${category === 'public_law' ? '公共法律知识' : '专业法律知识'}培训第${i + 1}期`,
      category,
      rawHours: inMinutes ? null : String(hours),
      rawMinutes: inMinutes ? minutes : null,
      rule: inMinutes ? 'minutes_45' as const : 'hours' as const,
      units: inMinutes ? minutes * 2 : hours * 90,
      date: addDays(isoDate(year, 1, 1), Math.floor((i * days) / 240)),
      mode: rnd.chance(0.4) ? 'online' as const : 'offline' as const
    }
  })
}

async function main (): Promise<number> {
  const { values } = parseArgs({
    options: {
      officers: { type: 'string', default: '100000' },
      'records-per-officer': { type: 'string', default: '10' },
      provinces: { type: 'string' },
      agencies: { type: 'string' },
      out: { type: 'string', default: DEFAULT_BENCH_DB },
      pg: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' }
    }
  })
  const usage = 'usage: npm run bench:data -- [--officers 100000] [--records-per-officer 10] [--provinces N] [--agencies N] [--out data/bench/bench.db] [--pg]\n' +
    `  --provinces: 1..${MAX_PROVINCES} (default: 1 up to 100,000 officers, else one per 100,000); --agencies: in all (default: one per 18 officers in\n` +
    '  one province, one per 75 in several); --pg: also copied into PostgreSQL (postgres://postgres@127.0.0.1:5432, a database named after the file)'
  if (values.help) { process.stdout.write(usage + '\n'); return 0 }
  const officers = Number(values.officers)
  const perOfficer = Number(values['records-per-officer'])
  const provinces = values.provinces === undefined ? undefined : Number(values.provinces)
  const agencies = values.agencies === undefined ? undefined : Number(values.agencies)
  if (!Number.isSafeInteger(officers) || officers < 1 || !Number.isSafeInteger(perOfficer) || perOfficer < 0 || perOfficer > 200 ||
    (provinces !== undefined && !(Number.isSafeInteger(provinces) && provinces >= 1 && provinces <= MAX_PROVINCES)) ||
    (agencies !== undefined && !(Number.isSafeInteger(agencies) && agencies >= 1))) {
    process.stderr.write(`--officers and --agencies must be whole numbers >= 1, --records-per-officer 0..200, --provinces 1..${MAX_PROVINCES}\n${usage}\n`)
    return 2
  }
  const out = resolve(values.out)
  if (existsSync(out)) process.stdout.write(`replacing ${out}\n`)
  const progress = (line: string) => { process.stderr.write(`  ${line}\n`) }
  const r = generateBenchData({ officers, recordsPerOfficer: perOfficer, provinces, agencies, out, progress })
  process.stdout.write(`wrote ${r.out}: ${r.agencies} agencies in ${r.provinceRoots.length} province(s), ${r.officers} officers, ${r.trainings} trainings, ${r.records} training records (year ${r.year}) in ${(r.ms / 1000).toFixed(1)} s\n` +
    (r.provinceRoots.length > 1 ? `the provinces' root agencies: ${r.provinceRoots.join(', ')}\n` : '') +
    `ID numbers are sealed with ${join(dirname(r.out), 'id-encryption.key')}\n`)
  if (values.pg) {
    const copy = await pgBenchDatabase(out, { progress: (table, rows) => { progress(`${table}: ${rows} rows`) } })
    process.stdout.write(`copied into PostgreSQL, ${copy.url}, in ${(copy.ms / 1000).toFixed(1)} s${copy.reused ? ' (made before from this file)' : ''}\n`)
  }
  return 0
}

const entry = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : ''
if (import.meta.url === entry) {
  try {
    process.exitCode = await main()
  } catch (err) {
    process.stderr.write(`bench:data failed: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 1
  }
}
