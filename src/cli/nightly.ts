// node dist/cli/nightly.mjs [--year YYYY] [--as-of YYYY-MM-DD] [--due-within-days N]
//                           [--summary [--first N]] [--pretty] [--fail-on-findings] [--db FILE]
// Every nightly check at once, reading the database file read-only: under-trained and at-risk
// officers (rule 3), agencies below 5% legal reviewers (rule 4), agencies not confirmed this
// year (rule 5), certificates expiring soon, suspended past their set end or whose card awaits
// recall, and broken invariants (a departed officer with a live certificate; an auxiliary or
// police officer holding one; an active certificate without a passed exam; a transfer or
// departure dated after today, the day the command runs, whatever --as-of says).
// The result is one JSON document on stdout and nothing else (cron mails it, a script parses
// it): indented on a terminal, one line otherwise; --summary keeps the counts and the first N
// rows of each list. Progress goes to stderr, only on a terminal.
// Exit codes: 0 done, 1 failed, 2 bad usage, 3 findings with --fail-on-findings.
import { shanghaiDate, type IsoDate } from '../domain/dates.js'
import { nightlyChecks } from '../modules/reports/nightly.js'
import { checkTrainingYear, cliConfig, dateOption, Help, isEntryModule, NIGHTLY_OPTIONS, parseOptions, runCli, systemAdmin, Usage, wholeOption, withCommandStore, yearOption } from './runner.js'

export const NIGHTLY_USAGE = `usage: node dist/cli/nightly.mjs [options]      (or npm run nightly -- [options])
  --year YYYY            training year (default: the last closed year before AT_RISK_FROM,
                         default 07-01, of the year of --as-of; that year from then on)
  --as-of YYYY-MM-DD     evaluate as of this day (default: today, Asia/Shanghai)
  --due-within-days N    certificates expiring within N days (default 30)
  --summary              the counts, and only the first rows of each list (see --first)
  --first N              with --summary: rows kept of each list (default 10)
  --pretty               indented JSON (the default on a terminal; one line otherwise)
  --fail-on-findings     exit 3 when any check finds something
  --db FILE              database file (default: DATABASE_PATH)
Exit codes: 0 done, 1 failed (no database, unreadable), 2 bad usage, 3 findings with --fail-on-findings.`

const ACTOR = systemAdmin('nightly')

export interface NightlyCommand {
  readonly asOf: IsoDate
  readonly year: number | undefined
  readonly days: number
  /** Rows kept of each list (--summary), or undefined for every row. */
  readonly first: number | undefined
  readonly pretty: boolean
  readonly failOnFindings: boolean
  readonly db: string | undefined
}

/** The command's arguments, checked against `today`; throws Usage, or Help for --help.
 *  `terminal`: whether standard output is a terminal (indented JSON by default). */
export function nightlyCommand (argv: string[], today: IsoDate, terminal = false): NightlyCommand {
  const v = parseOptions({
    args: argv,
    strict: true,
    options: {
      ...NIGHTLY_OPTIONS,
      'due-within-days': { type: 'string', default: '30' },
      summary: { type: 'boolean', default: false },
      first: { type: 'string' },
      pretty: { type: 'boolean', default: false }
    }
  }).values
  if (v.help) throw new Help(NIGHTLY_USAGE)
  const asOf = dateOption('as-of', v['as-of'])
  const year = yearOption(v.year)
  checkTrainingYear(year, asOf, today)
  const days = wholeOption('due-within-days', v['due-within-days'], 0, 9999) as number
  const first = wholeOption('first', v.first, 0, 100_000)
  if (first !== undefined && !v.summary) throw new Usage('--first goes with --summary', NIGHTLY_USAGE)
  return { asOf: asOf ?? today, year, days, first: v.summary ? first ?? 10 : undefined, pretty: v.pretty || terminal, failOnFindings: v['fail-on-findings'], db: v.db }
}

/** The document with each list cut to its first `n` rows (the counts stay whole). */
export function summarize<T extends { checks: Record<string, unknown[]> }> (result: T, n: number): T & { listed: number } {
  const checks = Object.fromEntries(Object.entries(result.checks).map(([k, rows]) => [k, rows.slice(0, n)]))
  return { ...result, checks, listed: n }
}

async function run (argv: string[]): Promise<number> {
  const today = shanghaiDate(new Date())
  const o = nightlyCommand(argv, today, process.stdout.isTTY === true)
  const config = cliConfig()
  if (process.stderr.isTTY) process.stderr.write('nightly: checking…\n')
  return withCommandStore(config, o.db, async (store) => {
    const result = await nightlyChecks(store, config, ACTOR, { asOf: o.asOf, year: o.year, dueWithinDays: o.days, today })
    const shown = o.first === undefined ? result : summarize(result, o.first)
    process.stdout.write(JSON.stringify(shown, null, o.pretty ? 2 : undefined) + '\n')
    const total = Object.values(result.counts).reduce((a, b) => a + b, 0)
    process.stderr.write(`nightly: ${result.year} as of ${result.asOf}: ${Object.entries(result.counts).map(([k, n]) => `${k}=${n}`).join(' ')}\n`)
    return o.failOnFindings && total > 0 ? 3 : 0
  })
}

if (isEntryModule(import.meta.url)) runCli('nightly', NIGHTLY_USAGE, run)
