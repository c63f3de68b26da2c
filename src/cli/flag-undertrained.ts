// node dist/cli/flag-undertrained.mjs [--year 2026] [--as-of 2026-11-30] [--agency ID]
//                                     [--format json|csv] [--out FILE] [--fail-on-findings] [--db FILE]
// The nightly check of rule 3: lists in-scope officers who are short of their 学时 (the year is
// over: non_compliant) or behind the pace the year requires (at_risk), with their deficits.
// Reads the database file directly and read-only (DATABASE_PATH, or --db), through the same
// report service as GET /v1/reports/training-compliance, so the two never disagree.
// Exit codes: 0 done, 1 failed (the message says why), 2 bad usage, 3 findings with --fail-on-findings.
import { createWriteStream } from 'node:fs'
import { Readable, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { TRAINING_STATUSES, COMPLIANCE_COLUMNS } from '../modules/reports/schema.js'
import { defaultNightlyYear, isFinding } from '../domain/training.js'
import { RegistryError } from '../errors.js'
import { csvStream } from '../http/report-files.js'
import { reportsService, type ComplianceRow } from '../modules/reports/service.js'
import { shanghaiDate, type IsoDate } from '../domain/dates.js'
import { checkTrainingYear, cliConfig, dateOption, Help, idOption, isEntryModule, NIGHTLY_OPTIONS, parseOptions, runCli, systemAdmin, Usage, withCommandStore, yearOption } from './runner.js'

export const FLAG_USAGE = `usage: node dist/cli/flag-undertrained.mjs [options]      (or npm run flag-undertrained -- [options])
  --year YYYY          training year, begun by today (default: the year of --as-of from
                       AT_RISK_FROM, 1 July; before it the year before, whose shortfalls are final)
  --as-of YYYY-MM-DD   evaluate as of this day, in the year (default: today)
  --agency ID          only this agency and the agencies below it
  --format json|csv    output format (default json)
  --out FILE           write to FILE instead of standard output
  --fail-on-findings   exit 3 when anyone is flagged
  --db FILE            database file (default: DATABASE_PATH)
Exit codes: 0 done, 1 failed (no database, unreadable), 2 bad usage, 3 findings with --fail-on-findings.`

const ACTOR = systemAdmin('flag-undertrained')
// What the command flags: the standings that need action (domain isFinding).
const FINDINGS = TRAINING_STATUSES.filter(isFinding)

/** The command's arguments, checked against `today`; throws Usage, or Help for --help. */
export function flagCommand (argv: string[], today: IsoDate) {
  const parsed = parseOptions({
    args: argv,
    strict: true,
    options: {
      ...NIGHTLY_OPTIONS,
      agency: { type: 'string' },
      format: { type: 'string', default: 'json' },
      out: { type: 'string' }
    }
  }).values
  if (parsed.help) throw new Help(FLAG_USAGE)
  if (parsed.format !== 'json' && parsed.format !== 'csv') throw new Usage('--format must be json or csv')
  const year = yearOption(parsed.year)
  const asOf = dateOption('as-of', parsed['as-of'])
  checkTrainingYear(year, asOf, today)
  return {
    year,
    asOf: asOf ?? today,
    agencyId: idOption('agency', parsed.agency),
    format: parsed.format,
    out: parsed.out,
    failOnFindings: parsed['fail-on-findings'],
    db: parsed.db
  }
}

/** JSON document written a batch at a time: { year, asOf, ruleVersion, agencyId, findings: [...] }. */
async function * jsonChunks (head: Record<string, unknown>, batches: AsyncIterable<ComplianceRow[]>) {
  yield JSON.stringify(head).slice(0, -1) + ',"findings":['
  let first = true
  for await (const batch of batches) {
    const items = batch.map(({ id: _id, ...row }) => JSON.stringify(row)).join(',\n')
    yield (first ? '\n' : ',\n') + items
    first = false
  }
  yield '\n]}\n'
}

async function run (argv: string[]): Promise<number> {
  const o = flagCommand(argv, shanghaiDate(new Date()))
  const config = cliConfig()
  return withCommandStore(config, o.db, async (store) => {
    const reports = reportsService({ store, config, clock: () => new Date() })
    // The year as the nightly takes it (rule 7): in the first months, last year's shortfalls.
    const asOf = o.asOf
    const year = o.year ?? defaultNightlyYear(asOf, config.AT_RISK_FROM)
    let report
    try {
      report = await reports.trainingCompliance(ACTOR, { year, asOf, agencyId: o.agencyId, statuses: FINDINGS })
    } catch (err) {
      if (err instanceof RegistryError && err.code === 'AGENCY_OUT_OF_SCOPE') throw new Usage(`no agency ${o.agencyId ?? ''}`)
      throw err
    }
    const counts = new Map(FINDINGS.map((s) => [s, 0]))
    const counted = (async function * () {
      for await (const batch of report.batches()) {
        for (const r of batch) counts.set(r.status, (counts.get(r.status) ?? 0) + 1)
        yield batch
      }
    })()
    const body = o.format === 'csv'
      ? csvStream(COMPLIANCE_COLUMNS, counted)
      : Readable.from(jsonChunks({ year: report.year, asOf: report.asOf, ruleVersion: report.ruleVersion, agencyId: o.agencyId ?? null }, counted))
    const sink: Writable = o.out === undefined ? process.stdout : createWriteStream(o.out)
    await pipeline(body, sink, { end: o.out !== undefined })
    const total = [...counts.values()].reduce((a, b) => a + b, 0)
    process.stderr.write(`flag-undertrained: ${report.year} as of ${report.asOf}: ${total} flagged (${counts.get('non_compliant') ?? 0} non_compliant, ${counts.get('at_risk') ?? 0} at_risk)\n`)
    return o.failOnFindings && total > 0 ? 3 : 0
  })
}

if (isEntryModule(import.meta.url)) runCli('flag-undertrained', FLAG_USAGE, run)
