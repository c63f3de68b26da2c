// npm run nightly -- [--year YYYY] [--as-of YYYY-MM-DD] [--due-within-days N] [--fail-on-findings] [--db FILE]
// Every nightly check at once, reading the database file read-only: under-trained and at-risk
// officers (rule 3), agencies below 5% legal reviewers (rule 4), agencies not confirmed this
// year (rule 5), certificates expiring soon, suspended past their set end or whose card awaits
// recall, and broken invariants (a departed officer with a live certificate; an auxiliary or
// police officer holding one; an active certificate without a passed exam; a transfer or
// departure dated after today, the day the command runs, whatever --as-of says).
// The result is one JSON document on stdout; progress goes to stderr, only on a terminal.
// Exit codes: 0 done, 1 failed, 2 bad usage, 3 findings with --fail-on-findings.
import { shanghaiDate } from '../domain/dates.js'
import { nightlyChecks } from '../modules/reports/nightly.js'
import { cliConfig, dateOption, existingDatabase, NIGHTLY_OPTIONS, parseOptions, runCli, systemAdmin, wholeOption, withReadOnlyDatabase, yearOption } from './runner.js'

const USAGE = `usage: npm run nightly -- [options]
  --year YYYY            training year (default: the last closed year before AT_RISK_FROM,
                         default 07-01, of the year of --as-of; that year from then on)
  --as-of YYYY-MM-DD     evaluate as of this day (default: today, Asia/Shanghai)
  --due-within-days N    certificates expiring within N days (default 30)
  --fail-on-findings     exit 3 when any check finds something
  --db FILE              database file (default: DATABASE_PATH)
Exit codes: 0 done, 1 failed, 2 bad usage, 3 findings with --fail-on-findings.`

const ACTOR = systemAdmin('nightly')

function options (argv: string[]) {
  const v = parseOptions({
    args: argv,
    strict: true,
    options: { ...NIGHTLY_OPTIONS, 'due-within-days': { type: 'string', default: '30' } }
  }).values
  const asOf = dateOption('as-of', v['as-of']) ?? shanghaiDate(new Date())
  const days = wholeOption('due-within-days', v['due-within-days'], 0, 9999) as number
  return { help: v.help, asOf, year: yearOption(v.year), days, failOnFindings: v['fail-on-findings'], db: v.db }
}

async function run (argv: string[]): Promise<number> {
  const o = options(argv)
  if (o.help) { process.stdout.write(USAGE + '\n'); return 0 }
  const config = cliConfig()
  if (process.stderr.isTTY) process.stderr.write('nightly: checking…\n')
  return withReadOnlyDatabase(existingDatabase(config, o.db), (store) => {
    const result = nightlyChecks(store, config, ACTOR, { asOf: o.asOf, year: o.year, dueWithinDays: o.days, today: shanghaiDate(new Date()) })
    process.stdout.write(JSON.stringify(result, null, 2) + '\n')
    const total = Object.values(result.counts).reduce((a, b) => a + b, 0)
    process.stderr.write(`nightly: ${result.year} as of ${result.asOf}: ${Object.entries(result.counts).map(([k, n]) => `${k}=${n}`).join(' ')}\n`)
    return o.failOnFindings && total > 0 ? 3 : 0
  })
}

runCli('nightly', USAGE, run)
